/**
 * The storage contract: what a CSMS node writes and reads, in domain terms (shared/domain.ts). Each
 * engine implements it (csms/store/sqlite/; a PostgreSQL one fits the same shape); no engine's types and
 * no OCPP wire shapes cross it.
 *
 * Writes are async and hand back their own durability: `value` is what was written (with the ids the
 * store assigned: transactions and meter rows get theirs from the store), and `durable` settles once the
 * write would survive a crash. A protocol adapter decides per message whether its answer waits for
 * `durable` (see csms/ocpp16/handlers.ts); the store never decides that. A few writes are best effort by
 * design (a frame's arrival time, a refusal's count, an event-log line): they return nothing, and say why.
 */
import type {
  ChargerIdentity,
  ChargingProfileRecord,
  ConfigurationKey,
  DeviceVariable,
  IdTokenRecord,
  IdTokenStatus,
  MeterSample,
  Protocol,
  StatusReport,
  TransactionRecord,
} from "./domain.ts";
import type { RefusalReason } from "./events.ts";
import type { SentLocalList } from "./local_list.ts";
import type { NewReservation, ReservationRecord } from "./reservation.ts";
import type { FileWithContent, StoredFile, TransferStatus } from "./files.ts";
import type { BootStatus, ChargerRegistration, CsmsReads, RegisterChargerOptions } from "./queries.ts";

export interface Written<T> {
  value: T;
  /** Settles when the write is on disk (committed); rejects if the commit failed. */
  durable: Promise<void>;
}

export interface ChargerWrites {
  /** A charger's socket opened on `node`: its presence moves there (its first contact creates its record). */
  connected(id: string, protocol: Protocol, node: string, at: string): Promise<Written<void>>;
  /**
   * A frame arrived. Best effort and coalesced on purpose: it runs for every frame, so the latest time is
   * written within a few seconds, not per frame.
   */
  seen(id: string, atMs: number): void;
  /** The socket on `node` closed: presence ends (unless it has moved to another node meanwhile). */
  gone(id: string, node: string, atMs: number): Promise<Written<void>>;
  booted(id: string, identity: ChargerIdentity, at: string): Promise<Written<void>>;
  status(id: string, report: StatusReport, at: string): Promise<Written<void>>;
}

/** CSMS nodes keep their presence alive; a node whose lease lapses is gone, and its chargers offline. */
export interface NodeWrites {
  /** This node is alive until `untilMs` (renewed well before it lapses). */
  alive(node: string, untilMs: number): Promise<Written<void>>;
  /** This node holds no charger (it starts, or stops in order). */
  release(node: string): Promise<Written<void>>;
}

/** A transaction the store keeps open. */
export type ActiveTransaction = Pick<
  TransactionRecord,
  | "id"
  | "chargerTransactionId"
  | "chargerId"
  | "evseId"
  | "connectorId"
  | "idTag"
  | "meterStartWh"
  | "startedAt"
  | "lastMeterWh"
>;

export interface StartTransaction {
  chargerId: string;
  /** The charger's own id; absent where the CSMS assigns it (1.6: the store's id, as text). */
  chargerTransactionId?: string;
  evseId: number;
  connectorId: number;
  idTag: string;
  meterStartWh: number;
  startedAt: string;
  authStatus: IdTokenStatus;
  reservationId?: number;
}

export interface StopTransaction {
  id: number;
  chargerId: string;
  meterStopWh: number;
  stoppedAt: string;
  reason: string;
  idTag?: string;
}

/** The CSMS's own close of a transaction (superseded, or by an operator). */
export interface CloseTransaction {
  reason: string;
  stoppedAt: string;
  closedAt: string;
  closedBy?: string;
  closeReason?: string;
  supersededBy?: number;
}

export type StoppedTransaction = TransactionRecord & {
  stoppedAt: string;
  meterStopWh: number;
  stopReason: string;
};

export type StopOutcome =
  | { kind: "stopped"; tx: StoppedTransaction; durable: Promise<void> }
  /** A resent stop for one already stopped: nothing changes. */
  | { kind: "already-stopped" }
  /** The charger's stop after the CSMS had closed it: kept as `reportedStop`, the close stands. */
  | { kind: "reported-after-close"; tx: TransactionRecord; durable: Promise<void> }
  | { kind: "unknown" }
  | { kind: "other-charger"; ownerId: string };

