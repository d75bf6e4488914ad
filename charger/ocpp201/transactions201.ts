/**
 * Transactions on the station's EVSEs (OCPP 2.0.1 E01-E10, F01-F03): a car plugs in, a driver or the
 * CSMS authorizes, charging starts, the transaction ends (driver, CSMS, cable, fault, reset) and the
 * cable comes out. Every step that the CSMS must hear becomes a TransactionEvent (tx_events.ts) through
 * the queue, so an outage loses none. TxStartPoint says whether a transaction begins at the plug
 * (EVConnected) or at authorization; TxStopPoint whether it ends at the stop or when the cable is out
 * (EVConnected alone).
 */
import {
  plugIn,
  setEvFull,
  setEvseSuspended,
  setFault,
  startTransaction,
  stopTransaction,
  unplug,
} from "../connector.ts";
import { type Energy, newCar } from "../energy.ts";
import type { Emit } from "../events.ts";
import type { CarOptions } from "../handle.ts";
import { registerWh } from "../meter.ts";
import { type ChargePointOptions, DEFAULTS } from "../options.ts";
import type { Station } from "../station.ts";
import type { Timer, Timers } from "../timers.ts";
import type { Authorizer201 } from "./auth201.ts";
import type { DeviceModel } from "./device_model.ts";
import { chargingStateOf } from "./evse_status.ts";
import { type Context201, meterValue201 } from "./meter201.ts";
import {
  authorized,
  newTransaction,
  newTransactionId,
  transactionEvent,
  type TxRecord,
} from "./tx_events.ts";
import type {
  ChargingState,
  IdToken,
  Ocpp201,
  StopReason201,
  TransactionEventRequest,
  TriggerReason,
} from "./types.ts";

export interface Transaction201Parts {
  station: Station;
  energy: Energy;
  model: DeviceModel;
  auth: Authorizer201;
  timers: Timers;
  emit: Emit;
  /** Queues a TransactionEvent for delivery. */
  push(e: TransactionEventRequest): void;
  /** Connected and registered: events made now are not `offline`. */
  online(): boolean;
  halted(): boolean;
}

interface Running {
  tx: TxRecord;
  localId: number;
  meterStartWh: number;
  /** Stopped by the driver or the CSMS, waiting for the cable to end it (TxStopPoint EVConnected). */
  stoppedReason?: StopReason201;
}

export class Transactions201 {
  readonly #o: ChargePointOptions;
  readonly #p: Transaction201Parts;
  #localIds = 0;
  #starting = new Set<number>();
  #running = new Map<number, Running>();
  #unplugTimers = new Map<number, Timer>();

  constructor(options: ChargePointOptions, parts: Transaction201Parts) {
    this.#o = options;
    this.#p = parts;
  }

  /** The transaction on an EVSE, if any. */
  txOf(evseId: number): TxRecord | undefined {
    return this.#running.get(evseId)?.tx;
  }

