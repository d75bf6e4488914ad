/**
 * One simulated charger, in either protocol: the parts every charger has (connectors, energy, the
 * ticker's beat, the automatic drivers), their lifetime (start, stop, resets) and the snapshot. The
 * protocol's charger (charge_point.ts for 1.6, ocpp201/station201.ts for 2.0.1) builds its link,
 * transaction delivery and status report, and says how it samples, resets and reports a connector.
 */
import { redactValue } from "../shared/ocpp/redact.ts";
import { AutoDrivers } from "./auto.ts";
import type { CommandObserver } from "./commands.ts";
import type { ConnectorState } from "./connector.ts";
import { Energy } from "./energy.ts";
import {
  type ChargerEvent,
  type ChargerEventRecord,
  type Emit,
  eventEmitter,
  type Warn,
  warner,
} from "./events.ts";
import { EventJournal } from "./diagnostics_file.ts";
import type {
  CarOptions,
  ChargePointHandle,
  ChargePointSnapshot,
  ConnectorSnapshot,
  OcppProtocol,
  Registration,
  SettingsView,
  StopReason,
} from "./handle.ts";
import type { LinkHooks } from "./link.ts";
import { type ChargePointOptions, checkChargePointOptions, DEFAULTS } from "./options.ts";
import { afterFailedAttempt, RebootFaults } from "./reset_retries.ts";
import { SimClock } from "./sim_clock.ts";
import { Station } from "./station.ts";
import type { StatusHost } from "./status_report.ts";
import { Ticker } from "./ticker.ts";
import { Timers } from "./timers.ts";

/** What the lifetime needs of the link (link.ts's CentralLink, in either protocol). */
export interface LinkPart {
  readonly online: boolean;
  readonly registration: Registration;
  readonly framesIn: number;
  readonly framesOut: number;
  start(): void;
  stop(): Promise<void>;
  canSend(): boolean;
  hasSession(): boolean;
  heartbeatDue(now: number, slackMs: number): boolean;
  heartbeat(now: number): void;
  reconnect(delayMs: number, reason: string): Promise<void>;
}

/** What it needs of transaction delivery (tx_delivery.ts's OrderedDelivery). */
export interface DeliveryPart {
  readonly size: number;
  pump(): void;
  connectionLost(): void;
  stop(): void;
  whenDrained(timeoutMs: number): Promise<boolean>;
}

/** What it needs of the status report (status_report.ts's StatusBook). */
export interface StatusPart {
  sync(): void;
  forgetSent(): void;
}

/** A connector's part of the snapshot that only the protocol knows. */
export type ConnectorView = Pick<ConnectorSnapshot, "status" | "transactionId" | "idTag" | "sessionWh">;

type ResetKind = Extract<ChargerEvent, { type: "reset" }>["kind"];

export abstract class SimulatedCharger implements ChargePointHandle {
  readonly id: string;
  abstract readonly protocol: OcppProtocol;
  abstract readonly config: SettingsView;
  protected readonly options: ChargePointOptions;
  protected readonly emit: Emit;
  /** The newest events, for a diagnostics file. */
  protected readonly journal = new EventJournal();
  protected readonly warn: Warn;
  protected readonly ticker: Ticker;
  protected readonly timers = new Timers();
  protected readonly station: Station;
  protected readonly energy: Energy;
  protected abstract readonly link: LinkPart;
  protected abstract readonly delivery: DeliveryPart;
  protected abstract readonly status: StatusPart;
  readonly #auto?: AutoDrivers;
  readonly #rebootFaults = new RebootFaults();

  #untick?: () => void;
  #started = false;
  protected stopped = false;
  protected resetting = false;

