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
import type { Emit } from "./events.ts";
import type { CarOptions } from "./handle.ts";
import { meterValue, registerWh } from "./meter.ts";
import { type ChargePointOptions, DEFAULTS } from "./options.ts";
import type { Station } from "./station.ts";
import type { Timer, Timers } from "./timers.ts";
import type { StartMessage, StopMessage, TransactionDelivery } from "./tx_delivery.ts";

export interface TransactionParts {
  station: Station;
  energy: Energy;
  config: ConfigStore;
  delivery: TransactionDelivery;
  auth: Authorizer;
  timers: Timers;
  emit: Emit;
  /** Stopped for good or resetting: no transaction may begin. */
  halted(): boolean;
}

export class Transactions {
  readonly #o: ChargePointOptions;
  readonly #p: TransactionParts;
  #localIds = 0;
  /** Connectors with a start on its way (authorizing, or a RemoteStart about to begin). */
  #starting = new Set<number>();
  #unplugTimers = new Map<number, Timer>();

  constructor(options: ChargePointOptions, parts: TransactionParts) {
    this.#o = options;
    this.#p = parts;
  }

  /** A car plugs in (Preparing). */
  plugIn(connectorId: number, car?: CarOptions): boolean {
    const { station, energy } = this.#p;
    const c = station.get(connectorId);
    if (!c) return false;
    const t = plugIn(c, station.chargerOperative);
    if (!t.ok) return false;
    energy.setCar(c.id - 1, newCar(car, this.#o));
    station.set(t.state);
    return true;
  }

  /** A driver (or the central system) starts charging: authorizes, then queues the StartTransaction. */
  async begin(connectorId: number, idTag: string, via: AuthVia, car?: CarOptions): Promise<boolean> {
    const { station, energy, config } = this.#p;
    const c = station.get(connectorId);
    if (!c || !station.canStart(c) || this.#starting.has(c.id)) return false;
    this.#starting.add(c.id);
    try {
      if (c.phase === "idle") this.plugIn(c.id, car);
      else if (!energy.car(c.id - 1)) energy.setCar(c.id - 1, newCar(car, this.#o));
      const authorized = await this.#p.auth.authorize(idTag, via);
      const now = station.get(connectorId)!;
      if (!authorized || this.#p.halted()) {
        // Refused: the driver gives up and takes the cable back.
        if (now.phase === "preparing") this.#scheduleUnplug(now.id);
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
      energy.started(c.id - 1, Date.now(), config.getInt("MeterValueSampleInterval"));
      // StartTransaction goes out before the Charging status it causes.
      this.#p.delivery.push({
        action: "StartTransaction",
        localId,
        payload: { connectorId: c.id, idTag, meterStart, timestamp: startedAt },
      });
      station.set(t.state);
      this.#p.emit({ type: "transactionStarted", connectorId: c.id, localId, idTag, meterStart });
      return true;
    } finally {
      this.#starting.delete(c.id);
    }
  }

  /** RemoteStartTransaction: Accepted only for a free, available connector; charging follows the answer. */
  remoteStart(idTag: string, connectorId?: number): "Accepted" | "Rejected" {
    const { station } = this.#p;
    const target = connectorId === undefined
      ? station.all.find((c) => station.canStart(c) && !this.#starting.has(c.id))
      : station.get(connectorId);
    if (!target || !station.canStart(target) || this.#starting.has(target.id)) return "Rejected";
    this.#starting.add(target.id);
    this.#p.timers.later(0, () => {
      this.#starting.delete(target.id);
      void this.begin(target.id, idTag, "remote");
    });
    return "Accepted";
  }

  /** RemoteStopTransaction: Rejected for a transaction this charger does not run. */
  remoteStop(transactionId: number): "Accepted" | "Rejected" {
    const c = this.#p.station.all.find((c) => c.tx?.transactionId === transactionId);
    if (!c) return "Rejected";
    this.#p.timers.later(0, () => this.end(c.id, "Remote", false));
    return "Accepted";
  }

  /**
   * Ends the transaction on a connector: the StopTransaction joins the queue
   * (it is never dropped for being offline). `unplugged`: the car is gone at
   * once (EVDisconnected, reboot, unlock) instead of after the driver's delay.
   */
  end(connectorId: number, reason: StopReason16, unplugged: boolean): boolean {
    const { station, energy, delivery } = this.#p;
    const c = station.get(connectorId);
    if (!c) return false;
    const r = stopTransaction(c, { unplugged });
    if (!r.ok) return false;
    const i = c.id - 1;
    const now = new Date();
    const meterStop = registerWh(energy.energyWh(i));
    const stopData = this.#p.config.getList("StopTxnSampledData");
    const mv = meterValue(energy.reading(i, c, 0), stopData, "Transaction.End", now.toISOString());
    // The Stop goes out before the status it causes, as in the spec's sequence diagrams.
    delivery.push({
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
    energy.ended(i, unplugged);
    station.set(r.state);
    this.#p.emit({
      type: "transactionStopped",
      connectorId: c.id,
      localId: r.tx.localId,
      transactionId: r.tx.transactionId ?? delivery.queue.transactionIdOf(r.tx.localId),
      reason,
      meterStop,
      energyWh: meterStop - r.tx.meterStartWh,
    });
    if (!unplugged) this.#scheduleUnplug(c.id);
    return true;
  }

  /** Every running transaction ends with the cars gone (a reset). */
  endAll(reason: StopReason16): void {
    for (const c of this.#p.station.all) if (c.phase === "charging") this.end(c.id, reason, true);
  }

  /** The car's cable is pulled. */
  unplug(connectorId: number): boolean {
    const { station, energy } = this.#p;
    const c = station.get(connectorId);
    if (!c) return false;
    if (c.phase === "charging") {
      if (this.#p.config.getBool("StopTransactionOnEVSideDisconnect")) {
        return this.end(c.id, "EVDisconnected", true);
      }
      // The transaction stays open without a car: it draws nothing (SuspendedEV) until stopped.
      energy.setCar(c.id - 1, undefined);
      station.set(setEvFull(c, true));
      return true;
    }
    return this.#release(c.id);
  }

  /** UnlockConnector: a running transaction ends and the cable is out. */
  unlock(connectorId: number): "Unlocked" | "NotSupported" {
    const c = this.#p.station.get(connectorId);
    if (!c) return "NotSupported";
    if (c.phase === "charging") this.end(c.id, "UnlockCommand", true);
    else this.#release(c.id);
    return "Unlocked";
  }

  /** A fault appears (ending a running transaction) or clears with "NoError". */
  setFault(connectorId: number, errorCode: Ocpp16.StatusNotificationRequest["errorCode"]): boolean {
    const { station } = this.#p;
    const c = station.get(connectorId);
    if (!c) return false;
    if (errorCode !== "NoError" && c.phase === "charging") this.end(c.id, "Other", false);
    station.set(setFault(station.get(connectorId)!, errorCode));
    return true;
  }

  /** The central system answered a StartTransaction: the transaction gets its id, or stops if refused. */
  startAnswered(m: StartMessage, res: Ocpp16.StartTransactionResponse): void {
    const { station } = this.#p;
    const start = m.payload;
    this.#p.auth.remember(start.idTag, res.idTagInfo);
    const i = station.all.findIndex((c) => c.tx?.localId === m.localId);
    this.#p.emit({
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
      if (this.#p.config.getBool("StopTransactionOnInvalidId")) this.end(i + 1, "DeAuthorized", false);
      else station.set(setEvseSuspended(station.all[i], true));
    }
  }

  stopAnswered(m: StopMessage, res: Ocpp16.StopTransactionResponse): void {
    if (res.idTagInfo && m.payload.idTag) this.#p.auth.remember(m.payload.idTag, res.idTagInfo);
  }

  /** No driver comes back to unplug (a reboot, or the charge point stopping). */
  cancelUnplugs(): void {
    for (const t of this.#unplugTimers.values()) this.#p.timers.cancel(t);
    this.#unplugTimers.clear();
  }

  #scheduleUnplug(connectorId: number): void {
    this.#p.timers.cancel(this.#unplugTimers.get(connectorId));
    const t = this.#p.timers.later(this.#o.unplugDelayMs ?? DEFAULTS.unplugDelayMs, () => {
      this.#unplugTimers.delete(connectorId);
      this.#release(connectorId);
    });
    this.#unplugTimers.set(connectorId, t);
  }

  /** The cable comes out of a connector that has no transaction running. */
  #release(connectorId: number): boolean {
    const { station, energy } = this.#p;
    const c = station.get(connectorId);
    if (!c) return false;
    const t = unplug(c);
    if (!t.ok) return false;
    energy.released(c.id - 1);
    station.set(t.state);
    return true;
  }
}
