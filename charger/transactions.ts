/**
 * The transaction lifecycle on the connectors: a car plugs in, a driver is
 * authorized and charging starts, the transaction ends (the driver, a remote
 * stop, the cable, a fault, a reset) and the cable comes out. Start and Stop go
 * through the transaction-message queue (tx_delivery.ts), so an outage loses
 * neither.
 */
import type { Ocpp16, StopReason16 } from "../shared/ocpp/mod.ts";
import type { Authorizer, AuthVia } from "./authorization.ts";
import type { ConfigStore } from "./config_store.ts";
import {
  assignTransactionId,
  plugIn,
  setEvFull,
  setEvseSuspended,
  setFault,
  startTransaction,
  stopTransaction,
  unplug,
} from "./connector.ts";
import { type Energy, newCar } from "./energy.ts";
import type { Emit, Warn } from "./events.ts";
import type { CarOptions } from "./handle.ts";
import { meterValue, registerWh } from "./meter.ts";
import { type ChargePointOptions, DEFAULTS } from "./options.ts";
import type { Reservations } from "./reservations.ts";
import type { Station } from "./station.ts";
import type { Timer, Timers } from "./timers.ts";
import type { StartMessage, StopMessage, TransactionDelivery } from "./tx_delivery.ts";
import type { TxSeries } from "./tx_series.ts";

/** What the transaction lifecycle needs in either protocol; `T` is the protocol's id token. */
export interface LifecycleParts<T> {
  station: Station;
  energy: Energy;
  auth: { authorize(token: T, via: AuthVia): Promise<boolean> };
  timers: Timers;
  emit: Emit;
  /** Stopped for good or resetting: no transaction may begin. */
  halted(): boolean;
}

/**
 * The protocol-neutral part of the lifecycle: the cable going in and out (the driver walks away a
 * moment after a transaction ends or is refused), authorization before a start, and the claim that
 * keeps two starts off one connector.
 */
export abstract class TransactionLifecycle<T, P extends LifecycleParts<T>> {
  protected readonly options: ChargePointOptions;
  protected readonly parts: P;
  #localIds = 0;
  /** Connectors with a start on its way (authorizing, or a remote start about to begin). */
  protected readonly starting = new Set<number>();
  #unplugTimers = new Map<number, Timer>();

  constructor(options: ChargePointOptions, parts: P) {
    this.options = options;
    this.parts = parts;
  }

  /** The car is in; the protocol may open a transaction before the connector shows it. */
  protected plugged(_connectorId: number): void {}
  /** The driver comes back for the cable, a moment after a transaction ended or was refused. */
  protected abstract driverLeaves(connectorId: number): void;

  /** A car plugs in (Preparing). */
  plugIn(connectorId: number, car?: CarOptions): boolean {
    const { station, energy } = this.parts;
    const c = station.get(connectorId);
    if (!c) return false;
    const t = plugIn(c, station.chargerOperative);
    if (!t.ok) return false;
    energy.setCar(c.id - 1, newCar(car, this.options));
    this.plugged(c.id);
    station.set(t.state);
    return true;
  }

  /**
   * A driver (or the central system) starts charging: plugs in if need be, authorizes `token`, then
   * `open` tells the central system (the connector's new state follows it).
   */
  protected async authorizeAndStart(
    connectorId: number,
    token: T,
    idTag: string,
    via: AuthVia,
    car: CarOptions | undefined,
    open: (connectorId: number, localId: number, meterStart: number, startedAt: string) => void,
    admit?: (connectorId: number) => boolean,
  ): Promise<boolean> {
    const { station, energy } = this.parts;
    const c = station.get(connectorId);
    if (!c || !station.canStart(c) || this.starting.has(c.id)) return false;
    this.starting.add(c.id);
    try {
      if (c.phase === "idle") this.plugIn(c.id, car);
      else if (!energy.car(c.id - 1)) energy.setCar(c.id - 1, newCar(car, this.options));
      const authorized = await this.parts.auth.authorize(token, via);
      const now = station.get(connectorId)!;
      // `admit`: what else may refuse an authorized driver (a reservation for someone else).
      if (!authorized || this.parts.halted() || (admit && !admit(c.id))) {
        // Refused: the driver gives up and takes the cable back.
        if (now.phase === "preparing") this.scheduleUnplug(now.id);
        return false;
      }
      const localId = ++this.#localIds;
      const meterStart = registerWh(energy.energyWh(c.id - 1));
      const startedAt = new Date().toISOString();
      const t = startTransaction(
        now,
        { localId, idTag, meterStartWh: meterStart, startedAt },
        station.chargerOperative,
      );
      if (!t.ok) return false;
      open(c.id, localId, meterStart, startedAt);
      station.set(t.state);
      this.parts.emit({ type: "transactionStarted", connectorId: c.id, localId, idTag, meterStart });
      return true;
    } finally {
      this.starting.delete(c.id);
    }
  }