  /** The EVSE running this transaction. */
  evseOf(transactionId: string): number | undefined {
    for (const [id, r] of this.#running) if (r.tx.transactionId === transactionId) return id;
    return undefined;
  }

  sessionWh(evseId: number): number | undefined {
    const r = this.#running.get(evseId);
    return r ? this.#p.energy.energyWh(evseId - 1) - r.meterStartWh : undefined;
  }

  plugIn(evseId: number, car?: CarOptions): boolean {
    const { station, energy } = this.#p;
    const c = station.get(evseId);
    if (!c) return false;
    const t = plugIn(c, station.chargerOperative);
    if (!t.ok) return false;
    energy.setCar(c.id - 1, newCar(car, this.#o));
    if (this.#startsAt("EVConnected")) this.#open(evseId, "CablePluggedIn", "EVConnected", {});
    station.set(t.state);
    return true;
  }

  /** A driver (local) or the CSMS (remote) starts charging: authorizes, then the transaction charges. */
  async begin(
    evseId: number,
    idToken: IdToken,
    via: "local" | "remote",
    o: { car?: CarOptions; remoteStartId?: number } = {},
  ): Promise<boolean> {
    const { station, energy } = this.#p;
    const c = station.get(evseId);
    if (!c || !station.canStart(c) || this.#starting.has(c.id)) return false;
    this.#starting.add(c.id);
    try {
      if (c.phase === "idle") this.plugIn(c.id, o.car);
      else if (!energy.car(c.id - 1)) energy.setCar(c.id - 1, newCar(o.car, this.#o));
      const ok = await this.#p.auth.authorize(idToken, via);
      const now = station.get(evseId)!;
      if (!ok || this.#p.halted()) {
        // Refused: the driver gives up and takes the cable back.
        if (now.phase === "preparing") this.#scheduleUnplug(now.id);
        return false;
      }
      const localId = ++this.#localIds;
      const meterStart = registerWh(energy.energyWh(c.id - 1));
      const t = startTransaction(
        now,
        { localId, idTag: idToken.idToken, meterStartWh: meterStart, startedAt: new Date().toISOString() },
        station.chargerOperative,
      );
      if (!t.ok) return false;
      const trigger: TriggerReason = via === "remote" ? "RemoteStart" : "Authorized";
      const existing = this.#running.get(evseId);
      if (existing) {
        existing.tx = authorized(existing.tx, idToken);
        if (o.remoteStartId !== undefined) {
          existing.tx = { ...existing.tx, remoteStartId: o.remoteStartId, remoteStartPending: true };
        }
        existing.localId = localId;
        this.#send(evseId, "Updated", trigger, { chargingState: "Charging" });
      } else {
        this.#open(evseId, trigger, "Charging", { idToken, remoteStartId: o.remoteStartId, localId });
      }
      energy.started(c.id - 1, Date.now(), this.#p.model.getInt("SampledDataCtrlr.TxUpdatedInterval"));
      station.set(t.state);
      this.#p.emit({
        type: "transactionStarted",
        connectorId: c.id,
        localId,
        idTag: idToken.idToken,
        meterStart,
      });
      return true;
    } finally {
      this.#starting.delete(c.id);
    }
  }

  /**
   * RequestStartTransaction (F01/F02): Accepted for an operative EVSE that is not charging, with the
   * transactionId when one already runs there (begun at the plug); charging follows the answer.
   */
  remoteStart(
    idToken: IdToken,
    remoteStartId: number,
    evseId?: number,
  ): Ocpp201.RequestStartTransactionResponse {
    const { station } = this.#p;
    const free = (id: number) => {
      const c = station.get(id);
      return !!c && station.canStart(c) && !this.#starting.has(id);
    };
    const target = evseId === undefined ? station.all.find((c) => free(c.id))?.id : evseId;
    if (target === undefined || !free(target)) return { status: "Rejected" };
    const existing = this.#running.get(target);
    this.#starting.add(target);
    this.#p.timers.later(0, () => {
      this.#starting.delete(target);
      void this.begin(target, idToken, "remote", { remoteStartId });
    });
    return { status: "Accepted", ...(existing && { transactionId: existing.tx.transactionId }) };
  }

  /** RequestStopTransaction (F03): Rejected for a transaction this station does not run. */
  remoteStop(transactionId: string): "Accepted" | "Rejected" {
    const evseId = this.evseOf(transactionId);
    if (evseId === undefined || this.#running.get(evseId)?.stoppedReason) return "Rejected";
    this.#p.timers.later(0, () => this.stop(evseId, "Remote", "RemoteStop"));
    return "Accepted";
  }

  /**
   * The driver or the CSMS stops: charging ends; the transaction ends now unless TxStopPoint waits for
   * the cable (EVConnected alone), in which case the cable's removal ends it.
   */
  stop(evseId: number, reason: StopReason201, trigger: TriggerReason): boolean {
    const r = this.#running.get(evseId);
    if (!r || r.stoppedReason) return false;
    if (!this.#endsAtStop()) {
      const c = this.#p.station.get(evseId)!;
      r.stoppedReason = reason;
      if (c.phase === "charging") {
        const s = stopTransaction(c, { unplugged: false });
        if (s.ok) {
          this.#p.energy.ended(evseId - 1, false);
          this.#send(evseId, "Updated", trigger, { chargingState: "EVConnected" });
          this.#p.station.set(s.state);
        }
      }
      this.#scheduleUnplug(evseId);
      return true;
    }
    return this.end(evseId, reason, trigger, false);
  }

  /** Ends the transaction on an EVSE; `unplugged`: the car is gone at once (cable, reboot). */
  end(evseId: number, reason: StopReason201, trigger: TriggerReason, unplugged: boolean): boolean {
    const { station, energy } = this.#p;
    const c = station.get(evseId);
    const r = this.#running.get(evseId);
    if (!c || !r) return false;
    const i = evseId - 1;
    let state = c;
    if (c.phase === "charging") {
      const s = stopTransaction(c, { unplugged });
      if (!s.ok) return false;
      state = s.state;
    } else if (unplugged) {
      const u = unplug(c);
      if (u.ok) state = u.state;
    }
    const chargingState: ChargingState = unplugged ? "Idle" : "EVConnected";
    this.#send(evseId, "Ended", trigger, {
      chargingState,
      stoppedReason: r.stoppedReason ?? reason,
      context: "Transaction.End",
    });
    this.#running.delete(evseId);
    const meterStop = registerWh(energy.energyWh(i));
    energy.ended(i, unplugged);
    if (unplugged) energy.released(i);
    station.set(state);
    this.#p.emit({
      type: "transactionStopped",
      connectorId: evseId,
      localId: r.localId,
      transactionId: r.tx.transactionId,
      reason: r.stoppedReason ?? reason,
      meterStop,
      energyWh: meterStop - r.meterStartWh,
    });
    if (!unplugged) this.#scheduleUnplug(evseId);
    return true;
  }

  /** Every transaction ends with the cars gone (a reset). */
  endAll(reason: StopReason201): void {
    for (const id of [...this.#running.keys()]) this.end(id, reason, "ResetCommand", true);
  }

  /** The cable is pulled: a running transaction ends (StopTxOnEVSideDisconnect is true here). */
  unplug(evseId: number): boolean {
    const c = this.#p.station.get(evseId);
    if (!c) return false;
    if (this.#running.has(evseId)) return this.end(evseId, "EVDisconnected", "EVCommunicationLost", true);
    return this.#release(evseId);
  }

  /** UnlockConnector (F05): refused while an authorized transaction runs. */
  unlock(evseId: number, connectorId: number): Ocpp201.UnlockConnectorResponse["status"] {
    const c = this.#p.station.get(evseId);
    if (!c || connectorId !== 1) return "UnknownConnector";
    if (c.phase === "charging") return "OngoingAuthorizedTransaction";
    if (this.#running.has(evseId)) this.end(evseId, "Other", "UnlockCommand", true);
    else this.#release(evseId);
    return "Unlocked";
  }

  setFault(evseId: number, errorCode: Parameters<typeof setFault>[1]): boolean {
    const { station } = this.#p;
    if (!station.get(evseId)) return false;
    if (errorCode !== "NoError" && this.#running.has(evseId)) {
      this.end(evseId, "Other", "AbnormalCondition", false);
    }
    station.set(setFault(station.get(evseId)!, errorCode));
    return true;
  }

  /** The car filled up or the station suspended: the CSMS hears of the new charging state. */
  chargingStateChanged(evseId: number): void {
    const c = this.#p.station.get(evseId);
    if (!c || !this.#running.has(evseId) || c.phase !== "charging") return;
    this.#send(evseId, "Updated", "ChargingStateChanged", { chargingState: chargingStateOf(c) });
  }

  /** A periodic (TxUpdatedInterval) or triggered sample of a running transaction. */
  sample(evseId: number, trigger: "MeterValuePeriodic" | "Trigger"): boolean {
    if (!this.#running.has(evseId)) return false;
    this.#send(evseId, "Updated", trigger, {
      context: trigger === "Trigger" ? "Trigger" : "Sample.Periodic",
    });
    const i = evseId - 1;
    this.#p.emit({
      type: "meterValues",
      connectorId: evseId,
      transactionId: this.#running.get(evseId)!.tx.transactionId,
      socPct: this.#p.energy.car(i)?.socPct,
      powerW: this.#p.energy.powerW(i),
      energyWh: this.#p.energy.energyWh(i),
    });
    return true;
  }

  /** The CSMS's answer to an event: an idToken it does not accept stops the charging (E05, StopTxOnInvalidId). */
  answered(e: TransactionEventRequest, res: Ocpp201.TransactionEventResponse): void {
    if (!e.idToken || !res.idTokenInfo) return;
    this.#p.auth.remember(e.idToken, res.idTokenInfo);
    if (res.idTokenInfo.status === "Accepted") return;
    const evseId = this.evseOf(e.transactionInfo.transactionId);
    if (evseId === undefined) return;
    if (this.#p.model.getBool("TxCtrlr.StopTxOnInvalidId")) {
      this.end(evseId, "DeAuthorized", "Deauthorized", false);
    } else {
      const c = this.#p.station.get(evseId)!;
      this.#p.station.set(setEvseSuspended(c, true));
      this.chargingStateChanged(evseId);
    }
  }

  cancelUnplugs(): void {
    for (const t of this.#unplugTimers.values()) this.#p.timers.cancel(t);
    this.#unplugTimers.clear();
  }

  /** After a reboot nothing runs (endAll has told the CSMS). */
  reboot(): void {
    this.#running.clear();
    this.#starting.clear();
  }

  /** Marks a car full or not; the caller tells the CSMS of the change. */
  setFull(evseId: number, full: boolean): boolean {
    const c = this.#p.station.get(evseId);
    if (!c || c.evFull === full) return false;
    this.#p.station.set(setEvFull(c, full));
    return true;
  }

  #startsAt(point: string): boolean {
    return this.#p.model.getList("TxCtrlr.TxStartPoint").includes(point);
  }

  #endsAtStop(): boolean {
    const points = this.#p.model.getList("TxCtrlr.TxStopPoint");
    return points.includes("Authorized") || points.includes("PowerPathClosed") || points.length === 0;
  }

  #open(
    evseId: number,
    trigger: TriggerReason,
    chargingState: ChargingState,
    o: { idToken?: IdToken; remoteStartId?: number; localId?: number },
  ): void {
    const tx = newTransaction(newTransactionId(), evseId, Date.now(), o);
    this.#running.set(evseId, {
      tx,
      localId: o.localId ?? 0,
      meterStartWh: registerWh(this.#p.energy.energyWh(evseId - 1)),
    });
    this.#send(evseId, "Started", trigger, { chargingState, context: "Transaction.Begin" });
  }

