/**
 * One simulated OCPP 1.6J charge point: registration (BootNotification),
 * Heartbeat, StatusNotification, transactions with a metered car battery, the
 * transaction-message queue that survives disconnects and reboots, and the
 * answers to the central system's Core commands (commands.ts).
 *
 * State lives in pure pieces (connector.ts, battery.ts, config_store.ts,
 * tx_queue.ts); this class wires them to the RPC session and the socket, and
 * advances the simulation on the ticker's beat.
 */
import {
  type CentralSystemActions16,
  type ChargePointActions16,
  type ChargePointStatus16,
  type IdTagInfo16,
  type Ocpp16,
  RpcClosedError,
  RpcSession,
  type StopReason16,
} from "../shared/ocpp/mod.ts";
import { type AutoAction, AutoPilot, DEFAULT_AUTO_TIMING } from "./auto.ts";
import { chargeStep } from "./battery.ts";
import { installCommandHandlers } from "./commands.ts";
import { ConfigStore, coreConfiguration } from "./config_store.ts";
import {
  assignTransactionId,
  canStart,
  changeAvailability,
  type ConnectorState,
  initialConnector,
  plugIn,
  rebooted,
  setEvFull,
  setEvseSuspended,
  setFault,
  startTransaction,
  statusOf,
  stopTransaction,
  unplug,
} from "./connector.ts";
import type { ChargerEvent, ChargerEventRecord } from "./events.ts";
import {
  type MeterReading,
  meterValue,
  registerWh,
  type SampleContext,
  type Supply,
  supplyFor,
} from "./meter.ts";
import { type ChargePointOptions, checkChargePointOptions, DEFAULTS, OptionError } from "./options.ts";
import { deriveSeed, seededRng } from "./random.ts";
import { Ticker } from "./ticker.ts";
import { basicAuth, endpointFor, ReconnectingSocket } from "./transport.ts";
import { type StartMessage, TransactionDelivery } from "./tx_delivery.ts";

type Session = RpcSession<CentralSystemActions16, ChargePointActions16>;
export type Registration = "none" | "Accepted" | "Pending" | "Rejected";

export interface CarOptions {
  socPct?: number;
  targetSocPct?: number;
  batteryKwh?: number;
}

interface Car {
  socPct: number;
  targetPct: number;
  capacityWh: number;
}

export interface ConnectorSnapshot {
  connectorId: number;
  status: ChargePointStatus16;
  errorCode: string;
  /** The central system's transaction id, once known. */
  transactionId?: number;
  idTag?: string;
  socPct?: number;
  powerW: number;
  /** The connector's energy register, in Wh. */
  energyWh: number;
  /** Energy delivered in the running transaction, in Wh. */
  sessionWh?: number;
}

export interface ChargePointSnapshot {
  id: string;
  online: boolean;
  registration: Registration;
  connectors: ConnectorSnapshot[];
  /** Transaction messages waiting for delivery. */
  queued: number;
  framesIn: number;
  framesOut: number;
}

/** How a running simulated charge point is driven from outside (tests, the benchmark, a demo script). */
export interface ChargePointHandle {
  readonly id: string;
  readonly config: ConfigStore;
  snapshot(): ChargePointSnapshot;
  /** A car plugs in (Preparing). */
  plugIn(connectorId: number, car?: CarOptions): boolean;
  /** A driver presents `idTag` at the charger: authorizes and starts charging. */
  startLocal(connectorId: number, idTag: string, car?: CarOptions): Promise<boolean>;
  /** The driver stops at the charger (reason Local by default); the cable comes out a moment later. */
  stopLocal(connectorId: number, reason?: StopReason16): boolean;
  /** The car's cable is pulled (EVDisconnected when a transaction runs). */
  unplug(connectorId: number): boolean;
  /** A fault appears on the connector, or clears with "NoError". */
  setFault(connectorId: number, errorCode: Ocpp16.StatusNotificationRequest["errorCode"]): boolean;
  /** Resolves once every queued transaction message has been delivered, or after `timeoutMs`. */
  whenDrained(timeoutMs?: number): Promise<boolean>;
  /** Disconnects for good. */
  stop(): Promise<void>;
}

export class ChargePoint implements ChargePointHandle {
  readonly id: string;
  readonly config: ConfigStore;
  readonly #o: ChargePointOptions;
  readonly #url: string;
  readonly #maxW: number;
  readonly #supply: Supply;
  readonly #ticker: Ticker;
  readonly #socket: ReconnectingSocket;