  /**
   * A remote start claims `connectorId` (or the first free one) when it is free to start, and `start`
   * runs there right after the answer; undefined when there is none.
   */
  protected claimForRemoteStart(
    connectorId: number | undefined,
    start: (id: number) => void,
  ): number | undefined {
    const { station } = this.parts;
    const free = (id: number) => {
      const c = station.get(id);
      return !!c && station.canStart(c) && !this.starting.has(id);
    };
    const target = connectorId === undefined ? station.all.find((c) => free(c.id))?.id : connectorId;
    if (target === undefined || !free(target)) return undefined;
    this.starting.add(target);
    this.parts.timers.later(0, () => {
      this.starting.delete(target);
      start(target);
    });
    return target;
  }

  /** No driver comes back to unplug (a reboot, or the charger stopping). */
  cancelUnplugs(): void {
    for (const t of this.#unplugTimers.values()) this.parts.timers.cancel(t);
    this.#unplugTimers.clear();
  }

  /** The driver will not come back for the cable of this connector (it stays locked in). */
  protected cancelUnplug(connectorId: number): void {
    this.parts.timers.cancel(this.#unplugTimers.get(connectorId));
    this.#unplugTimers.delete(connectorId);
  }

  protected scheduleUnplug(connectorId: number): void {
    this.parts.timers.cancel(this.#unplugTimers.get(connectorId));
    // The driver lives in simulated time: at --speed N the walk to the cable is N times shorter.
    const delayMs = this.parts.energy.clock.wallMs(this.options.unplugDelayMs ?? DEFAULTS.unplugDelayMs);
    const t = this.parts.timers.later(delayMs, () => {
      this.#unplugTimers.delete(connectorId);
      this.driverLeaves(connectorId);
    });
    this.#unplugTimers.set(connectorId, t);
  }

  /** The cable comes out of a connector that has no transaction running. */
  protected release(connectorId: number): boolean {
    const { station, energy } = this.parts;
    const c = station.get(connectorId);
    if (!c) return false;
    const t = unplug(c);
    if (!t.ok) return false;
    energy.released(c.id - 1);
    station.set(t.state);
    return true;
  }
}

export interface TransactionParts extends LifecycleParts<string> {
  config: ConfigStore;
  delivery: TransactionDelivery;
  auth: Authorizer;
  /** The meter values each transaction collects for its StopTransaction. */
  series: TxSeries;
  /** A transaction ended on a connector (its TxProfiles go with it). */
  ended(connectorId: number): void;
  reservations: Reservations;
  warn: Warn;
  /**
   * The transaction is open and its StartTransaction queued: the meter is read at once
   * (Transaction.Begin), so the central system sees the car's state now, not one sample interval later.
   */
  began(connectorId: number, now: number): void;
}

/** OCPP 1.6: StartTransaction and StopTransaction through the transaction-message queue. */
export class Transactions extends TransactionLifecycle<string, TransactionParts> {
  #plugTimers = new Map<number, Timer>();

  /**
   * A driver (or the central system) starts charging: authorizes, checks the reservations (a reserved
   * connector admits only its idTag or one with its parentIdTag), then queues the StartTransaction, which
   * names the reservation it uses up. `opened` hears the transaction open before its first meter reading.
   */
  async begin(
    connectorId: number,
    idTag: string,
    via: AuthVia,
    car?: CarOptions,
    opened?: (connectorId: number) => void,
  ): Promise<boolean> {
    const { energy, config, delivery, reservations, auth, series } = this.parts;
    let reservationId: number | undefined;
    let startedAtMs = 0;
    const started = await this.authorizeAndStart(
      connectorId,
      idTag,
      idTag,
      via,
      car,
      (id, localId, meterStart, startedAt) => {
        this.#cancelPlugTimeout(id);
        startedAtMs = Date.parse(startedAt);
        if (reservationId !== undefined) reservations.used(reservationId);
        energy.started(id - 1, Date.now(), config.getInt("MeterValueSampleInterval"));
        const c = this.parts.station.get(id)!;
        const measurands = config.getList("StopTxnSampledData");
        series.begin(
          localId,
          meterValue(energy.reading(id - 1, c, 0), measurands, "Transaction.Begin", startedAt),
        );
        // StartTransaction goes out before the Charging status it causes.
        delivery.push({
          action: "StartTransaction",
          localId,
          payload: {
            connectorId: id,
            idTag,
            meterStart,
            timestamp: startedAt,
            ...(reservationId !== undefined && { reservationId }),
          },
        });
      },
      (id) => {
        const verdict = reservations.check(id, idTag, auth.parentOf(idTag));
        if (!verdict.ok) this.parts.warn(`${idTag} may not start: ${verdict.why}`);
        else reservationId = verdict.reservationId;
        return verdict.ok;
      },
    );
    if (started) {
      opened?.(connectorId);
      // The Begin sample is the transaction's start instant, the one its Stop's series names too.
      this.parts.began(connectorId, startedAtMs);
    }
    return started;
  }

  /**
   * RemoteStartTransaction: Accepted only for a free, available connector (one reserved for another
   * idTag is not); charging follows the answer, and `started` hears the connector once the transaction
   * has begun, before its first meter reading.
   */
  remoteStart(
    idTag: string,
    connectorId?: number,
    started?: (connectorId: number) => void,
  ): "Accepted" | "Rejected" {
    const { reservations, auth } = this.parts;
    const admits = (id: number) => reservations.check(id, idTag, auth.parentOf(idTag)).ok;
    if (connectorId !== undefined && !admits(connectorId)) return "Rejected";
    const pick = connectorId ??
      this.parts.station.all.find((c) => this.parts.station.canStart(c) && admits(c.id))
        ?.id;
    if (pick === undefined) return "Rejected";
    const target = this.claimForRemoteStart(
      pick,
      (id) => void this.begin(id, idTag, "remote", undefined, started),
    );
    return target === undefined ? "Rejected" : "Accepted";
  }

  /** ConnectionTimeOut (§9.1): a car plugged in that no one starts within it goes, and the connector is free. */
  protected override plugged(connectorId: number): void {
    const s = this.parts.config.getInt("ConnectionTimeOut");
    this.#cancelPlugTimeout(connectorId);
    if (s <= 0) return;
    this.#plugTimers.set(
      connectorId,
      this.parts.timers.later(s * 1000, () => {
        this.#plugTimers.delete(connectorId);
        const c = this.parts.station.get(connectorId);
        if (c?.phase !== "preparing" || this.starting.has(connectorId)) return;
        this.parts.warn(`connector ${connectorId}: no transaction within ConnectionTimeOut (${s} s)`);
        this.release(connectorId);
      }),
    );
  }

  #cancelPlugTimeout(connectorId: number): void {
    this.parts.timers.cancel(this.#plugTimers.get(connectorId));
    this.#plugTimers.delete(connectorId);
  }

  /** RemoteStopTransaction: Rejected for a transaction this charger does not run. */
  remoteStop(transactionId: number): "Accepted" | "Rejected" {
    const c = this.parts.station.all.find((c) => c.tx?.transactionId === transactionId);
    if (!c) return "Rejected";
    this.parts.timers.later(0, () => this.end(c.id, "Remote", false));
    return "Accepted";
  }

  /**
   * Ends the transaction on a connector: the StopTransaction joins the queue
   * (it is never dropped for being offline). `unplugged`: the car is gone at
   * once (EVDisconnected, reboot, unlock) instead of after the driver's delay.
   */
  end(connectorId: number, reason: StopReason16, unplugged: boolean): boolean {
    const { station, energy, delivery } = this.parts;
    const c = station.get(connectorId);
    if (!c) return false;
    const r = stopTransaction(c, { unplugged });
    if (!r.ok) return false;
    const i = c.id - 1;
    const now = new Date();
    const meterStop = registerWh(energy.energyWh(i));
    const stopData = this.parts.config.getList("StopTxnSampledData");
    const mv = meterValue(energy.reading(i, c, 0), stopData, "Transaction.End", now.toISOString());
    const transactionData = this.parts.series.take(r.tx.localId, mv);
    // The Stop goes out before the status it causes, as in the spec's sequence diagrams.
    delivery.push({
      action: "StopTransaction",
      localId: r.tx.localId,
      payload: {
        idTag: r.tx.idTag,
        meterStop,
        timestamp: now.toISOString(),
        reason,
        ...(transactionData.length > 0 ? { transactionData } : {}),
      },
    });
    energy.ended(i, unplugged);
    this.parts.ended(c.id);
    station.set(r.state);
    this.parts.emit({
      type: "transactionStopped",
      connectorId: c.id,
      localId: r.tx.localId,
      transactionId: r.tx.transactionId ?? delivery.queue.transactionIdOf(r.tx.localId),
      reason,
      meterStop,
      energyWh: meterStop - r.tx.meterStartWh,
    });
    if (!unplugged) this.scheduleUnplug(c.id);
    return true;
  }

  /** Every running transaction ends with the cars gone (a reset). */
  endAll(reason: StopReason16): void {
    for (const c of this.parts.station.all) if (c.phase === "charging") this.end(c.id, reason, true);
  }

  /** The car's cable is pulled. */
  unplug(connectorId: number): boolean {
    const { station, energy } = this.parts;
    const c = station.get(connectorId);
    if (!c) return false;
    if (c.phase === "charging") {
      if (this.parts.config.getBool("StopTransactionOnEVSideDisconnect")) {
        if (this.parts.config.getBool("UnlockConnectorOnEVSideDisconnect")) {
          return this.end(c.id, "EVDisconnected", true);
        }
        // The cable stays locked in the charge point's socket: Finishing until UnlockConnector frees it.
        const ended = this.end(c.id, "EVDisconnected", false);
        this.cancelUnplug(c.id);
        return ended;
      }
      // The transaction stays open without a car: it draws nothing (SuspendedEV) until stopped.
      energy.setCar(c.id - 1, undefined);
      station.set(setEvFull(c, true));
      return true;
    }
    return this.release(c.id);
  }

  /** UnlockConnector: a running transaction ends and the cable is out. */
  unlock(connectorId: number): "Unlocked" | "NotSupported" {
    const c = this.parts.station.get(connectorId);
    if (!c) return "NotSupported";
    if (c.phase === "charging") this.end(c.id, "UnlockCommand", true);
    else this.release(c.id);
    return "Unlocked";
  }

  /** A fault appears (ending a running transaction) or clears with "NoError". */
  setFault(connectorId: number, errorCode: Ocpp16.StatusNotificationRequest["errorCode"]): boolean {
    const { station } = this.parts;
    const c = station.get(connectorId);
    if (!c) return false;
    if (errorCode !== "NoError" && c.phase === "charging") this.end(c.id, "Other", false);
    station.set(setFault(station.get(connectorId)!, errorCode));
    return true;
  }

  /** The central system answered a StartTransaction: the transaction gets its id, or stops if refused. */
  startAnswered(m: StartMessage, res: Ocpp16.StartTransactionResponse): void {
    const { station } = this.parts;
    const start = m.payload;
    this.parts.auth.remember(start.idTag, res.idTagInfo);
    const i = station.all.findIndex((c) => c.tx?.localId === m.localId);
    this.parts.emit({
      type: "transactionAccepted",
      connectorId: start.connectorId,
      localId: m.localId,
      transactionId: res.transactionId,
      idTagStatus: res.idTagInfo.status,
    });
    if (i < 0) return; // already ended; its Stop will carry the id
    station.put(assignTransactionId(station.all[i], m.localId, res.transactionId));
    if (res.idTagInfo.status !== "Accepted") {
      // OCPP 1.6 §5.16 (StopTransactionOnInvalidId): stop, or at least stop delivering energy.
      if (this.parts.config.getBool("StopTransactionOnInvalidId")) this.end(i + 1, "DeAuthorized", false);
      else station.set(setEvseSuspended(station.all[i], true));
    }
  }

  stopAnswered(m: StopMessage, res: Ocpp16.StopTransactionResponse): void {
    if (res.idTagInfo && m.payload.idTag) this.parts.auth.remember(m.payload.idTag, res.idTagInfo);
  }

  protected driverLeaves(connectorId: number): void {
    this.release(connectorId);
  }
}
