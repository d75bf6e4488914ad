/**
 * The Socket.IO API between the portal's bridge and its clients (browser
 * islands, tests, third-party dashboards). docs/api.md describes it for people;
 * these types are the single source for code on both ends.
 */
import type {
  BusEvent,
  CommandResult,
  OcppFrameEvent,
  SecurityEventReceived,
  TransactionStarted,
  TransactionStopped,
} from "../../shared/events.ts";
import type { ChargerSummary, LocatedSample, TransactionRecord } from "../../shared/queries.ts";
import type { FleetRow, FleetStatus, StatusCounts } from "./fleet.ts";

/** What a client wants to watch. Sent as the handshake's `auth` and/or with `subscribe`. */
export interface View {
  /** The whole fleet, as compact rows with coalesced updates. */
  fleet?: boolean;
  /** One charger in detail: every event of it, including each OCPP frame. */
  chargerId?: string | null;
}

export interface FleetSnapshot {
  at: string;
  rows: FleetRow[];
  counts: StatusCounts;
}

export interface FleetUpdate {
  at: string;
  /** Rows that changed since the last update, each at most once. */
  rows: FleetRow[];
  counts: StatusCounts;
}

export type MeterPoint = LocatedSample;
export type FrameRecord = Omit<OcppFrameEvent, "type">;

/** One line of a charger's status log: an EVSE's connector's status, or the charger's connection. */
export interface StatusEntry {
  at: string;
  /** Undefined for the charger's own connection (online/offline). */
  evseId?: number;
  connectorId?: number;
  /** "Refused": a connection the CSMS turned away at the handshake (`info` says why). */
  status: FleetStatus | "Online" | "Refused";
  /** The charger's own word for the status ("Finishing"). */
  original?: string;
  errorCode?: string;
  info?: string;
}

export interface ChargerSnapshot {
  at: string;
  chargerId: string;
  /** Null when the CSMS has never seen this charger; its events still arrive once it connects. */
  charger: ChargerSummary | null;
  /** The newest OCPP frames this portal has seen, oldest first. */
  frames: FrameRecord[];
  /** The latest status changes, from the persisted event log, oldest first. */
  statusLog: StatusEntry[];
  /** Meter samples of the active transaction, or of the latest readings when idle; oldest first. */
  meter: MeterPoint[];
  /** The charger's latest transactions, newest first. */
  transactions: TransactionRecord[];
}

export interface CommandRequestMessage {
  chargerId: string;
  /** An operator command of the charger's protocol (shared/ocpp/catalog.ts). */
  action: string;
  payload: Record<string, unknown>;
  /** How long to wait for the charger's answer, 1 s to 120 s (default: the CSMS's call timeout). */
  timeoutMs?: number;
}

export type SubscribeAck = { ok: true } | { ok: false; message: string };

/**
 * The answer to a command: the charger's (CommandResult), or the portal's refusal when the client's role
 * may not send commands (viewers may only watch).
 */
export type CommandAck = CommandResult | { ok: false; error: "forbidden"; message: string };

export interface ServerToClientEvents {
  "fleet:snapshot": (snapshot: FleetSnapshot) => void;
  "fleet:update": (update: FleetUpdate) => void;
  "charger:snapshot": (snapshot: ChargerSnapshot) => void;
  /** Every Bus event of the charger in view, as the CSMS published it. */
  "charger:event": (event: BusEvent) => void;
  /** To every client: transactions start and stop (the history page refreshes on these). */
  "transaction": (event: TransactionStarted | TransactionStopped) => void;
  /** To every client: a charger's SecurityEventNotification (the event-log page shows it live). */
  "security": (event: SecurityEventReceived) => void;
}

export interface ClientToServerEvents {
  subscribe: (view: View, ack?: (result: SubscribeAck) => void) => void;
  command: (request: CommandRequestMessage, ack: (result: CommandAck) => void) => void;
}
