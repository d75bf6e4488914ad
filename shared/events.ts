/**
 * The contract between the CSMS and the web bridge: the events the CSMS
 * publishes and the commands the bridge asks it to send to chargers. Both
 * sides import these types; neither redefines them. A Redis-backed Bus can
 * implement the same interface without touching csms/ or web/.
 */
import type {
  CentralSystemActions16,
  ChargePointErrorCode16,
  ChargePointStatus16,
  OperatorCommand16,
  RequestOf,
  ResponseOf,
} from "./ocpp/actions16.ts";

interface EventBase {
  chargerId: string;
  /** ISO 8601 time the CSMS observed the event. */
  at: string;
}

export interface ChargerConnected extends EventBase {
  type: "charger.connected";
  protocol: string;
  remoteAddress?: string;
}
export interface ChargerDisconnected extends EventBase {
  type: "charger.disconnected";
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
  /** 0 is the charge point as a whole. */
  connectorId: number;
  status: ChargePointStatus16;
  errorCode: ChargePointErrorCode16;
  info?: string;
}
export interface TransactionStarted extends EventBase {
  type: "transaction.started";
  transactionId: number;
  connectorId: number;
  idTag: string;
  meterStartWh: number;
  /** The charger's own timestamp of the start. */
  startedAt: string;
}
export interface TransactionStopped extends EventBase {
  type: "transaction.stopped";
  transactionId: number;
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
/** One sample, already read out of the OCPP sampledValue list and converted to base units. */
export interface MeterSample {
  timestamp: string;
  energyWh?: number;
  powerW?: number;
  currentA?: number;
  voltageV?: number;
  socPercent?: number;
}
export interface MeterValuesReceived extends EventBase {
  type: "meter.values";
  connectorId: number;
  transactionId?: number;
  samples: MeterSample[];
}
export interface CommandRequested extends EventBase {
  type: "command.requested";
  commandId: string;
  action: OperatorCommand16;
  payload: unknown;
}
export interface CommandAnswered extends EventBase {
  type: "command.answered";
  commandId: string;
  action: OperatorCommand16;
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

export type BusEvent =
  | ChargerConnected
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

/** Why a command got no answer from the charger. */
export type CommandFailure =
  | "offline" // the charger has no live connection
  | "timeout" // it did not answer in time
  | "callerror" // it answered with a CALLERROR (see code)
  | "invalid" // the request failed schema validation before it was sent
  | "unavailable"; // no CSMS serves commands on this bus

export type CommandResult<R = unknown> =
  | { ok: true; response: R }
  | { ok: false; error: CommandFailure; message: string; code?: string };

export interface CommandRequest<A extends OperatorCommand16 = OperatorCommand16> {
  commandId: string;
  chargerId: string;
  action: A;
  payload: RequestOf<CentralSystemActions16, A>;
  timeoutMs?: number;
}

export type CommandResponse<A extends OperatorCommand16> = ResponseOf<CentralSystemActions16, A>;

export type CommandHandler = (request: CommandRequest) => Promise<CommandResult>;

export interface Bus {
  /** Publishes an event to every subscriber. Never throws, never blocks the publisher. */
  publish(event: BusEvent): void;
  /** Subscribes to every event; returns the unsubscribe function. */
  subscribe(listener: (event: BusEvent) => void): () => void;
  /** Asks the CSMS to send a command to a charger and resolves with the charger's real answer or why not. */
  sendCommand<A extends OperatorCommand16>(
    chargerId: string,
    action: A,
    payload: RequestOf<CentralSystemActions16, A>,
    options?: { timeoutMs?: number },
  ): Promise<CommandResult<CommandResponse<A>>>;
  /** The CSMS registers here to carry out commands; returns the unregister function. */
  serveCommands(handler: CommandHandler): () => void;
  close(): Promise<void>;
}
