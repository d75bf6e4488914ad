/**
 * The station's link to its CSMS (OCPP 2.0.1): the reconnecting socket (transport.ts) with subprotocol
 * ocpp2.0.1, an RPC session on each connection, registration (B01-B03: nothing but BootNotification
 * until Accepted; Pending asks again after `interval`, Rejected later) and the Heartbeat schedule.
 */
import { errorText, RpcClosedError } from "../../shared/ocpp/errors.ts";
import { RpcSession } from "../../shared/ocpp/rpc.ts";
import type { Emit, Warn } from "../events.ts";
import type { Registration } from "../handle.ts";
import { bootRetryMs } from "../link.ts";
import { type ChargePointOptions, DEFAULTS } from "../options.ts";
import { basicAuth, type CloseInfo, endpointFor, ReconnectingSocket } from "../transport.ts";
import type { DeviceModel } from "./device_model.ts";
import type { Ocpp201, Session201 } from "./types.ts";
import type { ChargingStationActions201 } from "../../shared/ocpp/actions201.ts";

export type BootReason = Ocpp201.BootNotificationRequest["reason"];

/** CALLs whose answer changes nothing here. */
export type FireAction201 =
  | "Heartbeat"
  | "StatusNotification"
  | "MeterValues"
  | "NotifyReport"
  | "FirmwareStatusNotification"
  | "LogStatusNotification";
export type Fire201 = <A extends FireAction201>(action: A, payload: ChargingStationActions201[A][0]) => void;

export interface Link201Hooks {
  opened(session: Session201): void;
  online(): void;
  lost(): void;
  emit: Emit;
  warn: Warn;
}

export function bootNotification201(
  id: string,
  vendor: string,
  model: string,
  reason: BootReason,
): Ocpp201.BootNotificationRequest {
  return {
    reason,
    chargingStation: {
      vendorName: vendor,
      model,
      serialNumber: `SIM-${id}`.slice(0, 25),
      firmwareVersion: "chargewire-sim 1.0",
    },
  };
}

export class CsmsLink201 {
  readonly #o: ChargePointOptions;
  readonly #model: DeviceModel;
  readonly #hooks: Link201Hooks;
  readonly #socket: ReconnectingSocket;
  #session?: Session201;
  #registration: Registration = "none";
  #bootReason: BootReason = "PowerUp";
  #bootTimer?: ReturnType<typeof setTimeout>;
  #nextHeartbeatAt = Infinity;
  #framesIn = 0;
  #framesOut = 0;

  constructor(options: ChargePointOptions, model: DeviceModel, hooks: Link201Hooks) {
    this.#o = options;
    this.#model = model;
    this.#hooks = hooks;
    this.#socket = new ReconnectingSocket({
      url: endpointFor(options.url, options.id),
      protocols: ["ocpp2.0.1"],
      headers: () => {
        // A BasicAuthPassword set by SetVariables is used from the next connection on (A01).
        const password = model.get("SecurityCtrlr.BasicAuthPassword") || options.password;
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

  sendable(): Session201 | undefined {
    return this.canSend() ? this.#session : undefined;
  }

  start(): void {
    this.#socket.start();
  }

  async stop(): Promise<void> {
    clearTimeout(this.#bootTimer);
    this.#session?.close("charging station stopped");
    await this.#socket.stop();
  }

  /** A reboot: the registration is void until the next BootNotification, which gives `reason`. */
  forgetRegistration(reason: BootReason): void {
    clearTimeout(this.#bootTimer);
    this.#registration = "none";
    this.#bootReason = reason;
    this.#nextHeartbeatAt = Infinity;
  }

  reconnect(delayMs: number, reason: string): Promise<void> {
    return this.#socket.reconnect(delayMs, reason);
  }

  /** BootNotification; `reason` overrides the one stored (a TriggerMessage says Triggered). */
  async boot(reason?: BootReason): Promise<void> {
    clearTimeout(this.#bootTimer);
    const session = this.#session;
    if (!session) return;
    const payload = bootNotification201(
      this.#o.id,
      this.#o.vendor ?? DEFAULTS.vendor,
      this.#o.model ?? DEFAULTS.model,
      reason ?? this.#bootReason,
    );
    try {
      const res = await session.call("BootNotification", payload);
      if (session !== this.#session) return;
      this.#registration = res.status;
      this.#hooks.emit({ type: "boot", status: res.status, interval: res.interval });
      if (res.status === "Accepted") {
        // B01.FR.?: the interval of an accepted boot is the heartbeat interval.
        if (res.interval > 0) this.#model.configure("OCPPCommCtrlr.HeartbeatInterval", String(res.interval));
        this.#nextHeartbeatAt = Date.now() + this.#heartbeatMs();
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

  heartbeatDue(now: number, slackMs: number): boolean {
    return this.canSend() && now + slackMs >= this.#nextHeartbeatAt;
  }

  heartbeat(now: number): void {
    this.#nextHeartbeatAt = now + this.#heartbeatMs();
    this.fire("Heartbeat", {});
  }

  heartbeatIntervalChanged(now: number): void {
    if (this.#nextHeartbeatAt !== Infinity) this.#nextHeartbeatAt = now + this.#heartbeatMs();
  }

  fire: Fire201 = (action, payload) => {
    const session = this.#session;
    if (!session) return;
    session.call(action, payload).catch((err) => {
      if (!(err instanceof RpcClosedError)) this.#hooks.warn(`${action} failed: ${errorText(err)}`);
    });
  };

  #heartbeatMs(): number {
    return this.#model.getInt("OCPPCommCtrlr.HeartbeatInterval") * 1000;
  }

  #onOpen(protocol: string): void {
    const session: Session201 = new RpcSession({
      version: "ocpp2.0.1",
      send: (text) => this.#socket.send(text),
      callTimeoutMs: this.#o.callTimeoutMs ?? DEFAULTS.callTimeoutMs,
      log: (line) => this.#hooks.warn(line),
      onFrame: (f) => f.direction === "in" ? this.#framesIn++ : this.#framesOut++,
    });
    this.#hooks.opened(session);
    this.#session = session;
    this.#hooks.emit({ type: "connected", protocol });
    // A reconnect is not a reboot: an accepted registration stands (B01 boots at start-up only).
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

  #online(): void {
    if (!this.canSend()) return;
    if (this.#nextHeartbeatAt === Infinity) this.#nextHeartbeatAt = Date.now() + this.#heartbeatMs();
    this.#hooks.online();
  }
}