  #send(
    evseId: number,
    eventType: TransactionEventRequest["eventType"],
    trigger: TriggerReason,
    f: { chargingState?: ChargingState; stoppedReason?: StopReason201; context?: Context201 },
  ): void {
    const r = this.#running.get(evseId)!;
    const now = new Date();
    const i = evseId - 1;
    const measurands = f.context === "Transaction.Begin"
      ? this.#p.model.getList("SampledDataCtrlr.TxStartedMeasurands")
      : f.context === "Transaction.End"
      ? this.#p.model.getList("SampledDataCtrlr.TxEndedMeasurands")
      : f.context
      ? this.#p.model.getList("SampledDataCtrlr.TxUpdatedMeasurands")
      : [];
    const c = this.#p.station.get(evseId)!;
    const mv = f.context
      ? meterValue201(this.#p.energy.reading(i, c), measurands, f.context, now.toISOString())
      : undefined;
    const next = transactionEvent(r.tx, eventType, trigger, {
      timestamp: now.toISOString(),
      chargingState: f.chargingState,
      stoppedReason: f.stoppedReason,
      meterValue: mv ? [mv] : undefined,
      offline: !this.#p.online(),
    });
    r.tx = next.tx;
    this.#p.push(next.event);
  }

  #scheduleUnplug(evseId: number): void {
    this.#p.timers.cancel(this.#unplugTimers.get(evseId));
    const t = this.#p.timers.later(this.#o.unplugDelayMs ?? DEFAULTS.unplugDelayMs, () => {
      this.#unplugTimers.delete(evseId);
      this.unplug(evseId);
    });
    this.#unplugTimers.set(evseId, t);
  }

  #release(evseId: number): boolean {
    const { station, energy } = this.#p;
    const c = station.get(evseId);
    if (!c) return false;
    const t = unplug(c);
    if (!t.ok) return false;
    energy.released(evseId - 1);
    station.set(t.state);
    return true;
  }
}
