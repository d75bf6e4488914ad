/**
 * The bus contract between CSMS nodes and portal nodes: the events a CSMS publishes, the operator
 * commands it carries out for chargers, and the admin requests it applies (shared/admin.ts). In domain
 * terms (shared/domain.ts): the protocol is named only where it matters (`charger.connected`'s protocol,
 * a command's action and payload, which are the charger's own protocol's, and the raw text of
 * `ocpp.frame`). Both sides import these types; neither redefines them. The in-process bus
 * (shared/bus_memory.ts) implements it within one process; a Redis bus can implement it across processes
 * without touching csms/ or web/.
 */
import type { AdminHandler, AdminKind, AdminRequest, AdminResult } from "./admin.ts";
import type { ChargingState, CommandResult, ConnectorStatus, MeterSample, Protocol } from "./domain.ts";
import type { FileKind, StoredFile } from "./files.ts";

export type { CommandFailure, CommandResult, MeterSample } from "./domain.ts";

interface EventBase {
  chargerId: string;
  /** ISO 8601 time the CSMS observed the event. */
  at: string;
}

/** A charger's socket opened on CSMS node `node`: its presence is there now. */
export interface ChargerConnected extends EventBase {
  type: "charger.connected";
  protocol: Protocol;
  node: string;
  remoteAddress?: string;
}
export interface ChargerDisconnected extends EventBase {
  type: "charger.disconnected";
  node: string;
  /** Why: "closed" (code/reason from the socket), "replaced", "timeout", "kicked". */
  reason: string;
  code?: number;
}
export interface ChargerBooted extends EventBase {
  type: "charger.boot";
  vendor: string;
  model: string;
  firmwareVersion?: string;
  serialNumber?: string;
}
export interface ChargerHeartbeat extends EventBase {
  type: "charger.heartbeat";
}
export interface ConnectorStatusChanged extends EventBase {
  type: "connector.status";
  /** EVSE 0 is the charger as a whole. */
  evseId: number;
  connectorId: number;
  status: ConnectorStatus;
  chargingState?: ChargingState;
  errorCode?: string;
  info?: string;
  /** The charger's own word for the status, for the log. */
  original: string;
}
export interface TransactionStarted extends EventBase {
  type: "transaction.started";
  /** The CSMS's id, and the charger's own (see TransactionRecord). */
  transactionId: number;
  chargerTransactionId: string;
  evseId: number;
  connectorId: number;
  idTag: string;
  meterStartWh: number;
  /** The charger's own timestamp of the start. */
  startedAt: string;
}
export interface TransactionStopped extends EventBase {
  type: "transaction.stopped";
  transactionId: number;
  chargerTransactionId: string;
  evseId: number;
  connectorId: number;
  meterStopWh: number;
  energyWh: number;
  /** The charger's reason, or the CSMS's own: Superseded, ClosedByOperator (CSMS_STOP_REASONS). */
  reason: string;
  stoppedAt: string;
  /** A close by hand: who, and why. */
  closedBy?: string;
  closeReason?: string;
  /** Superseded: the transaction that replaced it on its connector. */
  supersededBy?: number;
}
export interface MeterValuesReceived extends EventBase {
  type: "meter.values";
  evseId: number;
  transactionId?: number;
  samples: MeterSample[];
}
export interface CommandRequested extends EventBase {
  type: "command.requested";
  commandId: string;
  /** The charger's protocol's action name. */
  action: string;
  payload: unknown;
}
export interface CommandAnswered extends EventBase {
  type: "command.answered";
  commandId: string;
  action: string;
  result: CommandResult;
}
/** Every OCPP frame in and out, for the live log. */
export interface OcppFrameEvent extends EventBase {
  type: "ocpp.frame";
  direction: "in" | "out";
  /** 2 CALL, 3 CALLRESULT, 4 CALLERROR, 0 unreadable. */
  messageType: 0 | 2 | 3 | 4;
  messageId: string;
  action?: string;
  /** The raw text, cut to a bounded length. */
  text: string;
}

