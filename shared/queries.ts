/**
 * The read and admin model the CSMS offers the web bridge (portal and REST):
 * fleet state, history and id tags. In one process the CSMS's SQLite store
 * implements it directly; every method is async so that a remote or
 * PostgreSQL-backed implementation fits the same shape.
 */
import type { ChargePointErrorCode16, ChargePointStatus16 } from "./ocpp/actions16.ts";
import type { MeterSample, OcppFrameEvent, RefusalReason } from "./events.ts";

export interface ConnectorState {
  connectorId: number;
  status: ChargePointStatus16;
  errorCode: ChargePointErrorCode16;
  info?: string;
  updatedAt: string;
}

export interface ChargerSummary {
  id: string;
  online: boolean;
  protocol?: string;
  vendor?: string;
  model?: string;
  firmwareVersion?: string;
  serialNumber?: string;
  lastBootAt?: string;
  lastSeenAt?: string;
  /** Connector 0 (the charge point itself) included when the charger reported it. */
  connectors: ConnectorState[];
  activeTransactions: TransactionRecord[];
  /** The latest meter sample seen from this charger, if any. */
  lastSample?: MeterSample & { connectorId: number; transactionId?: number };
}

export interface TransactionRecord {
  id: number;
  chargerId: string;
  connectorId: number;
  idTag: string;
  meterStartWh: number;
  meterStopWh?: number;
  /** The latest energy register reading seen during the transaction. */
  lastMeterWh?: number;
  startedAt: string;
  stoppedAt?: string;
  stopReason?: string;
  /** meterStop - meterStart once stopped; last reading - meterStart while active. */
  energyWh: number;
  /** When the CSMS, not the charger, ended it (stopReason Superseded or ClosedByOperator). */
  closedAt?: string;
  /** Who closed it by hand: a user's name, or `token:` and an API token's name. */
  closedBy?: string;
  /** The operator's reason for closing it by hand. */
  closeReason?: string;
  /** The transaction the charger started on the same connector, which ended this one (Superseded). */
  supersededBy?: number;
  /**
   * The charger's own StopTransaction, when it came after the CSMS had closed the transaction: kept for
   * the record, while the close (its meterStopWh and energyWh) stands.
   */
  reportedStop?: { meterStopWh: number; stoppedAt: string; reason: string };
  /** Active transactions only: it looks orphaned, for this cause since this time (STALE_TX_MINUTES). */
  stale?: { cause: StaleCause; since: string };
}

/** Why an active transaction looks orphaned: its charger is offline, or its connector says Available. */
export type StaleCause = "ChargerOffline" | "ConnectorAvailable";

/** The stopReason of a transaction the CSMS ended on its own authority. */
export const CSMS_STOP_REASONS = {
  /** The charger started another transaction on the same connector. */
  superseded: "Superseded",
  /** An operator closed it by hand. */
  operator: "ClosedByOperator",
} as const;

/** The longest reason an operator may give for closing a transaction by hand. */
export const MAX_CLOSE_REASON_LENGTH = 200;

export type CloseTransactionResult =
  | { ok: true; transaction: TransactionRecord }
  | { ok: false; error: "not_found" | "already_stopped"; message: string };

export type IdTagStatus = "Accepted" | "Blocked" | "Expired" | "Invalid";

export interface IdTagRecord {
  idTag: string;
  status: IdTagStatus;
  expiryDate?: string;
  parentIdTag?: string;
  createdAt: string;
}

export interface TransactionQuery {
  chargerId?: string;
  active?: boolean;
  /** Only active transactions that are (true) or are not (false) stale. */
  stale?: boolean;
  limit?: number;
  offset?: number;
}

/**
 * OCPP security profiles: 0 none (only under CHARGER_POLICY=open), 1 HTTP Basic
 * auth over ws://, 2 HTTP Basic auth over TLS (wss://).
 */
export type SecurityProfile = 0 | 1 | 2;

/** A charger the operator registered (or that registered itself under CHARGER_POLICY=open). */
export interface ChargerRegistration {
  id: string;
  securityProfile: SecurityProfile;
  /** Whether an AuthorizationKey is set; the key itself is stored hashed and never read back. */
  hasKey: boolean;
  createdAt: string;
}

export interface RegisterChargerOptions {
  securityProfile?: SecurityProfile;
  /** The AuthorizationKey to set; omitted with a profile >= 1: a random key is generated. */
  authorizationKey?: string;
}

/** Charge point ids whose refusals the CSMS keeps: the most recently refused. */
export const MAX_RECENT_REFUSALS = 500;

/**
 * A charge point id refused at the handshake lately, with its latest refusal: what an operator needs to
 * register a charger that is knocking. The CSMS keeps the MAX_RECENT_REFUSALS most recent ids.
 */
export interface ChargerRefusal {
  chargerId: string;
  /** Why, with what status, and from where, the last time. */
  reason: RefusalReason;
  status: number;
  remoteAddress: string;
  detail?: string;
  /** Refusals of this id since `firstAt`. */
  attempts: number;
  firstAt: string;
  lastAt: string;
  /** Whether the id is registered now (it may have been since). */
  registered: boolean;
}

export interface CsmsQueries {
  listChargers(): Promise<ChargerSummary[]>;
  getCharger(id: string): Promise<ChargerSummary | undefined>;
  listTransactions(query?: TransactionQuery): Promise<{ total: number; items: TransactionRecord[] }>;
  getTransaction(id: number): Promise<TransactionRecord | undefined>;
  /**
   * Closes an active transaction by hand (stopReason ClosedByOperator), its last meter reading as its
   * meterStop; `by` is who, recorded with the time. Rejects with a RangeError when the reason is empty or
   * longer than MAX_CLOSE_REASON_LENGTH.
   */
  closeTransaction(id: number, close: { by: string; reason: string }): Promise<CloseTransactionResult>;
  meterHistory(
    chargerId: string,
    options?: { transactionId?: number; since?: string; limit?: number },
  ): Promise<Array<MeterSample & { connectorId: number; transactionId?: number }>>;
  /** The newest frames of one charger's log, oldest first. */
  recentFrames(chargerId: string, limit?: number): Promise<Omit<OcppFrameEvent, "type">[]>;
  listIdTags(): Promise<IdTagRecord[]>;
  getIdTag(idTag: string): Promise<IdTagRecord | undefined>;
  upsertIdTag(tag: Omit<IdTagRecord, "createdAt">): Promise<IdTagRecord>;
  deleteIdTag(idTag: string): Promise<boolean>;
  /** Registers a charger or updates its profile and key; returns the key in clear only when it was generated. */
  registerCharger(
    id: string,
    options?: RegisterChargerOptions,
  ): Promise<{ registration: ChargerRegistration; authorizationKey?: string }>;
  listRegistrations(): Promise<ChargerRegistration[]>;
  getRegistration(id: string): Promise<ChargerRegistration | undefined>;
  unregisterCharger(id: string): Promise<boolean>;
  /** Recent refusals at the handshake, one per charge point id, the latest first. */
  listRefusals(options?: { limit?: number }): Promise<ChargerRefusal[]>;
}
