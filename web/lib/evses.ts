/**
 * How the charger page names EVSEs and their connectors: "EVSE 1" while every EVSE of the charger has
 * one connector (always so for OCPP 1.6), "EVSE 1 / connector 2" once one has more. Pure.
 */
import type { ConnectorState } from "../../shared/queries.ts";

type Located = Pick<ConnectorState, "evseId" | "connectorId">;

/** Whether some EVSE (other than the charger's own EVSE 0) has more than one connector. */
export function hasMultiConnectorEvse(connectors: readonly Located[]): boolean {
  const seen = new Map<number, number>();
  for (const c of connectors) {
    if (c.evseId === 0) continue;
    const first = seen.get(c.evseId);
    if (first !== undefined && first !== c.connectorId) return true;
    seen.set(c.evseId, c.connectorId);
  }
  return false;
}

/** "EVSE 2", or "EVSE 2 / connector 1" where connectors need telling apart; "charger" for EVSE 0. */
export function locationLabel(
  at: { evseId?: number; connectorId?: number },
  multiConnector: boolean,
): string {
  if (at.evseId === undefined || at.evseId === 0) return "charger";
  return multiConnector && at.connectorId !== undefined && at.connectorId > 0
    ? `EVSE ${at.evseId} / connector ${at.connectorId}`
    : `EVSE ${at.evseId}`;
}

/** The EVSEs one can start charging on, in order; EVSE 1 when none has reported yet. */
export function evseChoices(connectors: readonly Located[]): number[] {
  const ids = [...new Set(connectors.filter((c) => c.evseId > 0).map((c) => c.evseId))].sort((a, b) => a - b);
  return ids.length > 0 ? ids : [1];
}
