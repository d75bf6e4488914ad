/**
 * A charger's link to its central system, in either protocol: the reconnecting
 * socket, an RPC session on each connection, registration (BootNotification,
 * asked again while Pending or Rejected; nothing else is sent until Accepted)
 * and the Heartbeat schedule. What differs between 1.6 and 2.0.1 (the
 * subprotocol, the BootNotification payload, where the heartbeat interval and
 * the Basic-auth password are kept) is left to a small subclass:
 * CentralSystemLink below for 1.6, ocpp201/link201.ts for 2.0.1.
 */
import {
  type CentralSystemActions16,
  type ChargePointActions16,
  type Ocpp16,
  RpcClosedError,
  RpcSession,
} from "../shared/ocpp/mod.ts";
import type { OcppVersion } from "../shared/ocpp/version.ts";
import type { ActionMap } from "../shared/ocpp/actions16.ts";
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

export interface LinkHooks<S = Session> {
  /** A connection is up with a new session: install the command handlers. */
  opened(session: S): void;
  /** Registered and connected: let queued messages and statuses go. */
  online(): void;
  /** The connection is gone. */
  lost(): void;
  emit: Emit;
  warn: Warn;
}

/** The firmware a simulated charge point starts with (an UpdateFirmware installs another: firmware_image.ts). */
export const INITIAL_FIRMWARE_VERSION = "chargewire-sim 1.0";

/** What the charge point says about itself in BootNotification. */
export function bootNotification(
  id: string,
  vendor: string,
  model: string,
  firmwareVersion = INITIAL_FIRMWARE_VERSION,
): Ocpp16.BootNotificationRequest {
  return {
    chargePointVendor: vendor,
    chargePointModel: model,
    chargePointSerialNumber: `SIM-${id}`.slice(0, 25),
    firmwareVersion,
    meterType: "Simulated AC meter",
  };
}

/** When to ask again after Pending or Rejected: the interval the central system gave, else our own. */
export function bootRetryMs(intervalS: number, fallbackMs: number): number {
  return intervalS > 0 ? intervalS * 1000 : fallbackMs;
}

/** What the central system answers a BootNotification, in both protocols. */
export interface BootAnswer {
  status: Exclude<Registration, "none">;
  interval: number;
}

/** The protocol-neutral link; `In` is what the central system calls on us, `Out` what we call on it. */
export abstract class CentralLink<In extends ActionMap, Out extends ActionMap> {
  protected readonly options: ChargePointOptions;
  /** The subprotocol, and the version the RPC session validates against. */
  readonly #version: OcppVersion;
  readonly #hooks: LinkHooks<RpcSession<In, Out>>;
  readonly #socket: ReconnectingSocket;
  #session?: RpcSession<In, Out>;
  #registration: Registration = "none";
  #bootTimer?: ReturnType<typeof setTimeout>;
  #nextHeartbeatAt = Infinity;
  #framesIn = 0;
  #framesOut = 0;

