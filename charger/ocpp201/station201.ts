/**
 * One simulated OCPP 2.0.1 charging station: its parts, wired together and kept alive together, driven
 * from outside like the 1.6 charge point (ChargePointHandle).
 *
 * Protocol-neutral pieces are shared with 1.6: the connector state machine and Station (one connector
 * per EVSE, EVSE n = connector n), the CC-CV battery and energy registers, the ticker, timers and the
 * reconnecting socket. The 2.0.1 parts: the device model, the link (boot, heartbeat), TransactionEvents
 * with their queue, StatusNotification, and the answers to the CSMS.
 */
import { redactValue } from "../../shared/ocpp/redact.ts";
import { AutoDrivers } from "../auto.ts";
import { Energy } from "../energy.ts";
import { type Emit, eventEmitter, type Warn, warner } from "../events.ts";
import type { CarOptions, ChargePointHandle, ChargePointSnapshot, StopReason } from "../handle.ts";
import { type ChargePointOptions, checkChargePointOptions, DEFAULTS, OptionError } from "../options.ts";
import { Station } from "../station.ts";
import { Ticker } from "../ticker.ts";
import { Timers } from "../timers.ts";
import { Authorizer201 } from "./auth201.ts";
import { installCommandHandlers201 } from "./commands201.ts";
import { type DeviceModel, reportPages, stationModel } from "./device_model.ts";
import { TransactionEventDelivery } from "./delivery201.ts";
import { CsmsLink201 } from "./link201.ts";
import { meterValue201 } from "./meter201.ts";
import { StatusReport201 } from "./status201.ts";
import { Transactions201 } from "./transactions201.ts";
import type { IdToken, Ocpp201, ReportData, StopReason201 } from "./types.ts";

/** What a NotifyReport's envelope adds to its report data, kept free under BytesPerMessage. */
const REPORT_ENVELOPE_BYTES = 200;

/** 1.6 reasons a caller may still pass to stopLocal, in 2.0.1's words. */
function reason201(r: StopReason): StopReason201 {
  switch (r) {
    case "HardReset":
    case "SoftReset":
      return "ImmediateReset";
    case "UnlockCommand":
      return "Other";
    default:
      return r as StopReason201;
  }
}

export class ChargingStation201 implements ChargePointHandle {
  readonly id: string;
  readonly protocol = "2.0.1";
  readonly model: DeviceModel;
  readonly #o: ChargePointOptions;
  readonly #emit: Emit;
  readonly #warn: Warn;
  readonly #ticker: Ticker;
  readonly #timers = new Timers();
  readonly #station: Station;
  readonly #energy: Energy;
  readonly #status: StatusReport201;
  readonly #link: CsmsLink201;
  readonly #auth: Authorizer201;
  readonly #delivery: TransactionEventDelivery;
  readonly #tx: Transactions201;
  readonly #auto?: AutoDrivers;

  #untick?: () => void;
  #started = false;
  #stopped = false;
  #resetting = false;
  /** A Reset OnIdle answered Scheduled: the reboot waits for the last transaction to end. */
  #resetOnIdle = false;
  #reportSeq = Promise.resolve();