export interface TransactionWrites {
  // Lookups are async: in a cluster another node may have opened the transaction (its charger moved), so an
  // engine on a shared database may have to ask it; one node's engine answers from what it keeps at hand.
  /** The open transactions on one EVSE of a charger. */
  activeOn(chargerId: string, evseId: number): Promise<ActiveTransaction[]>;
  /** The open transaction a charger knows by its own id, if any. */
  findByChargerTransactionId(
    chargerId: string,
    chargerTransactionId: string,
  ): Promise<ActiveTransaction | undefined>;
  /**
   * A start the charger resends because its answer was lost looks exactly like the first one: the
   * transaction it already opened, or undefined.
   */
  findResentStart(
    start: Omit<StartTransaction, "authStatus" | "reservationId">,
  ): Promise<ActiveTransaction | undefined>;
  start(start: StartTransaction): Promise<Written<ActiveTransaction>>;
  /** The stop is queued before the returned promise's first await: what is written after it follows it. */
  stop(stop: StopTransaction): Promise<StopOutcome>;
  /**
   * Notes the id token presented after an open transaction started without one (2.0.1: TxStartPoint
   * EVConnected, the driver authorizes later). False when it is not open or already has a token.
   */
  identify(id: number, idTag: string, authStatus: IdTokenStatus): Promise<Written<boolean>>;
  /** The open transactions presented with this idTag (case-insensitive): Authorize's ConcurrentTx. */
  openWithIdTag(idTag: string): Promise<ActiveTransaction[]>;
  /** Closes an open transaction on the CSMS's authority; undefined when it is not open. */
  close(id: number, close: CloseTransaction): Promise<Written<StoppedTransaction> | undefined>;
}

export interface MeterWrites {
  /**
   * Records samples; a transaction's are keyed so that a replay is stored once. `value` holds the samples
   * not seen before (a replay of a recent reading holds none): those worth publishing.
   */
  append(
    chargerId: string,
    evseId: number,
    transactionId: number | undefined,
    samples: readonly MeterSample[],
    receivedAtMs: number,
  ): Promise<Written<MeterSample[]>>;
  /** Settles once every write queued so far is on disk. */
  durable(): Promise<void>;
}

/** A charger's device model (OCPP 2.0.1), as it reports it. */
export interface DeviceModelWrites {
  /**
   * Upserts reported variables by their key (DeviceVariable); a report replaces what an earlier one said of
   * the same attribute, and leaves the others. Best kept durable before NotifyReport is answered: the
   * charger does not send a report twice.
   */
  report(chargerId: string, variables: readonly DeviceVariable[]): Promise<Written<void>>;
  /** Forgets a charger's whole model (before a full base report starts anew). */
  clear(chargerId: string): Promise<Written<void>>;
}

/**
 * The charging profiles chargers accepted. A new one replaces the stored one with the same id, and the one on
 * the same connector with the same purpose and stackLevel (OCPP 1.6 §3.13.2: the charger replaces them so).
 * Which to remove on a ClearChargingProfile or a transaction's end is decided by csms/charging_profiles.ts.
 */
export interface ChargingProfileWrites {
  put(chargerId: string, record: ChargingProfileRecord): Promise<Written<void>>;
  remove(chargerId: string, profileIds: readonly number[]): Promise<Written<void>>;
}

/** A 1.6 charger's configuration keys, as its GetConfiguration answers and accepted changes left them. */
export interface ConfigurationWrites {
  /**
   * Upserts the keys by name; `complete` (the answer to a GetConfiguration naming no key: every key the
   * charger has) forgets the keys it no longer lists.
   */
  report(chargerId: string, keys: readonly ConfigurationKey[], complete: boolean): Promise<Written<void>>;
}

export interface IdTokenStore {
  find(idTag: string): Promise<IdTokenRecord | undefined>;
  /** Records a tag first seen from a charger (AUTH_POLICY=open) as Accepted. */
  recordUnknown(idTag: string, at: string): Promise<Written<void>>;
  /** Rejects with a RangeError naming a value it cannot take. */
  put(tag: Omit<IdTokenRecord, "createdAt">): Promise<Written<IdTokenRecord>>;
  delete(idTag: string): Promise<Written<boolean>>;
}

/** Reservations (1.6 ReserveNow) a charger accepted; each is committed before the command is answered. */
export interface ReservationWrites {
  /** A fresh reservationId: one above every one kept (chargers know a reservation by this number). */
  nextId(): Promise<number>;
  /** Keeps an accepted reservation, Active; the same charger's reservationId again replaces it. */
  put(r: NewReservation): Promise<Written<void>>;
  /** Ends an Active reservation (Cancelled, or Used by a transaction); false when there is none by that id. */
  end(
    chargerId: string,
    reservationId: number,
    end: { state: "Cancelled" | "Used"; at: string; transactionId?: number },
  ): Promise<Written<boolean>>;
  /** A charger's reservations still Active and unexpired at `nowMs`. */
  active(chargerId: string, nowMs: number): Promise<ReservationRecord[]>;
}

