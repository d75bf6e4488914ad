/**
 * OCPP 1.6 connector statuses in the neutral model (shared/domain.ts): 1.6 folds what a connector is
 * doing with the car into its status, 2.0.1 (and the domain) keeps availability and charging state apart.
 * The 1.6 word itself travels on as `original`.
 */
import type { ChargingState, ConnectorStatus, StatusReport } from "../../shared/domain.ts";
import type { ChargePointStatus16, Ocpp16 } from "../../shared/ocpp/actions16.ts";

const MAPPING: Record<ChargePointStatus16, { status: ConnectorStatus; chargingState?: ChargingState }> = {
  Available: { status: "Available" },
  // Plugged in (or authorized) before energy flows, and plugged in after the transaction: the car is there.
  Preparing: { status: "Occupied", chargingState: "EVConnected" },
  Finishing: { status: "Occupied", chargingState: "EVConnected" },
  Charging: { status: "Occupied", chargingState: "Charging" },
  SuspendedEV: { status: "Occupied", chargingState: "SuspendedEV" },
  SuspendedEVSE: { status: "Occupied", chargingState: "SuspendedEVSE" },
  Reserved: { status: "Reserved" },
  Unavailable: { status: "Unavailable" },
  Faulted: { status: "Faulted" },
};

/** A 1.6 StatusNotification as a neutral report: connector n is EVSE n (connector 1); connector 0 is EVSE 0. */
export function statusReport16(req: Ocpp16.StatusNotificationRequest): StatusReport {
  const { status, chargingState } = MAPPING[req.status];
  const report: StatusReport = {
    evseId: req.connectorId,
    connectorId: req.connectorId === 0 ? 0 : 1,
    status,
    original: req.status,
  };
  if (chargingState) report.chargingState = chargingState;
  if (req.errorCode !== "NoError") report.errorCode = req.errorCode;
  const info = [req.info, req.vendorErrorCode].filter((s) => s !== undefined && s !== "").join(" · ");
  if (info) report.info = info;
  return report;
}