  #connectors: ConnectorState[];
  #chargerOperative = true;
  #cars: (Car | undefined)[];
  #energyWh: number[];
  #powerW: number[];
  #lastStepAt: number[];
  #nextSampleAt: number[];
  #autopilots?: AutoPilot[];
  #lastAutoAt = 0;
  #lastAlignedSlot = -1;

  #session?: Session;
  #registration: Registration = "none";
  #bootTimer?: ReturnType<typeof setTimeout>;
  #nextHeartbeatAt = Infinity;
  #statusNow = new Map<number, ChargePointStatus16>();
  #statusSent = new Map<number, ChargePointStatus16>();

  #tx: TransactionDelivery;
  #localIds = 0;
  #starting = new Set<number>();
  #authCache = new Map<string, IdTagInfo16>();

  #timers = new Set<ReturnType<typeof setTimeout>>();
  #unplugTimers = new Map<number, ReturnType<typeof setTimeout>>();
  #untick?: () => void;
  #started = false;
  #stopped = false;
  #resetting = false;
  #framesIn = 0;
  #framesOut = 0;

  constructor(options: ChargePointOptions) {
    checkChargePointOptions(options);
    this.#o = options;
    this.id = options.id;
    const n = options.connectors ?? DEFAULTS.connectors;
    this.config = coreConfiguration({ connectors: n });
    for (const [k, v] of Object.entries(options.config ?? {})) {
      const err = this.config.set(k, v);
      if (err) throw new OptionError(err);
    }
    this.#tx = new TransactionDelivery({
      sendable: () => (this.#canSend() ? this.#session : undefined),
      maxAttempts: () => this.config.getInt("TransactionMessageAttempts"),
      retryIntervalMs: () => this.config.getInt("TransactionMessageRetryInterval") * 1000,
      startAnswered: (m, res) => this.#onStartAnswered(m, res),
      stopAnswered: (m, res) => {
        if (res.idTagInfo && m.payload.idTag) this.#remember(m.payload.idTag, res.idTagInfo);
      },
      warn: (message) => this.#warn(message),
    });
    this.#url = endpointFor(options.url, options.id);
    this.#maxW = (options.powerKw ?? DEFAULTS.powerKw) * 1000;
    this.#supply = supplyFor(this.#maxW);
    this.#connectors = Array.from({ length: n }, (_, i) => initialConnector(i + 1));
    this.#cars = Array(n).fill(undefined);
    this.#energyWh = Array(n).fill(0);
    this.#powerW = Array(n).fill(0);
    this.#lastStepAt = Array(n).fill(0);
    this.#nextSampleAt = Array(n).fill(Infinity);
    if (options.auto) {
      const timing = { ...DEFAULT_AUTO_TIMING, ...(typeof options.auto === "object" ? options.auto : {}) };
      const seed = options.seed ?? DEFAULTS.seed;
      this.#autopilots = this.#connectors.map((c) =>
        new AutoPilot(seededRng(deriveSeed(seed, options.index ?? 0, c.id)), timing)
      );
    }
    this.#ticker = options.ticker ?? new Ticker(options.tickMs ?? DEFAULTS.tickMs, (e) => this.#warn(e));
    this.#socket = new ReconnectingSocket({
      url: this.#url,
      protocols: ["ocpp1.6"],
      headers: options.password ? { Authorization: basicAuth(options.id, options.password) } : undefined,
      backoff: options.backoff,
      connectTimeoutMs: options.connectTimeoutMs,
      gate: options.gate,
    }, {
      onConnecting: (url, attempt) => this.#emit({ type: "connecting", url, attempt }),
      onOpen: (protocol) => this.#onOpen(protocol),
      onMessage: (text) => this.#session?.receive(text),
      onClose: (info) => this.#onClose(info),
    });
    this.config.onChange((key, value) => this.#onConfigChange(key, value));
    this.#syncStatus();
  }

  /** Connects and starts simulating. */
  start(): this {
    if (this.#started) return this;
    this.#started = true;
    this.#untick = this.#ticker.add((now) => this.#tick(now));
    this.#socket.start();
    return this;
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#untick?.();
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    this.#unplugTimers.clear();
    clearTimeout(this.#bootTimer);
    this.#tx.stop();
    this.#session?.close("charge point stopped");
    await this.#socket.stop();
  }

  snapshot(): ChargePointSnapshot {
    return {
      id: this.id,
      online: this.#socket.online,
      registration: this.#registration,
      connectors: this.#connectors.map((c, i) => {
        const car = this.#cars[i];
        return {
          connectorId: c.id,
          status: statusOf(c, this.#chargerOperative),
          errorCode: c.errorCode,
          transactionId: c.tx?.transactionId,
          idTag: c.tx?.idTag,
          socPct: car?.socPct,
          powerW: this.#powerW[i],
          energyWh: this.#energyWh[i],
          sessionWh: c.tx ? this.#energyWh[i] - c.tx.meterStartWh : undefined,
        };
      }),
      queued: this.#tx.size,
      framesIn: this.#framesIn,
      framesOut: this.#framesOut,
    };
  }

  // ---- driving from outside ------------------------------------------------------------------

  plugIn(connectorId: number, car?: CarOptions): boolean {
    const c = this.#connector(connectorId);
    if (!c) return false;
    const t = plugIn(c, this.#chargerOperative);
    if (!t.ok) return false;
    this.#cars[c.id - 1] = this.#newCar(car);
    this.#set(t.state);
    return true;
  }

  startLocal(connectorId: number, idTag: string, car?: CarOptions): Promise<boolean> {
    return this.#begin(connectorId, idTag, "local", car);
  }

  stopLocal(connectorId: number, reason: StopReason16 = "Local"): boolean {
    return this.#end(connectorId, reason, false);
  }

  unplug(connectorId: number): boolean {
    const c = this.#connector(connectorId);
    if (!c) return false;
    if (c.phase === "charging") {
      if (this.config.getBool("StopTransactionOnEVSideDisconnect")) {
        return this.#end(c.id, "EVDisconnected", true);
      }
      // The transaction stays open without a car: it draws nothing (SuspendedEV) until stopped.
      this.#cars[c.id - 1] = undefined;
      this.#set(setEvFull(c, true));
      return true;
    }
    return this.#release(c.id);
  }

  setFault(connectorId: number, errorCode: Ocpp16.StatusNotificationRequest["errorCode"]): boolean {
    const c = this.#connector(connectorId);
    if (!c) return false;
    if (errorCode !== "NoError" && c.phase === "charging") this.#end(c.id, "Other", false);
    this.#set(setFault(this.#connector(connectorId)!, errorCode));
    return true;
  }

  whenDrained(timeoutMs = 10_000): Promise<boolean> {
    return this.#tx.whenDrained(timeoutMs);
  }

  // ---- the commands' view (commands.ts) ------------------------------------------------------

  get connectorCount(): number {
    return this.#connectors.length;
  }

  get vendor(): string {
    return this.#o.vendor ?? DEFAULTS.vendor;
  }

  /** RemoteStartTransaction: Accepted only for a free, available connector; charging follows the answer. */
  remoteStart(idTag: string, connectorId?: number): "Accepted" | "Rejected" {
    if (this.#resetting) return "Rejected";
    const target = connectorId === undefined
      ? this.#connectors.find((c) => canStart(c, this.#chargerOperative) && !this.#starting.has(c.id))
      : this.#connector(connectorId);
    if (!target || !canStart(target, this.#chargerOperative) || this.#starting.has(target.id)) {
      return "Rejected";
    }
    this.#starting.add(target.id);
    this.#later(0, () => {
      this.#starting.delete(target.id);
      void this.#begin(target.id, idTag, "remote");
    });
    return "Accepted";
  }

  /** RemoteStopTransaction: Rejected for a transaction this charger does not run. */
  remoteStop(transactionId: number): "Accepted" | "Rejected" {
    const c = this.#connectors.find((c) => c.tx?.transactionId === transactionId);
    if (!c) return "Rejected";
    this.#later(0, () => this.#end(c.id, "Remote", false));
    return "Accepted";
  }

  reset(kind: "Soft" | "Hard"): "Accepted" | "Rejected" {
    if (this.#resetting) return "Rejected";
    this.#resetting = true;
    this.#later(0, () => void this.#reboot(kind));
    return "Accepted";
  }

  changeAvailability(connectorId: number, operative: boolean): "Accepted" | "Rejected" | "Scheduled" {
    if (connectorId < 0 || connectorId > this.#connectors.length) return "Rejected";
    let scheduled = false;
    const targets = connectorId === 0 ? this.#connectors : [this.#connector(connectorId)!];
    if (connectorId === 0) this.#chargerOperative = operative;
    for (const c of targets) {
      const r = changeAvailability(c, operative);
      scheduled ||= r.status === "Scheduled";
      this.#connectors[c.id - 1] = r.state;
    }
    this.#syncStatus();
    return scheduled ? "Scheduled" : "Accepted";
  }

  clearCache(): "Accepted" {
    this.#authCache.clear();
    return "Accepted";
  }

  unlockConnector(connectorId: number): "Unlocked" | "UnlockFailed" | "NotSupported" {
    const c = this.#connector(connectorId);
    if (!c) return "NotSupported";
    if (c.phase === "charging") this.#end(c.id, "UnlockCommand", true);
    else this.#release(c.id);
    return "Unlocked";
  }

  /** TriggerMessage: Rejected for a connector that does not exist; the message follows the answer. */
  trigger(
    requested: Ocpp16.TriggerMessageRequest["requestedMessage"],
    connectorId?: number,
  ): "Accepted" | "Rejected" | "NotImplemented" {
    if (connectorId !== undefined && (connectorId < 0 || connectorId > this.#connectors.length)) {
      return "Rejected";
    }
    const ids = connectorId !== undefined
      ? [connectorId]
      : Array.from({ length: this.#connectors.length + 1 }, (_, i) => i);
    this.#later(0, () => {
      switch (requested) {
        case "BootNotification":
          return void this.#boot();
        case "Heartbeat":
          return this.#heartbeat(Date.now());
        case "StatusNotification":
          for (const id of ids) this.#sendStatus(id, true);
          return;
        case "MeterValues":
          for (const id of ids) this.#sampleNow(id, "Trigger", Date.now());
          return;
        case "DiagnosticsStatusNotification":
          return this.#fire("DiagnosticsStatusNotification", { status: "Idle" });
        case "FirmwareStatusNotification":
          return this.#fire("FirmwareStatusNotification", { status: "Idle" });
      }
    });
    return "Accepted";
  }

  // ---- connection and registration -------------------------------------------------------------

  #onOpen(protocol: string): void {
    const session: Session = new RpcSession({
      version: "ocpp1.6",
      send: (text) => this.#socket.send(text),
      callTimeoutMs: this.#o.callTimeoutMs ?? DEFAULTS.callTimeoutMs,
      log: (line) => this.#warn(line),
      onFrame: (f) => f.direction === "in" ? this.#framesIn++ : this.#framesOut++,
    });
    installCommandHandlers(
      session,
      this,
      (action, request, response) => this.#emit({ type: "command", action, request, response }),
    );
    this.#session = session;
    this.#emit({ type: "connected", protocol });
    // A reconnect is not a reboot: once accepted, the registration stands (OCPP 1.6 §4.2).
    if (this.#registration === "Accepted") this.#online();
    else void this.#boot();
  }

  #onClose(info: { code: number; reason: string; wasOpen: boolean; retryInMs?: number }): void {
    this.#session?.close("connection lost");
    this.#session = undefined;
    this.#tx.connectionLost();
    clearTimeout(this.#bootTimer);
    // The central system may have missed changes while we were away: tell it every status again.
    this.#statusSent.clear();
    this.#emit({ type: "disconnected", ...info });
  }

  async #boot(): Promise<void> {
    clearTimeout(this.#bootTimer);
    const session = this.#session;
    if (!session) return;
    const payload: Ocpp16.BootNotificationRequest = {
      chargePointVendor: this.#o.vendor ?? DEFAULTS.vendor,
      chargePointModel: this.#o.model ?? DEFAULTS.model,
      chargePointSerialNumber: `SIM-${this.id}`.slice(0, 25),
      firmwareVersion: "chargewire-sim 1.0",
      meterType: "Simulated AC meter",
    };
    try {
      const res = await session.call("BootNotification", payload);
      if (session !== this.#session) return;
      this.#registration = res.status;
      this.#emit({ type: "boot", status: res.status, interval: res.interval });
      if (res.status === "Accepted") {
        if (res.interval > 0) this.config.set("HeartbeatInterval", String(res.interval));
        this.#nextHeartbeatAt = Date.now() + this.config.getInt("HeartbeatInterval") * 1000;
        this.#online();
      } else {
        // Pending or Rejected: ask again after the interval the central system gave.
        const waitMs = res.interval > 0 ? res.interval * 1000 : this.#o.bootRetryMs ?? DEFAULTS.bootRetryMs;
        this.#bootTimer = setTimeout(() => void this.#boot(), waitMs);
      }
    } catch (err) {
      if (session !== this.#session || err instanceof RpcClosedError) return;
      this.#warn(`BootNotification failed: ${errorText(err)}`);
      this.#bootTimer = setTimeout(() => void this.#boot(), this.#o.bootRetryMs ?? DEFAULTS.bootRetryMs);
    }
  }

  /** Registered and connected: bring the central system up to date and let queued messages go. */
  #online(): void {
    if (!this.#canSend()) return;
    if (this.#nextHeartbeatAt === Infinity) {
      this.#nextHeartbeatAt = Date.now() + this.config.getInt("HeartbeatInterval") * 1000;
    }
    this.#tx.pump();
    this.#syncStatus();
  }

  #canSend(): boolean {
    return !!this.#session && this.#socket.online && this.#registration === "Accepted";
  }

  #heartbeat(now: number): void {
    this.#nextHeartbeatAt = now + this.config.getInt("HeartbeatInterval") * 1000;
    this.#fire("Heartbeat", {});
  }

  /** A CALL whose answer changes nothing here; a failure is only worth a line in the log. */
  #fire<
    A extends
      | "Heartbeat"
      | "StatusNotification"
      | "MeterValues"
      | "DiagnosticsStatusNotification"
      | "FirmwareStatusNotification",
  >(
    action: A,
    payload: ChargePointActions16[A][0],
  ): void {
    const session = this.#session;
    if (!session) return;
    session.call(action, payload).catch((err) => {
      if (!(err instanceof RpcClosedError)) this.#warn(`${action} failed: ${errorText(err)}`);
    });
  }

  #onConfigChange(key: string, value: string): void {
    const now = Date.now();
    if (key === "HeartbeatInterval" && this.#nextHeartbeatAt !== Infinity) {
      this.#nextHeartbeatAt = now + Number(value) * 1000;
    }
    if (key === "MeterValueSampleInterval") {
      const s = Number(value);
      this.#connectors.forEach((c, i) => {
        this.#nextSampleAt[i] = c.phase === "charging" && s > 0 ? now + s * 1000 : Infinity;
      });
    }
  }

  // ---- status ----------------------------------------------------------------------------------

  #statusOf(connectorId: number): ChargePointStatus16 {
    if (connectorId === 0) return this.#chargerOperative ? "Available" : "Unavailable";
    return statusOf(this.#connectors[connectorId - 1], this.#chargerOperative);
  }

  #errorCodeOf(connectorId: number): Ocpp16.StatusNotificationRequest["errorCode"] {
    return connectorId === 0 ? "NoError" : this.#connectors[connectorId - 1].errorCode;
  }

  /** Notices status changes (an event for each) and, when possible, tells the central system. */
  #syncStatus(): void {
    for (let id = 0; id <= this.#connectors.length; id++) {
      const s = this.#statusOf(id);
      if (this.#statusNow.get(id) !== s) {
        this.#statusNow.set(id, s);
        this.#emit({ type: "status", connectorId: id, status: s, errorCode: this.#errorCodeOf(id) });
      }
      if (this.#canSend() && this.#statusSent.get(id) !== s) this.#sendStatus(id, false);
    }
  }

  #sendStatus(connectorId: number, force: boolean): void {
    const status = this.#statusOf(connectorId);
    if (!force && this.#statusSent.get(connectorId) === status) return;
    if (!this.#session) return;
    this.#statusSent.set(connectorId, status);
    this.#fire("StatusNotification", {
      connectorId,
      errorCode: this.#errorCodeOf(connectorId),
      status,
      timestamp: new Date().toISOString(),
    });
  }

  #connector(connectorId: number): ConnectorState | undefined {
    return Number.isInteger(connectorId) && connectorId >= 1 ? this.#connectors[connectorId - 1] : undefined;
  }

  #set(c: ConnectorState): void {
    this.#connectors[c.id - 1] = c;
    this.#syncStatus();
  }

  // ---- transactions ----------------------------------------------------------------------------

  #newCar(car?: CarOptions): Car {
    return {
      socPct: car?.socPct ?? this.#o.soc ?? DEFAULTS.soc,
      targetPct: car?.targetSocPct ?? this.#o.targetSoc ?? DEFAULTS.targetSoc,
      capacityWh: (car?.batteryKwh ?? this.#o.batteryKwh ?? DEFAULTS.batteryKwh) * 1000,
    };
  }

  async #begin(
    connectorId: number,
    idTag: string,
    via: "local" | "remote",
    car?: CarOptions,
  ): Promise<boolean> {
    const c = this.#connector(connectorId);
    if (!c || !canStart(c, this.#chargerOperative) || this.#starting.has(c.id)) return false;
    this.#starting.add(c.id);
    try {
      if (c.phase === "idle") this.plugIn(c.id, car);
      else if (!this.#cars[c.id - 1]) this.#cars[c.id - 1] = this.#newCar(car);
      const authorized = await this.#authorize(idTag, via);
      const now = this.#connector(connectorId)!;
      if (!authorized || this.#stopped || this.#resetting) {
        // Refused: the driver gives up and takes the cable back.
        if (now.phase === "preparing") this.#scheduleUnplug(now.id);
        return false;
      }
      const localId = ++this.#localIds;
      const meterStart = registerWh(this.#energyWh[c.id - 1]);
      const startedAt = new Date().toISOString();
      const t = startTransaction(
        now,
        { localId, idTag, meterStartWh: meterStart, startedAt },
        this.#chargerOperative,
      );
      if (!t.ok) return false;
      const at = Date.now();
      this.#lastStepAt[c.id - 1] = at;
      const interval = this.config.getInt("MeterValueSampleInterval");
      this.#nextSampleAt[c.id - 1] = interval > 0 ? at + interval * 1000 : Infinity;
      // StartTransaction goes out before the Charging status it causes.
      this.#tx.push({
        action: "StartTransaction",
        localId,
        payload: { connectorId: c.id, idTag, meterStart, timestamp: startedAt },
      });
      this.#set(t.state);
      this.#emit({ type: "transactionStarted", connectorId: c.id, localId, idTag, meterStart });
      return true;
    } finally {
      this.#starting.delete(c.id);
    }
  }

  /** Authorization by the rules of the Core configuration keys, online or off. */
  async #authorize(idTag: string, via: "local" | "remote"): Promise<boolean> {
    if (via === "remote" && !this.config.getBool("AuthorizeRemoteTxRequests")) return true;
    const cached = this.#cachedAccepted(idTag);
    if (via === "local" && cached && this.config.getBool("LocalPreAuthorize")) return true;
    const session = this.#session;
    if (this.#canSend() && session) {
      try {
        const res = await session.call("Authorize", { idTag });
        this.#remember(idTag, res.idTagInfo);
        return res.idTagInfo.status === "Accepted";
      } catch (err) {
        if (!(err instanceof RpcClosedError)) this.#warn(`Authorize failed: ${errorText(err)}`);
      }
    }
    if (cached && this.config.getBool("LocalAuthorizeOffline")) return true;
    return this.config.getBool("AllowOfflineTxForUnknownId");
  }

  #cachedAccepted(idTag: string): boolean {
    const info = this.#authCache.get(idTag);
    if (!info || info.status !== "Accepted") return false;
    return !info.expiryDate || Date.parse(info.expiryDate) > Date.now();
  }

  #remember(idTag: string, info: IdTagInfo16): void {
    if (this.config.getBool("AuthorizationCacheEnabled")) this.#authCache.set(idTag, info);
  }

  /**
   * Ends the transaction on a connector: the StopTransaction joins the queue
   * (it is never dropped for being offline). `unplugged`: the car is gone at
   * once (EVDisconnected, reboot, unlock) instead of after the driver's delay.
   */
  #end(connectorId: number, reason: StopReason16, unplugged: boolean): boolean {
    const c = this.#connector(connectorId);
    if (!c) return false;
    const r = stopTransaction(c, { unplugged });
    if (!r.ok) return false;
    const i = c.id - 1;
    const now = new Date();
    const meterStop = registerWh(this.#energyWh[i]);
    const stopData = this.config.getList("StopTxnSampledData");
    const mv = meterValue(this.#reading(i, 0), stopData, "Transaction.End", now.toISOString());
    // The Stop goes out before the status it causes, as in the spec's sequence diagrams.
    this.#tx.push({
      action: "StopTransaction",
      localId: r.tx.localId,
      payload: {
        idTag: r.tx.idTag,
        meterStop,
        timestamp: now.toISOString(),
        reason,
        ...(mv ? { transactionData: [mv] } : {}),
      },
    });
    this.#powerW[i] = 0;
    this.#nextSampleAt[i] = Infinity;
    if (unplugged) this.#cars[i] = undefined;
    this.#set(r.state);
    this.#emit({
      type: "transactionStopped",
      connectorId: c.id,
      localId: r.tx.localId,
      transactionId: r.tx.transactionId ?? this.#tx.queue.transactionIdOf(r.tx.localId),
      reason,
      meterStop,
      energyWh: meterStop - r.tx.meterStartWh,
    });
    if (!unplugged) this.#scheduleUnplug(c.id);
    return true;
  }

  #scheduleUnplug(connectorId: number): void {
    clearTimeout(this.#unplugTimers.get(connectorId));
    const t = this.#later(this.#o.unplugDelayMs ?? DEFAULTS.unplugDelayMs, () => {
      this.#unplugTimers.delete(connectorId);
      this.#release(connectorId);
    });
    this.#unplugTimers.set(connectorId, t);
  }

  /** The cable comes out of a connector that has no transaction running. */
  #release(connectorId: number): boolean {
    const c = this.#connector(connectorId);
    if (!c) return false;
    const t = unplug(c);
    if (!t.ok) return false;
    this.#cars[c.id - 1] = undefined;
    this.#powerW[c.id - 1] = 0;
    this.#set(t.state);
    return true;
  }

  #onStartAnswered(m: StartMessage, res: Ocpp16.StartTransactionResponse): void {
    const start = m.payload;
    this.#remember(start.idTag, res.idTagInfo);
    const i = this.#connectors.findIndex((c) => c.tx?.localId === m.localId);
    this.#emit({
      type: "transactionAccepted",
      connectorId: start.connectorId,
      localId: m.localId,
      transactionId: res.transactionId,
      idTagStatus: res.idTagInfo.status,
    });
    if (i < 0) return; // already ended; its Stop will carry the id
    this.#connectors[i] = assignTransactionId(this.#connectors[i], m.localId, res.transactionId);
    if (res.idTagInfo.status !== "Accepted") {
      // OCPP 1.6 §5.16 (StopTransactionOnInvalidId): stop, or at least stop delivering energy.
      if (this.config.getBool("StopTransactionOnInvalidId")) this.#end(i + 1, "DeAuthorized", false);
      else this.#set(setEvseSuspended(this.#connectors[i], true));
    }
  }

  async #reboot(kind: "Soft" | "Hard"): Promise<void> {
    this.#emit({ type: "reset", kind });
    const reason: StopReason16 = kind === "Hard" ? "HardReset" : "SoftReset";
    for (const c of this.#connectors) if (c.phase === "charging") this.#end(c.id, reason, true);
    // A soft reset lets the Stops reach the central system first; whatever is left survives the reboot.
    if (kind === "Soft") await this.whenDrained(5_000);
    if (this.#stopped) return;
    for (const t of this.#unplugTimers.values()) clearTimeout(t);
    this.#unplugTimers.clear();
    clearTimeout(this.#bootTimer);
    this.#registration = "none";
    this.#nextHeartbeatAt = Infinity;
    this.#connectors = this.#connectors.map(rebooted);
    this.#cars.fill(undefined);
    this.#powerW.fill(0);
    this.#nextSampleAt.fill(Infinity);
    await this.#socket.reconnect(this.#o.rebootDelayMs ?? DEFAULTS.rebootDelayMs, "reboot");
    this.#resetting = false;
    this.#syncStatus();
  }

  // ---- the simulation's beat -------------------------------------------------------------------

  #tick(now: number): void {
    if (this.#stopped) return;
    const half = this.#ticker.intervalMs / 2;
    const sampleS = this.config.getInt("MeterValueSampleInterval");
    for (let i = 0; i < this.#connectors.length; i++) {
      const c = this.#connectors[i];
      if (c.phase !== "charging") continue;
      this.#charge(i, c, now);
      if (now + half >= this.#nextSampleAt[i]) {
        this.#nextSampleAt[i] = Math.max(this.#nextSampleAt[i] + sampleS * 1000, now + half);
        this.#sampleNow(i + 1, "Sample.Periodic", now);
      }
    }
    this.#alignedSample(now);
    if (this.#canSend() && now + half >= this.#nextHeartbeatAt) this.#heartbeat(now);
    if (this.#autopilots && !this.#resetting) this.#drive(now);
  }

  #charge(i: number, c: ConnectorState, now: number): void {
    const dt = (now - this.#lastStepAt[i]) / 1000;
    this.#lastStepAt[i] = now;
    const car = this.#cars[i];
    if (!car) {
      this.#powerW[i] = 0;
      return;
    }
    const offered = c.evseSuspended ? 0 : this.#maxW;
    const step = chargeStep(car.socPct, car.targetPct, offered, dt, { capacityWh: car.capacityWh });
    car.socPct = step.socPct;
    this.#energyWh[i] += step.energyWh;
    this.#powerW[i] = step.powerW;
    if (step.full !== c.evFull) this.#set(setEvFull(c, step.full));
  }

  #reading(i: number, powerW = this.#powerW[i]): MeterReading {
    const c = this.#connectors[i];
    return {
      energyWh: this.#energyWh[i],
      powerW,
      offeredW: c.phase === "charging" && !c.evseSuspended ? this.#maxW : 0,
      socPct: this.#cars[i]?.socPct,
      supply: this.#supply,
    };
  }

  /** A meter sample: transaction-bound ones join the queue, others go straight out (and are lost offline). */
  #sampleNow(connectorId: number, context: SampleContext, now: number): void {
    const ts = new Date(now).toISOString();
    if (connectorId === 0) {
      // The charge point's main meter: the sum of its connectors.
      const total: MeterReading = {
        energyWh: this.#energyWh.reduce((a, b) => a + b, 0),
        powerW: this.#powerW.reduce((a, b) => a + b, 0),
        offeredW: this.#maxW * this.#connectors.length,
        supply: this.#supply,
      };
      const measurands = this.config.getList("MeterValuesSampledData").filter((m) => m !== "SoC");
      const mv = meterValue(total, measurands, context, ts);
      if (mv) this.#fire("MeterValues", { connectorId: 0, meterValue: [mv] });
      return;
    }
    const i = connectorId - 1;
    const c = this.#connectors[i];
    const measurands = this.config.getList(
      context === "Sample.Clock" ? "MeterValuesAlignedData" : "MeterValuesSampledData",
    );
    const mv = meterValue(this.#reading(i), measurands, context, ts);
    if (!mv) return;
    if (c.tx) {
      this.#tx.push({
        action: "MeterValues",
        localId: c.tx.localId,
        payload: { connectorId, meterValue: [mv] },
      });
    } else if (this.#canSend()) {
      this.#fire("MeterValues", { connectorId, meterValue: [mv] });
    }
    this.#emit({
      type: "meterValues",
      connectorId,
      transactionId: c.tx?.transactionId,
      socPct: this.#cars[i]?.socPct,
      powerW: this.#powerW[i],
      energyWh: this.#energyWh[i],
    });
  }

  /** Clock-aligned data (ClockAlignedDataInterval): a sample on every connector at each boundary. */
  #alignedSample(now: number): void {
    const s = this.config.getInt("ClockAlignedDataInterval");
    if (s <= 0) return;
    const slot = Math.floor(now / (s * 1000));
    if (this.#lastAlignedSlot === -1) this.#lastAlignedSlot = slot;
    if (slot === this.#lastAlignedSlot) return;
    this.#lastAlignedSlot = slot;
    for (let id = 1; id <= this.#connectors.length; id++) this.#sampleNow(id, "Sample.Clock", now);
  }

  #drive(now: number): void {
    const dtS = this.#lastAutoAt === 0 ? 0 : (now - this.#lastAutoAt) / 1000;
    this.#lastAutoAt = now;
    this.#autopilots!.forEach((pilot, i) => {
      const action: AutoAction | undefined = pilot.step(this.#connectors[i].phase, dtS);
      if (!action) return;
      if (action.type === "arrive") void this.#begin(i + 1, action.idTag, "local", { socPct: action.socPct });
      else if (action.how === "Local") this.#end(i + 1, "Local", false);
      else this.unplug(i + 1);
    });
  }

  // ---- plumbing --------------------------------------------------------------------------------

  #later(ms: number, fn: () => void): ReturnType<typeof setTimeout> {
    const t = setTimeout(() => {
      this.#timers.delete(t);
      if (!this.#stopped) fn();
    }, ms);
    this.#timers.add(t);
    return t;
  }

  #emit(event: ChargerEvent): void {
    const listener = this.#o.onEvent;
    if (!listener) return;
    try {
      listener({ ...event, chargerId: this.id, at: Date.now() } as ChargerEventRecord);
    } catch (err) {
      // An observer's bug must not break the charge point.
      console.error(`event listener failed: ${errorText(err)}`);
    }
  }

  #warn(message: unknown): void {
    this.#emit({ type: "warning", message: typeof message === "string" ? message : errorText(message) });
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Creates and starts one simulated charge point. */
export function startChargePoint(options: ChargePointOptions): ChargePointHandle {
  return new ChargePoint(options).start();
}