/** The local authorization list each 1.6 charger last accepted (SendLocalList), with its version. */
export interface LocalListWrites {
  lastSent(chargerId: string): Promise<SentLocalList | undefined>;
  /** Replaces what the charger holds; committed before the command is answered. */
  sent(chargerId: string, list: SentLocalList): Promise<Written<void>>;
}

export interface StoredRegistration extends ChargerRegistration {
  /** PBKDF2 hash of the AuthorizationKey; never leaves the CSMS. */
  keyHash?: string;
}

export interface RegistrationStore {
  /** Read at every handshake (a node may keep them at hand; in a cluster another node may change one). */
  find(id: string): Promise<StoredRegistration | undefined>;
  /**
   * CHARGER_POLICY open or approve: an unknown charger, registered with profile 0 and `bootStatus`
   * (default Accepted) when it first connects; one already registered is left as it is.
   */
  registerOnFirstContact(id: string, at: string, bootStatus?: BootStatus): Promise<void>;
  /**
   * Rejects with a RangeError naming a value it cannot take; the key in clear only when generated. Options
   * naming only a bootStatus change only that of a charger already registered (RegisterChargerOptions).
   */
  register(
    id: string,
    options?: RegisterChargerOptions,
  ): Promise<{ registration: ChargerRegistration; created: boolean; authorizationKey?: string }>;
  replaceKeyHash(id: string, keyHash: string): Promise<boolean>;
  unregister(id: string): Promise<boolean>;
}

/**
 * Files kept in the database (shared/files.ts): firmware images the operator uploaded, served to chargers
 * by an unguessable token, and the uploads chargers make into slots the CSMS opened for them. Each write is
 * committed before it resolves (a file is rare and large; nothing batches it).
 */
export interface FileStore {
  /** Keeps a firmware image under `token`. */
  putFirmware(file: { name: string; content: Uint8Array; token: string; at: string }): Promise<StoredFile>;
  firmwareByToken(token: string): Promise<FileWithContent | undefined>;
  /** The token of a kept firmware image, to build its URL. */
  firmwareToken(id: number): Promise<{ token: string; name: string } | undefined>;
  /** A slot a charger may upload one file into (GetDiagnostics, GetLog), empty until it does. */
  openUpload(
    slot: { token: string; chargerId: string; kind: "diagnostics" | "log"; at: string },
  ): Promise<void>;
  /** The charger's upload into its slot (a retry replaces what came before); undefined: no such slot. */
  receiveUpload(
    token: string,
    name: string,
    content: Uint8Array,
    at: string,
  ): Promise<StoredFile | undefined>;
  /** Replaces the charger's latest status of that kind of transfer. */
  transferStatus(chargerId: string, status: TransferStatus): Promise<void>;
}

export interface RefusalRecord {
  chargerId: string;
  at: string;
  remoteAddress: string;
  reason: RefusalReason;
  status: number;
  detail?: string;
}

export interface CsmsStorage {
  chargers: ChargerWrites;
  nodes: NodeWrites;
  transactions: TransactionWrites;
  meter: MeterWrites;
  deviceModel: DeviceModelWrites;
  configuration: ConfigurationWrites;
  chargingProfiles: ChargingProfileWrites;
  idTokens: IdTokenStore;
  registrations: RegistrationStore;
  reservations: ReservationWrites;
  localLists: LocalListWrites;
  files: FileStore;
  /** Counted in memory and written with the next batch: a flood of refusals costs no write each. */
  recordRefusal(refusal: RefusalRecord): void;
  /** Events worth keeping (boots, status changes, commands): written with the next batch, not awaited. */
  appendEvent(chargerId: string, type: string, at: string, data: unknown): void;
  /**
   * The read model, the same one a portal opens on its own. These reads see every write of this storage
   * asked for before them, the best-effort ones included (they wait for them): a page shows what the
   * CSMS has answered. A portal's reader on its own may lag the best-effort writes.
   */
  reads: CsmsReads;
  /** Deletes at most `maxRows` rows past their retention; returns how many went (more may remain). */
  prune(nowMs: number, meterDays: number, eventDays: number, maxRows?: number): Promise<number>;
  /** Writes what is pending and closes. */
  close(): Promise<void>;
}