  constructor(options: ChargePointOptions) {
    checkChargePointOptions(options);
    this.#o = options;
    this.id = options.id;
    const n = options.connectors ?? DEFAULTS.connectors;
    const maxW = (options.powerKw ?? DEFAULTS.powerKw) * 1000;
    this.#energy = new Energy(n, maxW);
    this.#station = new Station(n, () => this.#status.sync());
    this.model = stationModel({
      evses: n,
      maxW,
      phases: this.#energy.supply.phases,
      vendor: options.vendor ?? DEFAULTS.vendor,
      model: options.model ?? DEFAULTS.model,
      securityProfile: options.password ? 1 : 0,
      availability: (id) =>
        id === 0 ? (this.#station.chargerOperative ? "Available" : "Unavailable") : this.#status.statusOf(id),
    });
    for (const [k, v] of Object.entries(options.config ?? {})) {
      const err = this.model.configure(k, v);
      if (err) throw new OptionError(err);
    }
    this.#emit = eventEmitter(options.id, options);
    this.#warn = warner(this.#emit);
    const emit = this.#emit;
    this.#link = new CsmsLink201(options, this.model, {
      opened: (session) =>
        installCommandHandlers201(session, this, (action, request, response) =>
          emit({
            type: "command",
            action,
            request: redactValue(request).value,
            response: redactValue(response).value,
          })),
      online: () => {
        this.#delivery.pump();
        this.#status.sync();
      },
      lost: () => {
        this.#delivery.connectionLost();
        this.#status.forgetSent();
      },
      emit,
      warn: this.#warn,
    });
    const link = this.#link;
    this.#status = new StatusReport201(this.#station, {
      canSend: () => link.canSend(),
      hasSession: () => link.hasSession(),
      fire: link.fire,
      emit,
    });
    this.#auth = new Authorizer201(this.model, () => link.sendable(), this.#warn);
    this.#delivery = new TransactionEventDelivery({
      sendable: () => link.sendable(),
      maxAttempts: () => this.model.getInt("OCPPCommCtrlr.MessageAttempts:TransactionEvent"),
      retryIntervalMs: () =>
        this.model.getInt("OCPPCommCtrlr.MessageAttemptInterval:TransactionEvent") * 1000,
      answered: (e, res) => this.#tx.answered(e, res),
      warn: this.#warn,
    });
    this.#tx = new Transactions201(options, {
      station: this.#station,
      energy: this.#energy,
      model: this.model,
      auth: this.#auth,
      timers: this.#timers,
      emit,
      push: (e) => this.#delivery.push(e),
      online: () => link.canSend(),
      halted: () => this.#stopped || this.#resetting || this.#resetOnIdle,
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
    this.model.onChange((key) => this.#onVariableChange(key));
    this.#status.sync();
  }

  /** The settings view of ChargePointHandle: device-model variables by `Component.Variable[:Instance]`. */
  get config(): DeviceModel {
    return this.model;
  }

  get vendor(): string {
    return this.#o.vendor ?? DEFAULTS.vendor;
  }

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
    this.#tx.cancelUnplugs();
    this.#delivery.stop();
    await this.#link.stop();
  }

  snapshot(): ChargePointSnapshot {
    const energy = this.#energy;
    return {
      id: this.id,
      protocol: "2.0.1",
      online: this.#link.online,
      registration: this.#link.registration,
      connectors: this.#station.all.map((c, i) => ({
        connectorId: c.id,
        status: this.#status.statusOf(c.id),
        errorCode: c.errorCode,
        transactionId: this.#tx.txOf(c.id)?.transactionId,
        idTag: this.#tx.txOf(c.id)?.idToken?.idToken,
        socPct: energy.car(i)?.socPct,
        powerW: energy.powerW(i),
        energyWh: energy.energyWh(i),
        sessionWh: this.#tx.sessionWh(c.id),
      })),
      queued: this.#delivery.size,
      framesIn: this.#link.framesIn,
      framesOut: this.#link.framesOut,
    };
  }

  // ---- driving from outside ------------------------------------------------------------------

  plugIn(connectorId: number, car?: CarOptions): boolean {
    return this.#tx.plugIn(connectorId, car);
  }

  startLocal(connectorId: number, idTag: string, car?: CarOptions): Promise<boolean> {
    return this.#tx.begin(connectorId, { idToken: idTag, type: "ISO14443" }, "local", { car });
  }

  stopLocal(connectorId: number, reason: StopReason = "Local"): boolean {
    return this.#tx.stop(connectorId, reason201(reason), "StopAuthorized");
  }

  unplug(connectorId: number): boolean {
    return this.#tx.unplug(connectorId);
  }

  setFault(connectorId: number, errorCode: Parameters<ChargePointHandle["setFault"]>[1]): boolean {
    return this.#tx.setFault(connectorId, errorCode);
  }

  whenDrained(timeoutMs = 10_000): Promise<boolean> {
    return this.#delivery.whenDrained(timeoutMs);
  }

  // ---- the commands' view (commands201.ts) ---------------------------------------------------

  remoteStart(
    idToken: IdToken,
    remoteStartId: number,
    evseId?: number,
  ): Ocpp201.RequestStartTransactionResponse {
    if (this.#resetting || this.#resetOnIdle) return { status: "Rejected" };
    return this.#tx.remoteStart(idToken, remoteStartId, evseId);
  }

  remoteStop(transactionId: string): "Accepted" | "Rejected" {
    return this.#tx.remoteStop(transactionId);
  }

  reset(type: Ocpp201.ResetRequest["type"], evseId?: number): Ocpp201.ResetResponse["status"] {
    // Resetting a single EVSE is optional (B11.FR.?); this station resets only as a whole.
    if (evseId !== undefined || this.#resetting) return "Rejected";
    const busy = this.#station.all.some((c) => this.#tx.txOf(c.id) !== undefined);
    if (type === "OnIdle" && busy) {
      this.#resetOnIdle = true;
      return "Scheduled";
    }
    this.#resetting = true;
    this.#timers.later(0, () => void this.#reboot(type));
    return "Accepted";
  }

  changeAvailability(
    operative: boolean,
    evse?: { id: number; connectorId?: number },
  ): Ocpp201.ChangeAvailabilityResponse["status"] {
    if (!evse) return this.#station.changeAvailability(0, operative);
    if (!this.#station.get(evse.id) || (evse.connectorId !== undefined && evse.connectorId !== 1)) {
      return "Rejected";
    }
    return this.#station.changeAvailability(evse.id, operative);
  }

  unlock(evseId: number, connectorId: number): Ocpp201.UnlockConnectorResponse["status"] {
    return this.#tx.unlock(evseId, connectorId);
  }

  clearCache(): "Accepted" | "Rejected" {
    return this.#auth.clear();
  }

  transactionStatus(transactionId?: string): Ocpp201.GetTransactionStatusResponse {
    if (transactionId === undefined) return { messagesInQueue: this.#delivery.queue.has() };
    return {
      ongoingIndicator: this.#tx.evseOf(transactionId) !== undefined,
      messagesInQueue: this.#delivery.queue.has(transactionId),
    };
  }

  trigger(
    requested: Ocpp201.TriggerMessageRequest["requestedMessage"],
    evse?: { id: number; connectorId?: number },
  ): Ocpp201.TriggerMessageResponse["status"] {
    if (evse && (!this.#station.get(evse.id) || (evse.connectorId !== undefined && evse.connectorId !== 1))) {
      return "Rejected";
    }
    const ids = evse ? [evse.id] : this.#station.all.map((c) => c.id);
    const later = (fn: () => void) => {
      this.#timers.later(0, fn);
      return "Accepted" as const;
    };
    switch (requested) {
      case "BootNotification":
        // F06.FR.17: a boot already accepted is not sent again on request.
        if (this.#link.registration === "Accepted") return "Rejected";
        return later(() => void this.#link.boot("Triggered"));
      case "Heartbeat":
        return later(() => this.#link.heartbeat(Date.now()));
      case "StatusNotification":
        return later(() => ids.forEach((id) => this.#status.send(id, true)));
      case "MeterValues":
        return later(() => ids.forEach((id) => this.#meterValues(id, "Trigger")));
      case "TransactionEvent": {
        const running = ids.filter((id) => this.#tx.txOf(id) !== undefined);
        if (running.length === 0) return "Rejected";
        return later(() => running.forEach((id) => this.#tx.sample(id, "Trigger")));
      }
      case "FirmwareStatusNotification":
        return later(() => this.#link.fire("FirmwareStatusNotification", { status: "Idle" }));
      case "LogStatusNotification":
        return later(() => this.#link.fire("LogStatusNotification", { status: "Idle" }));
      default:
        return "NotImplemented";
    }
  }

  /** NotifyReport pages, in order, after the answer that announced them (B07.FR.?, seqNo from 0). */
  sendReport(requestId: number, items: ReportData[]): void {
    const pages = reportPages(
      items,
      this.model.getInt("DeviceDataCtrlr.ItemsPerMessage:GetReport"),
      this.model.getInt("DeviceDataCtrlr.BytesPerMessage:GetReport") - REPORT_ENVELOPE_BYTES,
    );
    const generatedAt = new Date().toISOString();
    this.#timers.later(0, () => {
      pages.forEach((page, seqNo) =>
        this.#link.fire("NotifyReport", {
          requestId,
          generatedAt,
          seqNo,
          ...(seqNo < pages.length - 1 && { tbc: true }),
          reportData: page as Ocpp201.NotifyReportRequest["reportData"],
        })
      );
    });
  }

  // ---- lifecycle -------------------------------------------------------------------------------

  async #reboot(type: Ocpp201.ResetRequest["type"]): Promise<void> {
    this.#resetting = true;
    this.#resetOnIdle = false;
    this.#emit({ type: "reset", kind: type });
    this.#tx.endAll("ImmediateReset");
    // The Ended events reach the CSMS first when they can; whatever is left survives the reboot.
    await this.whenDrained(5_000);
    if (this.#stopped) return;
    this.#tx.cancelUnplugs();
    this.#tx.reboot();
    this.#link.forgetRegistration("RemoteReset");
    this.#station.reboot();
    this.#energy.reboot();
    await this.#link.reconnect(this.#o.rebootDelayMs ?? DEFAULTS.rebootDelayMs, "reboot");
    this.#resetting = false;
    this.#status.sync();
  }

  /** A MeterValues outside transactions (aligned or triggered), per EVSE, with AlignedDataCtrlr.Measurands. */
  #meterValues(evseId: number, context: "Sample.Clock" | "Trigger"): void {
    const i = evseId - 1;
    const mv = meterValue201(
      this.#energy.reading(i, this.#station.all[i]),
      this.model.getList("AlignedDataCtrlr.Measurands"),
      context,
      new Date().toISOString(),
    );
    if (mv && this.#link.hasSession()) this.#link.fire("MeterValues", { evseId, meterValue: [mv] });
  }

  #onVariableChange(key: string): void {
    const now = Date.now();
    if (key === "OCPPCommCtrlr.HeartbeatInterval") this.#link.heartbeatIntervalChanged(now);
    if (key === "SampledDataCtrlr.TxUpdatedInterval") {
      const s = this.model.getInt(key);
      this.#station.all.forEach((c, i) => this.#energy.rescheduleSamples(i, c.phase === "charging", s, now));
    }
  }

  #tick(now: number): void {
    if (this.#stopped) return;
    const half = this.#ticker.intervalMs / 2;
    const sampleS = this.model.getInt("SampledDataCtrlr.TxUpdatedInterval");
    this.#station.all.forEach((c, i) => {
      if (c.phase !== "charging") return;
      const full = this.#energy.charge(i, c.evseSuspended, now);
      if (full !== undefined && this.#tx.setFull(c.id, full)) this.#tx.chargingStateChanged(c.id);
      if (this.#energy.sampleDue(i, now, half, sampleS)) this.#tx.sample(c.id, "MeterValuePeriodic");
    });
    if (
      this.#link.canSend() && this.#energy.alignedDue(now, this.model.getInt("AlignedDataCtrlr.Interval"))
    ) {
      for (const c of this.#station.all) this.#meterValues(c.id, "Sample.Clock");
    }
    if (this.#link.heartbeatDue(now, half)) this.#link.heartbeat(now);
    if (this.#resetOnIdle && !this.#resetting && this.#station.all.every((c) => !this.#tx.txOf(c.id))) {
      this.#resetting = true;
      void this.#reboot("OnIdle");
    }
    if (this.#auto && !this.#resetting) {
      this.#auto.step(now, (id) => this.#station.all[id - 1].phase, (id, action) => {
        if (action.type === "arrive") {
          void this.#tx.begin(id, { idToken: action.idTag, type: "ISO14443" }, "local", {
            car: { socPct: action.socPct },
          });
        } else if (action.how === "Local") this.stopLocal(id, "Local");
        else this.unplug(id);
      });
    }
  }
}

/** Creates and starts one simulated OCPP 2.0.1 charging station. */
export function startChargingStation201(options: ChargePointOptions): ChargePointHandle {
  return new ChargingStation201(options).start();
}
