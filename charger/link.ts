/**
 * The charge point's link to its central system: the reconnecting socket, an
 * RPC session on each connection, registration (BootNotification, asked again
 * while Pending or Rejected) and the Heartbeat schedule.
 */
import {
  type CentralSystemActions16,
  type ChargePointActions16,
  type Ocpp16,
  RpcClosedError,
  RpcSession,
} from "../shared/ocpp/mod.ts";
import { AUTHORIZATION_KEY } from "../shared/ocpp/authorization_key.ts";
import type { ConfigStore } from "./config_store.ts";
import { type Emit, errorText, type Warn } from "./events.ts";
import type { Registration } from "./handle.ts";
import { type ChargePointOptions, DEFAULTS } from "./options.ts";
import { basicAuth, type CloseInfo, endpointFor, ReconnectingSocket } from "./transport.ts";

export type Session = RpcSession<CentralSystemActions16, ChargePointActions16>;

/** CALLs whose answer changes nothing here. */
export type FireAction =
  | "Heartbeat"
  | "StatusNotification"
  | "MeterValues"
  | "DiagnosticsStatusNotification"
  | "FirmwareStatusNotification";
export type Fire = <A extends FireAction>(action: A, payload: ChargePointActions16[A][0]) => void;

export interface LinkHooks {
  /** A connection is up with a new session: install the command handlers. */
  opened(session: Session): void;
  /** Registered and connected: let queued messages and statuses go. */
  online(): void;
  /** The connection is gone. */
  lost(): void;
  emit: Emit;
  warn: Warn;
}

/** What the charge point says about itself in BootNotification. */
export function bootNotification(id: string, vendor: string, model: string): Ocpp16.BootNotificationRequest {
  return {
    chargePointVendor: vendor,
    chargePointModel: model,
    chargePointSerialNumber: `SIM-${id}`.slice(0, 25),
    firmwareVersion: "chargewire-sim 1.0",
    meterType: "Simulated AC meter",
  };
}

/** When to ask again after Pending or Rejected: the interval the central system gave, else our own. */
export function bootRetryMs(intervalS: number, fallbackMs: number): number {
  return intervalS > 0 ? intervalS * 1000 : fallbackMs;
}

export class CentralSystemLink {
  readonly #o: ChargePointOptions;
  readonly #config: ConfigStore;
  readonly #hooks: LinkHooks;
  readonly #socket: ReconnectingSocket;
  #session?: Session;
  #registration: Registration = "none";
  #bootTimer?: ReturnType<typeof setTimeout>;
  #nextHeartbeatAt = Infinity;
  #framesIn = 0;
  #framesOut = 0;

