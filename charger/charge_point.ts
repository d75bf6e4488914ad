/**
 * One simulated OCPP 1.6J charge point: its parts, wired together and kept
 * alive together.
 *
 * State lives in pure pieces (station.ts with connector.ts, energy.ts with
 * battery.ts, config_store.ts, tx_queue.ts). link.ts keeps the connection,
 * registration and heartbeats; transactions.ts runs charging sessions;
 * metering.ts and status_report.ts report them; commands.ts and trigger.ts
 * answer the central system. This class owns their lifetime, drives resets,
 * and advances the simulation on the ticker's beat.
 */
import type { Ocpp16, StopReason16 } from "../shared/ocpp/mod.ts";
import { redactValue } from "../shared/ocpp/redact.ts";
import { AutoDrivers } from "./auto.ts";
import { Authorizer } from "./authorization.ts";
import { installCommandHandlers } from "./commands.ts";
import { ConfigStore, coreConfiguration } from "./config_store.ts";
import { statusOf } from "./connector.ts";
import { Energy } from "./energy.ts";
import { type Emit, eventEmitter, type Warn, warner } from "./events.ts";
import type { CarOptions, ChargePointHandle, ChargePointSnapshot } from "./handle.ts";
import { CentralSystemLink } from "./link.ts";
import { Metering } from "./metering.ts";
import { type ChargePointOptions, checkChargePointOptions, DEFAULTS, OptionError } from "./options.ts";
import { Station } from "./station.ts";
import { StatusReport } from "./status_report.ts";
import { Ticker } from "./ticker.ts";
import { Timers } from "./timers.ts";
import { Transactions } from "./transactions.ts";
import { sendTriggered, type TriggerRequest, triggerTargets } from "./trigger.ts";
import { TransactionDelivery } from "./tx_delivery.ts";
import { ChargingStation201 } from "./ocpp201/station201.ts";

// The handle's types were first declared here; importers of this module still find them.
export type * from "./handle.ts";

export class ChargePoint implements ChargePointHandle {
  readonly id: string;
  readonly protocol = "1.6";
  readonly config: ConfigStore;
  readonly #o: ChargePointOptions;
  readonly #emit: Emit;
  readonly #warn: Warn;
  readonly #ticker: Ticker;
  readonly #timers = new Timers();
  readonly #station: Station;
  readonly #energy: Energy;
  readonly #status: StatusReport;
  readonly #link: CentralSystemLink;
  readonly #auth: Authorizer;
  readonly #tx: TransactionDelivery;
  readonly #transactions: Transactions;
  readonly #metering: Metering;
  readonly #auto?: AutoDrivers;