  constructor(options: ChargePointOptions) {
    checkChargePointOptions(options);
    this.options = options;
    this.id = options.id;
    const n = options.connectors ?? DEFAULTS.connectors;
    const clock = new SimClock(options.speed ?? DEFAULTS.speed, Date.now());
    this.energy = new Energy(n, (options.powerKw ?? DEFAULTS.powerKw) * 1000, clock);
    this.station = new Station(n, () => this.status.sync());
    const deliver = eventEmitter(options.id, options);
    // Kept for the diagnostics file (GetDiagnostics, GetLog) as well as delivered.
    this.emit = (event) => {
      this.journal.add({ ...event, chargerId: this.id, at: Date.now() } as ChargerEventRecord);
      deliver(event);
    };
    this.warn = warner(this.emit);
    if (options.auto) {
      this.#auto = new AutoDrivers(
        typeof options.auto === "object" ? options.auto : {},
        options.seed ?? DEFAULTS.seed,
        options.index ?? 0,
        n,
        clock,
      );
    }
    this.ticker = options.ticker ?? new Ticker(options.tickMs ?? DEFAULTS.tickMs, (e) => this.warn(e));
  }

  /** ResetRetries: how many more reboot attempts follow a failed one. */
  protected abstract resetRetries(): number;
  /**
   * Every attempt of a reset failed: the charger carries on un-rebooted, its transactions already ended.
   * The protocol may report it.
   */
  protected resetGaveUp(): void {}

  /** The protocol's part of the beat: charging and samples. */
  protected abstract sample(now: number, slackMs: number): void;
  /** Running transactions leave no driver behind to unplug (a reboot, or stopping for good). */
  protected abstract cancelUnplugs(): void;
  /** The protocol's part of a connector's snapshot. */
  protected abstract connectorView(c: ConnectorState): ConnectorView;

  abstract plugIn(connectorId: number, car?: CarOptions): boolean;
  abstract startLocal(connectorId: number, idTag: string, car?: CarOptions): Promise<boolean>;
  abstract stopLocal(connectorId: number, reason?: StopReason): boolean;
  abstract unplug(connectorId: number): boolean;
  abstract setFault(connectorId: number, errorCode: Parameters<ChargePointHandle["setFault"]>[1]): boolean;

  get vendor(): string {
    return this.options.vendor ?? DEFAULTS.vendor;
  }

  /** Connects and starts simulating. */
  start(): this {
    if (this.#started) return this;
    this.#started = true;
    this.#untick = this.ticker.add((now) => this.#tick(now));
    this.link.start();
    return this;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.#untick?.();
    this.timers.stop();
    this.cancelUnplugs();
    this.delivery.stop();
    await this.link.stop();
  }

  /**
   * A simulated fault: the next `count` reboot attempts fail (a stuck contactor, a watchdog that trips),
   * and ResetRetries decides how often the charger tries again. 0 clears it.
   */
  failResets(count: number): void {
    this.#rebootFaults.failNext(count);
  }

  whenDrained(timeoutMs = 10_000): Promise<boolean> {
    return this.delivery.whenDrained(timeoutMs);
  }

  snapshot(): ChargePointSnapshot {
    const energy = this.energy;
    return {
      id: this.id,
      protocol: this.protocol,
      online: this.link.online,
      registration: this.link.registration,
      connectors: this.station.all.map((c, i) => {
        const v = this.connectorView(c);
        return {
          connectorId: c.id,
          status: v.status,
          errorCode: c.errorCode,
          transactionId: v.transactionId,
          idTag: v.idTag,
          socPct: energy.car(i)?.socPct,
          powerW: energy.powerW(i),
          energyWh: energy.energyWh(i),
          sessionWh: v.sessionWh,
        };
      }),
      queued: this.delivery.size,
      framesIn: this.link.framesIn,
      framesOut: this.link.framesOut,
    };
  }

  /**
   * The link's hooks: `install` puts the command handlers on each new session; once registered,
   * queued transaction messages and statuses go; when the connection is lost, they wait.
   */
  protected linkHooks<S>(install: (session: S, observe: CommandObserver) => void): LinkHooks<S> {
    const emit = this.emit;
    // Redacted: a new password or key is not for the terminal or the programs watching.
    const observe: CommandObserver = (action, request, response) =>
      emit({
        type: "command",
        action,
        request: redactValue(request).value,
        response: redactValue(response).value,
      });
    return {
      opened: (session) => install(session, observe),
      online: () => {
        this.delivery.pump();
        this.status.sync();
      },
      lost: () => {
        this.delivery.connectionLost();
        this.status.forgetSent();
      },
      emit,
      warn: this.warn,
    };
  }

  /** What the status report asks of the link, `fire` being the link's own. */
  protected statusHost<F>(fire: F): StatusHost<F> {
    return {
      canSend: () => this.link.canSend(),
      hasSession: () => this.link.hasSession(),
      fire,
      emit: this.emit,
    };
  }

  /**
   * A reset: the transactions end (`endAll`), their messages reach the central system first when
   * `drain` says so, and whatever is left survives the reboot; `forget` clears what does not survive it
   * (the registration above all), then the charger reconnects. A reboot attempt that fails (failResets)
   * is tried again a reboot delay later, ResetRetries times at most; then the charger gives up.
   */
  protected async reboot(
    kind: ResetKind,
    o: { endAll(): void; drain: boolean; forget(): void },
  ): Promise<void> {
    this.emit({ type: "reset", kind });
    o.endAll();
    if (o.drain) await this.whenDrained(5_000);
    const delayMs = this.options.rebootDelayMs ?? DEFAULTS.rebootDelayMs;
    for (let attempt = 1; this.#rebootFaults.attemptFails(); attempt++) {
      if (this.stopped) return;
      const after = afterFailedAttempt(attempt, this.resetRetries());
      this.emit({ type: "resetFailed", attempt, ...after });
      if (after.gaveUp) {
        this.resetting = false;
        this.resetGaveUp();
        return;
      }
      // Timers die with the charger: stopped meanwhile, this never resumes.
      await new Promise<void>((resolve) => this.timers.later(delayMs, resolve));
    }
    if (this.stopped) return;
    this.cancelUnplugs();
    o.forget();
    this.station.reboot();
    this.energy.reboot();
    await this.link.reconnect(delayMs, "reboot");
    this.resetting = false;
    this.status.sync();
  }

  /** After the heartbeat of each beat (2.0.1: a reset waiting for idle). */
  protected afterHeartbeat(_now: number): void {}

  /** The simulation's beat: charging and samples, the heartbeat, the automatic drivers. */
  #tick(now: number): void {
    if (this.stopped) return;
    // Anything due within half a beat happens now, so nothing runs a whole beat late.
    const half = this.ticker.intervalMs / 2;
    this.sample(now, half);
    if (this.link.heartbeatDue(now, half)) this.link.heartbeat(now);
    this.afterHeartbeat(now);
    if (this.#auto && !this.resetting) {
      this.#auto.step(now, (id) => this.station.all[id - 1].phase, (id, action) => {
        if (action.type === "arrive") void this.startLocal(id, action.idTag, { socPct: action.socPct });
        else if (action.how === "Local") this.stopLocal(id, "Local");
        else this.unplug(id);
      });
    }
  }
}