  constructor(options: ChargePointOptions, config: ConfigStore, hooks: LinkHooks) {
    this.#o = options;
    this.#config = config;
    this.#hooks = hooks;
    this.#socket = new ReconnectingSocket({
      url: endpointFor(options.url, options.id),
      protocols: ["ocpp1.6"],
      headers: () => {
        // A key set by ChangeConfiguration AuthorizationKey wins over the one the charger started with.
        const password = config.get(AUTHORIZATION_KEY) || options.password;
        return password ? { Authorization: basicAuth(options.id, password) } : undefined;
      },
      backoff: options.backoff,
      connectTimeoutMs: options.connectTimeoutMs,
      gate: options.gate,
    }, {
      onConnecting: (url, attempt) => hooks.emit({ type: "connecting", url, attempt }),
      onOpen: (protocol) => this.#onOpen(protocol),
      onMessage: (text) => this.#session?.receive(text),
      onClose: (info) => this.#onClose(info),
    });
  }

  get online(): boolean {
    return this.#socket.online;
  }

  get registration(): Registration {
    return this.#registration;
  }

  get framesIn(): number {
    return this.#framesIn;
  }

  get framesOut(): number {
    return this.#framesOut;
  }

  hasSession(): boolean {
    return !!this.#session;
  }

  canSend(): boolean {
    return !!this.#session && this.#socket.online && this.#registration === "Accepted";
  }

  /** The session to send on while connected and registered. */
  sendable(): Session | undefined {
    return this.canSend() ? this.#session : undefined;
  }

  start(): void {
    this.#socket.start();
  }

  async stop(): Promise<void> {
    clearTimeout(this.#bootTimer);
    this.#session?.close("charge point stopped");
    await this.#socket.stop();
  }

  /** A reboot: the registration is void until the next BootNotification. */
  forgetRegistration(): void {
    clearTimeout(this.#bootTimer);
    this.#registration = "none";
    this.#nextHeartbeatAt = Infinity;
  }

  reconnect(delayMs: number, reason: string): Promise<void> {
    return this.#socket.reconnect(delayMs, reason);
  }

  async boot(): Promise<void> {
    clearTimeout(this.#bootTimer);
    const session = this.#session;
    if (!session) return;
    const payload = bootNotification(
      this.#o.id,
      this.#o.vendor ?? DEFAULTS.vendor,
      this.#o.model ?? DEFAULTS.model,
    );
    try {
      const res = await session.call("BootNotification", payload);
      if (session !== this.#session) return;
      this.#registration = res.status;
      this.#hooks.emit({ type: "boot", status: res.status, interval: res.interval });
      if (res.status === "Accepted") {
        if (res.interval > 0) this.#config.set("HeartbeatInterval", String(res.interval));
        this.#nextHeartbeatAt = Date.now() + this.#config.getInt("HeartbeatInterval") * 1000;
        this.#online();
      } else {
        const waitMs = bootRetryMs(res.interval, this.#o.bootRetryMs ?? DEFAULTS.bootRetryMs);
        this.#bootTimer = setTimeout(() => void this.boot(), waitMs);
      }
    } catch (err) {
      if (session !== this.#session || err instanceof RpcClosedError) return;
      this.#hooks.warn(`BootNotification failed: ${errorText(err)}`);
      this.#bootTimer = setTimeout(() => void this.boot(), this.#o.bootRetryMs ?? DEFAULTS.bootRetryMs);
    }
  }

  /** A Heartbeat is due `slackMs` from now (the ticker's half beat, so it is never a whole beat late). */
  heartbeatDue(now: number, slackMs: number): boolean {
    return this.canSend() && now + slackMs >= this.#nextHeartbeatAt;
  }

  heartbeat(now: number): void {
    this.#nextHeartbeatAt = now + this.#config.getInt("HeartbeatInterval") * 1000;
    this.fire("Heartbeat", {});
  }

  /** A new HeartbeatInterval counts from now, once heartbeats run. */
  heartbeatIntervalChanged(intervalS: number, now: number): void {
    if (this.#nextHeartbeatAt !== Infinity) this.#nextHeartbeatAt = now + intervalS * 1000;
  }

  /** A CALL whose answer changes nothing here; a failure is only worth a line in the log. */
  fire: Fire = (action, payload) => {
    const session = this.#session;
    if (!session) return;
    session.call(action, payload).catch((err) => {
      if (!(err instanceof RpcClosedError)) this.#hooks.warn(`${action} failed: ${errorText(err)}`);
    });
  };

  #onOpen(protocol: string): void {
    const session: Session = new RpcSession({
      version: "ocpp1.6",
      send: (text) => this.#socket.send(text),
      callTimeoutMs: this.#o.callTimeoutMs ?? DEFAULTS.callTimeoutMs,
      log: (line) => this.#hooks.warn(line),
      onFrame: (f) => f.direction === "in" ? this.#framesIn++ : this.#framesOut++,
    });
    this.#hooks.opened(session);
    this.#session = session;
    this.#hooks.emit({ type: "connected", protocol });
    // A reconnect is not a reboot: once accepted, the registration stands (OCPP 1.6 §4.2).
    if (this.#registration === "Accepted") this.#online();
    else void this.boot();
  }

  #onClose(info: CloseInfo): void {
    this.#session?.close("connection lost");
    this.#session = undefined;
    clearTimeout(this.#bootTimer);
    this.#hooks.lost();
    this.#hooks.emit({ type: "disconnected", ...info });
  }

  /** Registered and connected: the heartbeat clock starts, and the rest of the charge point catches up. */
  #online(): void {
    if (!this.canSend()) return;
    if (this.#nextHeartbeatAt === Infinity) {
      this.#nextHeartbeatAt = Date.now() + this.#config.getInt("HeartbeatInterval") * 1000;
    }
    this.#hooks.online();
  }
}