/** Why the CSMS refused a charger at the WebSocket handshake (docs/security.md has the table). */
export const REFUSAL_REASONS = [
  /** Not registered (404 under CHARGER_POLICY=registered, 401 under basic). */
  "unknown-id",
  /** A key is needed and no Authorization header came (401). */
  "no-credentials",
  /** A wrong key, another charger's user name, or a header that is not Basic auth (401). */
  "bad-credentials",
  /** basic: registered without a key, i.e. with security profile 0 (401). */
  "no-key-registered",
  /** Registered with security profile 2, arrived over plain ws:// (403). */
  "tls-required",
  /** Too many failed authentications from its address this minute (429). */
  "rate-limited",
  /** Not a WebSocket GET (405, 426). */
  "not-websocket",
  /** No Sec-WebSocket-Protocol offered (400). */
  "no-subprotocol",
  /** None of the offered subprotocols is one the CSMS speaks (the socket is closed with 1002). */
  "unsupported-subprotocol",
] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

/**
 * A connection refused at the handshake, before any session: the only trace it leaves. Carries nothing
 * secret from the request (never a password).
 */
export interface ChargerRefused extends EventBase {
  type: "charger.refused";
  remoteAddress: string;
  reason: RefusalReason;
  /**
   * The HTTP status it was answered with; for `unsupported-subprotocol` the WebSocket close code (1002),
   * since that handshake completes and the socket is closed at once.
   */
  status: number;
  /** For `unsupported-subprotocol`: the subprotocols it offered. */
  detail?: string;
}

/**
 * A charger's SecurityEventNotification (OCPP 1.6 security extension, 2.0.1 A04): kept in the event log
 * and pushed to every portal client, so the security event log updates live.
 */
export interface SecurityEventReceived extends EventBase {
  type: "security.event";
  /** The charger's type of security event (StartupOfTheDevice, ResetOrReboot, ...). */
  eventType: string;
  /** When the charger says it happened. */
  timestamp: string;
  techInfo?: string;
}

/**
 * A file transfer's progress (the charger's status notification, in its protocol's words) or a file a
 * charger uploaded, for the charger page's live transfer panel.
 */
export interface ChargerTransfer extends EventBase {
  type: "charger.transfer";
  kind: FileKind;
  status?: string;
  requestId?: number;
  file?: StoredFile;
}

export type BusEvent =
  | ChargerTransfer
  | ChargerConnected
  | SecurityEventReceived
  | ChargerRefused
  | ChargerDisconnected
  | ChargerBooted
  | ChargerHeartbeat
  | ConnectorStatusChanged
  | TransactionStarted
  | TransactionStopped
  | MeterValuesReceived
  | CommandRequested
  | CommandAnswered
  | OcppFrameEvent;

export type BusEventType = BusEvent["type"];

/**
 * An operator command for one charger: an action of the charger's own protocol with its payload. The
 * CSMS's adapter for that protocol validates both before anything is sent ("invalid" otherwise).
 */
export interface CommandRequest {
  commandId: string;
  chargerId: string;
  action: string;
  payload: Record<string, unknown>;
  timeoutMs?: number;
}

export type CommandHandler = (request: CommandRequest) => Promise<CommandResult>;

export interface Bus {
  /** Publishes an event to every subscriber. Never throws, never blocks the publisher. */
  publish(event: BusEvent): void;
  /** Subscribes to every event; returns the unsubscribe function. */
  subscribe(listener: (event: BusEvent) => void): () => void;
  /** Asks the CSMS to send a command to a charger and resolves with the charger's real answer or why not. */
  sendCommand(
    chargerId: string,
    action: string,
    payload: Record<string, unknown>,
    options?: { timeoutMs?: number },
  ): Promise<CommandResult>;
  /** The CSMS registers here to carry out commands; returns the unregister function. */
  serveCommands(handler: CommandHandler): () => void;
  /** Asks the CSMS to apply an operator's change (shared/admin.ts). */
  admin<K extends AdminKind>(request: Extract<AdminRequest, { kind: K }>): Promise<AdminResult<K>>;
  /** The CSMS registers here to apply admin requests; returns the unregister function. */
  serveAdmin(handler: AdminHandler): () => void;
  /** Resolves true while the bus can carry messages between processes (readiness). */
  ready(): Promise<boolean>;
  close(): Promise<void>;
}