  constructor(options: ChargePointOptions, version: OcppVersion, hooks: LinkHooks<RpcSession<In, Out>>) {
    this.options = options;
    this.#version = version;
    this.#hooks = hooks;
    this.#socket = new ReconnectingSocket({
      url: endpointFor(options.url, options.id),
      protocols: [version],
      headers: () => {
        // A password the central system has set since start-up wins over the one the charger started with.
        const password = this.storedPassword() || options.password;
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

  /** What this charger calls itself when it stops (the session's close reason). */
  protected abstract get selfName(): string;
  /** A Basic-auth password set by the central system, if any. */
  protected abstract storedPassword(): string | undefined;
  /** Sends BootNotification on `session`. */
  protected abstract sendBoot(session: RpcSession<In, Out>): Promise<BootAnswer>;
  /** The heartbeat interval now configured, in seconds. */
  protected abstract heartbeatIntervalS(): number;
  /** Keeps the interval of an accepted boot as the heartbeat interval. */
  protected abstract acceptInterval(intervalS: number): void;

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
  sendable(): RpcSession<In, Out> | undefined {
    return this.canSend() ? this.#session : undefined;
  }

  start(): void {
    this.#socket.start();
  }

  async stop(): Promise<void> {
    clearTimeout(this.#bootTimer);
    this.#session?.close(`${this.selfName} stopped`);
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
    try {
      const res = await this.sendBoot(session);
      if (session !== this.#session) return;
      this.#registration = res.status;
      this.#hooks.emit({ type: "boot", status: res.status, interval: res.interval });
      if (res.status === "Accepted") {
        if (res.interval > 0) this.acceptInterval(res.interval);
        this.#nextHeartbeatAt = Date.now() + this.#heartbeatMs();
        this.#online();
      } else {
        const waitMs = bootRetryMs(res.interval, this.options.bootRetryMs ?? DEFAULTS.bootRetryMs);
        this.#bootTimer = setTimeout(() => void this.boot(), waitMs);
      }
    } catch (err) {
      if (session !== this.#session || err instanceof RpcClosedError) return;
      this.#hooks.warn(`BootNotification failed: ${errorText(err)}`);
      this.#bootTimer = setTimeout(() => void this.boot(), this.options.bootRetryMs ?? DEFAULTS.bootRetryMs);
    }
  }

  /** A Heartbeat is due `slackMs` from now (the ticker's half beat, so it is never a whole beat late). */
  heartbeatDue(now: number, slackMs: number): boolean {
    return this.canSend() && now + slackMs >= this.#nextHeartbeatAt;
  }

  heartbeat(now: number): void {
    this.#nextHeartbeatAt = now + this.#heartbeatMs();
    // Heartbeat's request is empty in both protocols; `Out` does not say so to the compiler.
    this.fire("Heartbeat", {} as Out["Heartbeat"][0]);
  }

  /** A new heartbeat interval counts from now, once heartbeats run. */
  heartbeatIntervalChanged(now: number): void {
    if (this.#nextHeartbeatAt !== Infinity) this.#nextHeartbeatAt = now + this.#heartbeatMs();
  }

  /** A CALL whose answer changes nothing here; a failure is only worth a line in the log. */
  fire = <A extends keyof Out & string>(action: A, payload: Out[A][0]): void => {
    const session = this.#session;
    if (!session) return;
    session.call(action, payload).catch((err) => {
      if (!(err instanceof RpcClosedError)) this.#hooks.warn(`${action} failed: ${errorText(err)}`);
    });
  };

  #heartbeatMs(): number {
    return this.heartbeatIntervalS() * 1000;
  }

  #onOpen(protocol: string): void {
    const session = new RpcSession<In, Out>({
      version: this.#version,
      send: (text) => this.#socket.send(text),
      callTimeoutMs: this.options.callTimeoutMs ?? DEFAULTS.callTimeoutMs,
      log: (line) => this.#hooks.warn(line),
      onFrame: (f) => f.direction === "in" ? this.#framesIn++ : this.#framesOut++,
    });
    this.#hooks.opened(session);
    this.#session = session;
    this.#hooks.emit({ type: "connected", protocol });
    // A reconnect is not a reboot: once accepted, the registration stands (OCPP 1.6 §4.2; 2.0.1 B01
    // boots at start-up only).
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

  /** Registered and connected: the heartbeat clock starts, and the rest of the charger catches up. */
  #online(): void {
    if (!this.canSend()) return;
    if (this.#nextHeartbeatAt === Infinity) this.#nextHeartbeatAt = Date.now() + this.#heartbeatMs();
    this.#hooks.online();
  }
}

/** The OCPP 1.6 link: HeartbeatInterval and AuthorizationKey live in the configuration store. */
export class CentralSystemLink extends CentralLink<CentralSystemActions16, ChargePointActions16> {
  readonly #config: ConfigStore;
  readonly #firmwareVersion: () => string;

  constructor(
    options: ChargePointOptions,
    config: ConfigStore,
    hooks: LinkHooks,
    firmwareVersion: () => string = () => INITIAL_FIRMWARE_VERSION,
  ) {
    super(options, "ocpp1.6", hooks);
    this.#config = config;
    this.#firmwareVersion = firmwareVersion;
  }

  protected get selfName(): string {
    return "charge point";
  }

  protected storedPassword(): string | undefined {
    // A key set by ChangeConfiguration AuthorizationKey is used from the next connection on.
    return this.#config.get(AUTHORIZATION_KEY);
  }

  protected sendBoot(session: Session): Promise<BootAnswer> {
    const o = this.options;
    return session.call(
      "BootNotification",
      bootNotification(o.id, o.vendor ?? DEFAULTS.vendor, o.model ?? DEFAULTS.model, this.#firmwareVersion()),
    );
  }

  protected heartbeatIntervalS(): number {
    return this.#config.getInt("HeartbeatInterval");
  }

  protected acceptInterval(intervalS: number): void {
    this.#config.set("HeartbeatInterval", String(intervalS));
  }
}
