/**
 * An EVSE's state in OCPP 2.0.1 words, pure. The connector state machine (../connector.ts) is shared
 * with 1.6; 2.0.1 reports it as a connector status (Occupied whenever a cable is in) and, inside
 * transactions, a charging state.
 */
import type { ConnectorState } from "../connector.ts";
import type { ChargingState, ConnectorStatus201 } from "./types.ts";

export function connectorStatus201(c: ConnectorState, stationOperative = true): ConnectorStatus201 {
  if (c.errorCode !== "NoError") return "Faulted";
  if (c.phase !== "idle") return "Occupied";
  return c.operative && stationOperative ? "Available" : "Unavailable";
}

/** The charging state of a connector with a cable in; Idle without. */
export function chargingStateOf(c: ConnectorState): ChargingState {
  switch (c.phase) {
    case "charging":
      return c.evseSuspended ? "SuspendedEVSE" : c.evFull ? "SuspendedEV" : "Charging";
    case "preparing":
    case "finishing":
      return "EVConnected";
    case "idle":
      return "Idle";
  }
}
