/**
 * The read model: what the portal (pages, REST, the Socket.IO bridge) reads of the fleet, its history,
 * id tags and registrations, in domain terms. Every storage engine implements it (csms/store/sqlite/),
 * and a portal process opens it on its own: nothing here is read out of a CSMS's memory. Online state is
 * stored presence (which CSMS node holds the charger's socket, kept alive by that node), so a node that
 * dies cannot leave its chargers online for longer than the presence TTL.
 *
 * Writes an operator makes (id tags, registrations, closing a transaction) are not here: they go to the
 * CSMS as bus requests (shared/admin.ts), which apply them to storage and to the live connections.
 */
import type {
  ChargingProfileRecord,
  ChargingState,
  ConfigurationKey,
  ConnectorStatus,
  DeviceVariable,
  IdTokenRecord,
  IdTokenStatus,
  MeterSample,
  Protocol,
  TransactionRecord,
} from "./domain.ts";
import type { RefusalReason } from "./events.ts";
import type { FileWithContent, StoredFile, TransferStatus } from "./files.ts";
import type { EnergyDay, SessionHour, StatsRange } from "./stats.ts";
import type { LocalListSummary } from "./local_list.ts";
import type { ReservationRecord } from "./reservation.ts";

export type { StaleCause, TransactionRecord } from "./domain.ts";
export { CSMS_STOP_REASONS, MAX_CLOSE_REASON_LENGTH } from "./domain.ts";
/** The API's names for id tokens. */
export type IdTagRecord = IdTokenRecord;
export type IdTagStatus = IdTokenStatus;

/** The latest status of one EVSE's connector (EVSE 0: the charger as a whole). */
export interface ConnectorState {
  evseId: number;
  connectorId: number;
  status: ConnectorStatus;
  chargingState?: ChargingState;
  errorCode?: string;
  info?: string;
  /** The charger's own word for the status. */
  original: string;
  updatedAt: string;
}

/** A meter sample with where it was taken. */
export type LocatedSample = MeterSample & { evseId: number; transactionId?: number };

export interface ChargerSummary {
  id: string;
  /** A CSMS node holds its socket now (and that node is alive). */
  online: boolean;
  /** That node, while online. */
  node?: string;
  protocol?: Protocol;
  vendor?: string;
  model?: string;
  firmwareVersion?: string;
  serialNumber?: string;
  lastBootAt?: string;
  lastSeenAt?: string;
  /** EVSE 0 (the charger itself) included when the charger reported it. */
  connectors: ConnectorState[];
  activeTransactions: TransactionRecord[];
  /** The latest meter sample seen from this charger, if any. */
  lastSample?: LocatedSample;
}

export type CloseTransactionResult =
  | { ok: true; transaction: TransactionRecord }
  | { ok: false; error: "not_found" | "already_stopped"; message: string };

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

/**
 * What the CSMS answers a charger's BootNotification (OCPP's RegistrationStatus): Accepted, it may work;
 * Pending, it waits for an operator (who may still query and configure it) and boots again later;
 * Rejected, it boots again later and sends nothing else meanwhile.
 */
export type BootStatus = "Accepted" | "Pending" | "Rejected";

export const BOOT_STATUSES: readonly BootStatus[] = ["Accepted", "Pending", "Rejected"];

/** A charger the operator registered (or that registered itself under CHARGER_POLICY=open or approve). */
export interface ChargerRegistration {
  id: string;
  securityProfile: SecurityProfile;
  /** Whether an AuthorizationKey is set; the key itself is stored hashed and never read back. */
  hasKey: boolean;
  /** What its BootNotification is answered. */
  bootStatus: BootStatus;
  createdAt: string;
}

export interface RegisterChargerOptions {
  securityProfile?: SecurityProfile;
  /** The AuthorizationKey to set; omitted with a profile >= 1: a random key is generated. */
  authorizationKey?: string;
  /**
   * The boot status to set; omitted: kept (Accepted for a new registration). Given alone, for a charger
   * already registered, it changes only the boot status: profile and key stay.
   */
  bootStatus?: BootStatus;
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

/** One persisted event-log entry (connections, boots, statuses, transactions, commands, notifications). */
export interface EventLogEntry {
  id: number;
  at: string;
  chargerId: string;
  type: string;
  data: unknown;
}

export interface EventLogQuery {
  chargerId?: string;
  typePrefix?: string;
  beforeId?: number;
  limit?: number;
}

export interface CsmsReads {
  listChargers(): Promise<ChargerSummary[]>;
  getCharger(id: string): Promise<ChargerSummary | undefined>;
  listTransactions(query?: TransactionQuery): Promise<{ total: number; items: TransactionRecord[] }>;
  getTransaction(id: number): Promise<TransactionRecord | undefined>;
  meterHistory(
    chargerId: string,
    options?: { transactionId?: number; since?: string; limit?: number },
  ): Promise<LocatedSample[]>;
  /** A charger's device model (2.0.1), ordered by component, instance, EVSE, connector, variable. */
  deviceModel(chargerId: string): Promise<DeviceVariable[]>;
  /** A 1.6 charger's last known configuration keys, by key. */
  configuration(chargerId: string): Promise<ConfigurationKey[]>;
  /** The charging profiles a charger accepted and still holds, by connector, purpose, stackLevel, id. */
  chargingProfiles(chargerId: string): Promise<ChargingProfileRecord[]>;
  /**
   * Energy per UTC day of the range, every day included (zero when nothing): each transaction counts on
   * the day it stopped, or, still running, on the day it started, with its energyWh (shared/stats.ts).
   */
  energyByDay(range: StatsRange): Promise<EnergyDay[]>;
  /** Transactions started per UTC hour of the range, every hour included (zero when none). */
  sessionsByHour(range: StatsRange): Promise<SessionHour[]>;
  listIdTags(): Promise<IdTagRecord[]>;
  getIdTag(idTag: string): Promise<IdTagRecord | undefined>;
  listRegistrations(): Promise<ChargerRegistration[]>;
  getRegistration(id: string): Promise<ChargerRegistration | undefined>;
  /** Recent refusals at the handshake, one per charge point id, the latest first. */
  listRefusals(options?: { limit?: number }): Promise<ChargerRefusal[]>;
  /**
   * The newest `limit` entries of the persisted event log, oldest first: one charger's or all, of types
   * starting with `typePrefix` ("security." for security events), older than entry `beforeId` (the next
   * page back).
   */
  eventLog(options?: EventLogQuery): Promise<EventLogEntry[]>;
  /** A charger's reservations, the newest first (`limit`, default 50), each in its state as of now. */
  listReservations(chargerId: string, options?: { limit?: number }): Promise<ReservationRecord[]>;
  /** The local list a 1.6 charger last accepted: version, update type, size; undefined when none. */
  localList(chargerId: string): Promise<LocalListSummary | undefined>;
  /** Kept firmware images, the newest first. */
  listFirmware(): Promise<StoredFile[]>;
  /** The diagnostics files and logs a charger uploaded, the newest first. */
  listUploads(chargerId: string): Promise<StoredFile[]>;
  /** A charger's latest status of each kind of transfer it reported. */
  transferStatuses(chargerId: string): Promise<TransferStatus[]>;
  /** A kept file with its content (an upload slot still empty is none). */
  fileContent(id: number): Promise<FileWithContent | undefined>;
  /** Resolves when the database answers (readiness); rejects with why not. */
  ping(): Promise<void>;
  /** Closes what this reader holds open (a portal's own connection); a no-op for a shared one. */
  close(): Promise<void>;
}
