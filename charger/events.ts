/**
 * What a simulated charge point reports about itself, for the terminal output
 * and for programs driving it. Local to the simulator: these are not the
 * CSMS's bus events (shared/events.ts), which describe chargers from the other side.
 */
import type { ConnectorStatus, StopReason } from "./handle.ts";
import { errorText } from "../shared/ocpp/errors.ts";

export type RegistrationStatus = "Accepted" | "Pending" | "Rejected";

export type ChargerEvent =
  | { type: "connecting"; url: string; attempt: number }
  | { type: "connected"; protocol: string }
  | { type: "disconnected"; code: number; reason: string; wasOpen: boolean; retryInMs?: number }
  | { type: "boot"; status: RegistrationStatus; interval: number }
  /** 2.0.1 has no error codes in StatusNotification: a faulted connector there reports its simulated code. */
  | { type: "status"; connectorId: number; status: ConnectorStatus; errorCode: string }
  | { type: "transactionStarted"; connectorId: number; localId: number; idTag: string; meterStart: number }
  | {
    type: "transactionAccepted";
    connectorId: number;
    localId: number;
    transactionId: number | string;
    idTagStatus: string;
  }
  | {
    type: "transactionStopped";
    connectorId: number;
    localId: number;
    transactionId?: number | string;
    reason: StopReason;
    meterStop: number;
    energyWh: number;
  }
  | {
    type: "meterValues";
    connectorId: number;
    /** Undefined for a Transaction.Begin sample taken before the central system named the transaction. */
    transactionId?: number | string;
    /** Why it was read (1.6 ReadingContext: Transaction.Begin, Sample.Periodic, Sample.Clock, Other). */
    context?: string;
    socPct?: number;
    powerW: number;
    energyWh: number;
  }
  /** What a charging car is offered changed (charging profiles): `maxW` is the connector's own maximum. */
  | { type: "limit"; connectorId: number; offeredW: number; maxW: number }
  | { type: "command"; action: string; request: unknown; response: unknown }
  /** 1.6 Soft/Hard; 2.0.1 Immediate/OnIdle. */
  | { type: "reset"; kind: "Soft" | "Hard" | "Immediate" | "OnIdle" }
  /** A reboot attempt failed (a simulated fault, failResets); `retriesLeft` 0 with `gaveUp`: no more tries. */
  | { type: "resetFailed"; attempt: number; retriesLeft: number; gaveUp: boolean }
  /** A firmware image installed (firmware_image.ts): what was downloaded, and the version it gives. */
  | { type: "firmwareInstalled"; version: string; bytes: number; sha256: string }
  | { type: "warning"; message: string };

/** An event as delivered: which charger, and when (ms since the epoch). */
export type ChargerEventRecord = ChargerEvent & { chargerId: string; at: number };

/** How the parts of a charge point report an event; the emitter stamps it with the charger and the time. */
export type Emit = (event: ChargerEvent) => void;
export type Warn = (message: unknown) => void;

export { errorText };

/**
 * Delivers a charge point's events to `options.onEvent` (read at each event, so
 * a listener set later is heard too).
 */
export function eventEmitter(
  chargerId: string,
  options: { onEvent?: (event: ChargerEventRecord) => void },
): Emit {
  return (event) => {
    const listener = options.onEvent;
    if (!listener) return;
    try {
      listener({ ...event, chargerId, at: Date.now() } as ChargerEventRecord);
    } catch (err) {
      // An observer's bug must not break the charge point.
      console.error(`event listener failed: ${errorText(err)}`);
    }
  };
}

/** A warning event from a message or anything thrown. */
export function warner(emit: Emit): Warn {
  return (message) =>
    emit({ type: "warning", message: typeof message === "string" ? message : errorText(message) });
}
