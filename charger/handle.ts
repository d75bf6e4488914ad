/**
 * How a running simulated charge point looks from outside (tests, the
 * benchmark, a demo script): what drives it and what it reports.
 */
import type { ChargePointStatus16, Ocpp16, StopReason16 } from "../shared/ocpp/mod.ts";
import type { ConfigStore } from "./config_store.ts";

export type Registration = "none" | "Accepted" | "Pending" | "Rejected";

export interface CarOptions {
  socPct?: number;
  targetSocPct?: number;
  batteryKwh?: number;
}

export interface ConnectorSnapshot {
  connectorId: number;
  status: ChargePointStatus16;
  errorCode: string;
  /** The central system's transaction id, once known. */
  transactionId?: number;
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
  readonly config: ConfigStore;
  snapshot(): ChargePointSnapshot;
  /** A car plugs in (Preparing). */
  plugIn(connectorId: number, car?: CarOptions): boolean;
  /** A driver presents `idTag` at the charger: authorizes and starts charging. */
  startLocal(connectorId: number, idTag: string, car?: CarOptions): Promise<boolean>;
  /** The driver stops at the charger (reason Local by default); the cable comes out a moment later. */
  stopLocal(connectorId: number, reason?: StopReason16): boolean;
  /** The car's cable is pulled (EVDisconnected when a transaction runs). */
  unplug(connectorId: number): boolean;
  /** A fault appears on the connector, or clears with "NoError". */
  setFault(connectorId: number, errorCode: Ocpp16.StatusNotificationRequest["errorCode"]): boolean;
  /** Resolves once every queued transaction message has been delivered, or after `timeoutMs`. */
  whenDrained(timeoutMs?: number): Promise<boolean>;
  /** Disconnects for good. */
  stop(): Promise<void>;
}