  #untick?: () => void;
  #started = false;
  #stopped = false;
  #resetting = false;

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
    this.#emit = eventEmitter(options.id, options);
    this.#warn = warner(this.#emit);
    const emit = this.#emit;
    this.#station = new Station(n, () => this.#status.sync());
    this.#energy = new Energy(n, (options.powerKw ?? DEFAULTS.powerKw) * 1000);
    this.#link = new CentralSystemLink(options, this.config, {
      opened: (session) =>
        installCommandHandlers(
          session,
          this,
          // Redacted: a new AuthorizationKey is not for the terminal or the programs watching.
          (action, request, response) =>
            emit({
              type: "command",
              action,
              request: redactValue(request).value,
              response: redactValue(response).value,
            }),
        ),
      online: () => {
        this.#tx.pump();
        this.#status.sync();
      },
      lost: () => {
        this.#tx.connectionLost();
        this.#status.forgetSent();
      },
      emit,
      warn: this.#warn,
    });
    const link = this.#link;
    this.#status = new StatusReport(this.#station, {
      canSend: () => link.canSend(),
      hasSession: () => link.hasSession(),
      fire: link.fire,
      emit,
    });
    this.#auth = new Authorizer(this.config, () => link.sendable(), this.#warn);
    this.#tx = new TransactionDelivery({
      sendable: () => link.sendable(),
      maxAttempts: () => this.config.getInt("TransactionMessageAttempts"),
      retryIntervalMs: () => this.config.getInt("TransactionMessageRetryInterval") * 1000,
      startAnswered: (m, res) => this.#transactions.startAnswered(m, res),
      stopAnswered: (m, res) => this.#transactions.stopAnswered(m, res),
      warn: this.#warn,
    });
    this.#transactions = new Transactions(options, {
      station: this.#station,
      energy: this.#energy,
      config: this.config,
      delivery: this.#tx,
      auth: this.#auth,
      timers: this.#timers,
      emit,
      halted: () => this.#stopped || this.#resetting,
    });
    this.#metering = new Metering(this.#station, this.#energy, this.config, {
      canSend: () => link.canSend(),
      fire: link.fire,
      push: (m) => this.#tx.push(m),
      emit,
    });
    if (options.auto) {
      this.#auto = new AutoDrivers(
        typeof options.auto === "object" ? options.auto : {},
        options.seed ?? DEFAULTS.seed,
        options.index ?? 0,
        n,
      );
    }
    this.#ticker = options.ticker ?? new Ticker(options.tickMs ?? DEFAULTS.tickMs, (e) => this.#warn(e));
    this.config.onChange((key, value) => this.#onConfigChange(key, value));
    this.#status.sync();
  }

  /** Connects and starts simulating. */
  start(): this {
    if (this.#started) return this;
    this.#started = true;
    this.#untick = this.#ticker.add((now) => this.#tick(now));
    this.#link.start();
    return this;
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#untick?.();
    this.#timers.stop();
    this.#transactions.cancelUnplugs();
    this.#tx.stop();
    await this.#link.stop();
  }

  snapshot(): ChargePointSnapshot {
    const energy = this.#energy;
    return {
      id: this.id,
      protocol: "1.6",
      online: this.#link.online,
      registration: this.#link.registration,
      connectors: this.#station.all.map((c, i) => ({
        connectorId: c.id,
        status: statusOf(c, this.#station.chargerOperative),
        errorCode: c.errorCode,
        transactionId: c.tx?.transactionId,
        idTag: c.tx?.idTag,
        socPct: energy.car(i)?.socPct,
        powerW: energy.powerW(i),
        energyWh: energy.energyWh(i),
        sessionWh: c.tx ? energy.energyWh(i) - c.tx.meterStartWh : undefined,
      })),
      queued: this.#tx.size,
      framesIn: this.#link.framesIn,
      framesOut: this.#link.framesOut,
    };
  }

  // ---- driving from outside ------------------------------------------------------------------

  plugIn(connectorId: number, car?: CarOptions): boolean {
    return this.#transactions.plugIn(connectorId, car);
  }

  startLocal(connectorId: number, idTag: string, car?: CarOptions): Promise<boolean> {
    return this.#transactions.begin(connectorId, idTag, "local", car);
  }

  stopLocal(connectorId: number, reason: StopReason16 = "Local"): boolean {
    return this.#transactions.end(connectorId, reason, false);
  }

  unplug(connectorId: number): boolean {
    return this.#transactions.unplug(connectorId);
  }

  setFault(connectorId: number, errorCode: Ocpp16.StatusNotificationRequest["errorCode"]): boolean {
    return this.#transactions.setFault(connectorId, errorCode);
  }

  whenDrained(timeoutMs = 10_000): Promise<boolean> {
    return this.#tx.whenDrained(timeoutMs);
  }

  // ---- the commands' view (commands.ts) ------------------------------------------------------

  get connectorCount(): number {
    return this.#station.count;
  }

  get vendor(): string {
    return this.#o.vendor ?? DEFAULTS.vendor;
  }

  remoteStart(idTag: string, connectorId?: number): "Accepted" | "Rejected" {
    if (this.#resetting) return "Rejected";
    return this.#transactions.remoteStart(idTag, connectorId);
  }

  remoteStop(transactionId: number): "Accepted" | "Rejected" {
    return this.#transactions.remoteStop(transactionId);
  }

  reset(kind: "Soft" | "Hard"): "Accepted" | "Rejected" {
    if (this.#resetting) return "Rejected";
    this.#resetting = true;
    this.#timers.later(0, () => void this.#reboot(kind));
    return "Accepted";
  }

  changeAvailability(connectorId: number, operative: boolean): "Accepted" | "Rejected" | "Scheduled" {
    return this.#station.changeAvailability(connectorId, operative);
  }

  clearCache(): "Accepted" {
    this.#auth.clear();
    return "Accepted";
  }

  unlockConnector(connectorId: number): "Unlocked" | "UnlockFailed" | "NotSupported" {
    return this.#transactions.unlock(connectorId);
  }

  /** TriggerMessage: Rejected for a connector that does not exist; the message follows the answer. */
  trigger(requested: TriggerRequest, connectorId?: number): "Accepted" | "Rejected" | "NotImplemented" {
    const ids = triggerTargets(connectorId, this.#station.count);
    if (!ids) return "Rejected";
    this.#timers.later(0, () =>
      sendTriggered(requested, ids, {
        boot: () => this.#link.boot(),
        heartbeat: (now) => this.#link.heartbeat(now),
        sendStatus: (id) => this.#status.send(id, true),
        sample: (id, context, now) => this.#metering.sample(id, context, now),
        fire: this.#link.fire,
      }));
    return "Accepted";
  }

  // ---- lifecycle -------------------------------------------------------------------------------

  async #reboot(kind: "Soft" | "Hard"): Promise<void> {
    this.#emit({ type: "reset", kind });
    this.#transactions.endAll(kind === "Hard" ? "HardReset" : "SoftReset");
    // A soft reset lets the Stops reach the central system first; whatever is left survives the reboot.
    if (kind === "Soft") await this.whenDrained(5_000);
    if (this.#stopped) return;
    this.#transactions.cancelUnplugs();
    this.#link.forgetRegistration();
    this.#station.reboot();
    this.#energy.reboot();
    await this.#link.reconnect(this.#o.rebootDelayMs ?? DEFAULTS.rebootDelayMs, "reboot");
    this.#resetting = false;
    this.#status.sync();
  }

  #onConfigChange(key: string, value: string): void {
    const now = Date.now();
    if (key === "HeartbeatInterval") this.#link.heartbeatIntervalChanged(Number(value), now);
    if (key === "MeterValueSampleInterval") this.#metering.sampleIntervalChanged(Number(value), now);
  }

  /** The simulation's beat: charging and samples, the heartbeat, the automatic drivers. */
  #tick(now: number): void {
    if (this.#stopped) return;
    // Anything due within half a beat happens now, so nothing runs a whole beat late.
    const half = this.#ticker.intervalMs / 2;
    this.#metering.tick(now, half);
    if (this.#link.heartbeatDue(now, half)) this.#link.heartbeat(now);
    if (this.#auto && !this.#resetting) {
      this.#auto.step(now, (id) => this.#station.all[id - 1].phase, (id, action) => {
        if (action.type === "arrive") {
          void this.#transactions.begin(id, action.idTag, "local", { socPct: action.socPct });
        } else if (action.how === "Local") this.#transactions.end(id, "Local", false);
        else this.unplug(id);
      });
    }
  }
}

/** Builds one simulated charger of the protocol its options name (1.6 unless `ocpp` says 2.0.1). */
export function createCharger(options: ChargePointOptions): ChargePoint | ChargingStation201 {
  return options.ocpp === "2.0.1" ? new ChargingStation201(options) : new ChargePoint(options);
}

/** Creates and starts one simulated charger: a 1.6 charge point, or a 2.0.1 station with `ocpp: "2.0.1"`. */
export function startChargePoint(options: ChargePointOptions): ChargePointHandle {
  return createCharger(options).start();
}
