/**
 * What the orchestrator (bench/main.ts) and its helper processes (driver, bare server, subscriber) say
 * to each other: one JSON object per line, commands on the helper's stdin, reports on its stdout.
 */

/** Opens `count` chargers `${url}/${prefix}${first + i}` and boots each. */
export interface ConnectCommand {
  cmd: "connect";
  url: string;
  prefix: string;
  first: number;
  count: number;
  /** Handshakes plus boots in flight at once; keeps the server's accept backlog from overflowing. */
  concurrency: number;
  /** After the boot, start a transaction on connector 1 so that MeterValues carry a transactionId. */
  transaction: boolean;
  /** Per step (open, each CALL). */
  timeoutMs: number;
}

/**
 * Drives MeterValues from every booted charger. `closed`: each charger sends its next CALL as soon as
 * the previous one is answered (OCPP-J allows one outstanding CALL). `rate`: `rate` CALLs a second in
 * all, spread round robin over the chargers.
 */
export interface LoadCommand {
  cmd: "load";
  mode: "closed" | "rate";
  rate?: number;
  /** Sent but not measured: lets JIT, caches and batching settle. */
  warmupMs: number;
  durationMs: number;
  callTimeoutMs: number;
  /** Report every CALL sent in the window (charger, energy register, wall-clock ms), at most this many. */
  recordSends?: number;
}

export interface StatusCommand {
  cmd: "status";
}
export interface CloseCommand {
  cmd: "close";
}
export type DriverCommand = ConnectCommand | LoadCommand | StatusCommand | CloseCommand;

export interface ReadyReport {
  type: "ready";
  pid: number;
}
export interface ProgressReport {
  type: "progress";
  open: number;
  booted: number;
  failed: number;
}
export interface ConnectedReport {
  type: "connected";
  requested: number;
  open: number;
  booted: number;
  failed: number;
  /** From the command to the last charger booted (or failed). */
  durationMs: number;
  /** Handshake plus boot (plus transaction) per charger, HdrHistogram compressed base64. */
  histogram: string;
  /** A few distinct failure messages with their counts. */
  errors: Record<string, number>;
}
export interface LoadReport {
  type: "load";
  mode: "closed" | "rate";
  chargers: number;
  /** CALLs sent inside the measured window. */
  sent: number;
  /** CALLRESULTs received inside the measured window. */
  answered: number;
  callErrors: number;
  timeouts: number;
  /** Times a rate-mode tick found no idle charger (the server fell behind the requested rate). */
  backlogged: number;
  /** Sockets that closed during the load. */
  closed: number;
  windowMs: number;
  /** Wall-clock (Date.now()) bounds of the measured window, for matching other processes' samples. */
  windowStart: number;
  windowEnd: number;
  /** CALL round trips measured in the window, HdrHistogram compressed base64. */
  histogram: string;
  errors: Record<string, number>;
  /** With `recordSends`: the CALLs sent in the window. */
  sends?: SendRecord[];
}
export interface StatusReport {
  type: "status";
  open: number;
  booted: number;
}
export interface ClosedReport {
  type: "closed";
}
export interface ErrorReport {
  type: "error";
  message: string;
}
export type DriverReport =
  | ReadyReport
  | ProgressReport
  | ConnectedReport
  | LoadReport
  | StatusReport
  | ClosedReport
  | ErrorReport;

/** The bare server's one line once it listens. */
export interface ListeningReport {
  type: "listening";
  port: number;
}

/** Connects the latency subscriber's sockets: one watching the fleet, one per charger in `chargers`. */
export interface SubscribeCommand {
  cmd: "subscribe";
  /** The portal's base URL, e.g. http://127.0.0.1:8000. */
  url: string;
  fleet: boolean;
  chargers: string[];
  /** Sent with the Socket.IO handshake (the portal's session cookie). */
  headers?: Record<string, string>;
  timeoutMs: number;
}
/** Forgets what was observed so far (the warm-up). */
export interface ResetCommand {
  cmd: "reset";
}
export interface ReportCommand {
  cmd: "report";
}
export type SubscriberCommand = SubscribeCommand | ResetCommand | ReportCommand | CloseCommand;

/**
 * One update as the subscriber saw it: which charger, the energy register it shows (the driver makes
 * it unique per MeterValues) and the wall-clock time it arrived (performance.timeOrigin + now()).
 */
export type Observation = [chargerId: string, energyWh: number, atMs: number];

export interface SubscribedReport {
  type: "subscribed";
  sockets: number;
  failed: number;
  /** Rows in the fleet snapshot the fleet socket got. */
  fleetRows: number;
  errors: Record<string, number>;
}
export interface ObservationsReport {
  type: "observations";
  /** First sight of each new energy value per charger in `fleet:update` rows. */
  fleet: Observation[];
  /** Each `meter.values` event in a charger room (`charger:event`). */
  detail: Observation[];
  fleetUpdates: number;
  detailEvents: number;
  disconnects: number;
}
export type SubscriberReport =
  | ReadyReport
  | SubscribedReport
  | ObservationsReport
  | ClosedReport
  | ErrorReport;

/** A CALL sent in the measured window, for matching with what subscribers saw of it. */
export type SendRecord = [chargerId: string, energyWh: number, atMs: number];
