/**
 * How a running simulated charge point looks from outside (tests, the
 * benchmark, a demo script): what drives it and what it reports.
 */
import type { ChargePointStatus16, Ocpp16, StopReason16 } from "../shared/ocpp/mod.ts";
import type { ConnectorStatus201, StopReason201 } from "./ocpp201/types.ts";

/** A connector's status as its protocol names it: OCPP 1.6's connector statuses or 2.0.1's. */
export type ConnectorStatus = ChargePointStatus16 | ConnectorStatus201;
/** Why a transaction ends, in either protocol's words (1.6 Reason, 2.0.1 ReasonEnumType). */
export type StopReason = StopReason16 | StopReason201;
/** The protocol a simulated charger speaks. */
export type OcppProtocol = "1.6" | "2.0.1";

/**
 * A charger's settings as tests and scripts read them: 1.6 configuration keys, or 2.0.1 device-model
 * variables named `Component.Variable` (see ocpp201/device_model.ts).
 */
export interface SettingsView {
  get(key: string): string | undefined;
}

export type Registration = "none" | "Accepted" | "Pending" | "Rejected";

export interface CarOptions {
  socPct?: number;
  targetSocPct?: number;
  batteryKwh?: number;
}

export interface ConnectorSnapshot {
  connectorId: number;
  status: ConnectorStatus;
  errorCode: string;
  /** The transaction's id once known: the central system's number (1.6) or the station's own string (2.0.1). */
  transactionId?: number | string;
  idTag?: string;
  socPct?: number;
  powerW: number;
  /** The connector's energy register, in Wh. */
  energyWh: number;
  /** Energy delivered in the running transaction, in Wh. */
  sessionWh?: number;
}

export interface ChargePointSnapshot {
  id: string;
  protocol: OcppProtocol;
  online: boolean;
  registration: Registration;
  connectors: ConnectorSnapshot[];
  /** Transaction messages waiting for delivery. */
  queued: number;
  framesIn: number;
  framesOut: number;
}

/** How a running simulated charge point is driven from outside (tests, the benchmark, a demo script). */
export interface ChargePointHandle {
  readonly id: string;
  readonly protocol: OcppProtocol;
  readonly config: SettingsView;
  snapshot(): ChargePointSnapshot;
  /** A car plugs in (Preparing). */
  plugIn(connectorId: number, car?: CarOptions): boolean;
  /** A driver presents `idTag` at the charger: authorizes and starts charging. */
  startLocal(connectorId: number, idTag: string, car?: CarOptions): Promise<boolean>;
  /** The driver stops at the charger (reason Local by default); the cable comes out a moment later. */
  stopLocal(connectorId: number, reason?: StopReason): boolean;
  /** The car's cable is pulled (EVDisconnected when a transaction runs). */
  unplug(connectorId: number): boolean;
  /** A fault appears on the connector, or clears with "NoError". */
  setFault(connectorId: number, errorCode: Ocpp16.StatusNotificationRequest["errorCode"]): boolean;
  /**
   * A simulated fault: the next `count` reboot attempts fail, and ResetRetries decides how often the
   * charger tries again before it gives up (1.6: connector 0 Faulted, InternalError). 0 clears it.
   */
  failResets(count: number): void;
  /** Resolves once every queued transaction message has been delivered, or after `timeoutMs`. */
  whenDrained(timeoutMs?: number): Promise<boolean>;
  /** Disconnects for good. */
  stop(): Promise<void>;
}
