/**
 * One simulated OCPP 2.0.1 charging station, driven from outside like the 1.6 charge point
 * (ChargePointHandle). simulated_charger.ts gives what both protocols share: connectors (one per EVSE,
 * EVSE n = connector n), energy, the ticker's beat, start, stop and resets. Built on the shared cores
 * too: the link (link.ts), delivery (tx_delivery.ts), status (status_report.ts) and authorization
 * (authorization.ts). The 2.0.1 parts here: the device model, TransactionEvents, Reset OnIdle,
 * TriggerMessage, reports and aligned MeterValues.
 */
import type { ConnectorState } from "../connector.ts";
import type { CarOptions, ChargePointHandle, StopReason } from "../handle.ts";
import { type ChargePointOptions, DEFAULTS, OptionError } from "../options.ts";
import { type ConnectorView, SimulatedCharger } from "../simulated_charger.ts";
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

export class ChargingStation201 extends SimulatedCharger {
  readonly protocol = "2.0.1";
  readonly model: DeviceModel;
  protected readonly status: StatusReport201;
  protected readonly link: CsmsLink201;
  protected readonly delivery: TransactionEventDelivery;
  readonly #auth: Authorizer201;
  readonly #tx: Transactions201;

  /** A Reset OnIdle answered Scheduled: the reboot waits for the last transaction to end. */
  #resetOnIdle = false;

  constructor(options: ChargePointOptions) {
    super(options);
    this.model = stationModel({
      evses: this.station.count,
      maxW: (options.powerKw ?? DEFAULTS.powerKw) * 1000,
      phases: this.energy.supply.phases,
      vendor: options.vendor ?? DEFAULTS.vendor,
      model: options.model ?? DEFAULTS.model,
      securityProfile: options.password ? 1 : 0,
      availability: (id) =>
        id === 0 ? (this.station.chargerOperative ? "Available" : "Unavailable") : this.status.statusOf(id),
    });
    for (const [k, v] of Object.entries(options.config ?? {})) {
      const err = this.model.configure(k, v);
      if (err) throw new OptionError(err);
    }
    const link = this.link = new CsmsLink201(
      options,
      this.model,
      this.linkHooks((session, observe) => installCommandHandlers201(session, this, observe)),
    );
    this.status = new StatusReport201(this.station, this.statusHost(link.fire));
    this.#auth = new Authorizer201(this.model, () => link.sendable(), this.warn);
    this.delivery = new TransactionEventDelivery({
      sendable: () => link.sendable(),
      maxAttempts: () => this.model.getInt("OCPPCommCtrlr.MessageAttempts:TransactionEvent"),
      retryIntervalMs: () =>
        this.model.getInt("OCPPCommCtrlr.MessageAttemptInterval:TransactionEvent") * 1000,
      answered: (e, res) => this.#tx.answered(e, res),
      warn: this.warn,
    });
    this.#tx = new Transactions201(options, {
      station: this.station,
      energy: this.energy,
      model: this.model,
      auth: this.#auth,
      timers: this.timers,
      emit: this.emit,
      push: (e) => this.delivery.push(e),
      online: () => link.canSend(),
      halted: () => this.stopped || this.resetting || this.#resetOnIdle,
    });
    this.model.onChange((key) => this.#onVariableChange(key));
    this.status.sync();
  }

  /** The settings view of ChargePointHandle: device-model variables by `Component.Variable[:Instance]`. */
  get config(): DeviceModel {
    return this.model;
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

  // ---- the commands' view (commands201.ts) ---------------------------------------------------

  remoteStart(
    idToken: IdToken,
    remoteStartId: number,
    evseId?: number,
  ): Ocpp201.RequestStartTransactionResponse {
    if (this.resetting || this.#resetOnIdle) return { status: "Rejected" };
    return this.#tx.remoteStart(idToken, remoteStartId, evseId);
  }

  remoteStop(transactionId: string): "Accepted" | "Rejected" {
    return this.#tx.remoteStop(transactionId);
  }

  reset(type: Ocpp201.ResetRequest["type"], evseId?: number): Ocpp201.ResetResponse["status"] {
    // Resetting a single EVSE is optional (B11.FR.?); this station resets only as a whole.
    if (evseId !== undefined || this.resetting) return "Rejected";
    const busy = this.station.all.some((c) => this.#tx.txOf(c.id) !== undefined);
    if (type === "OnIdle" && busy) {
      this.#resetOnIdle = true;
      return "Scheduled";
    }
    this.resetting = true;
    this.timers.later(0, () => void this.#reboot(type));
    return "Accepted";
  }

  changeAvailability(
    operative: boolean,
    evse?: { id: number; connectorId?: number },
  ): Ocpp201.ChangeAvailabilityResponse["status"] {
    if (!evse) return this.station.changeAvailability(0, operative);
    if (!this.station.get(evse.id) || (evse.connectorId !== undefined && evse.connectorId !== 1)) {
      return "Rejected";
    }
    return this.station.changeAvailability(evse.id, operative);
  }

  unlock(evseId: number, connectorId: number): Ocpp201.UnlockConnectorResponse["status"] {
    return this.#tx.unlock(evseId, connectorId);
  }

  clearCache(): "Accepted" | "Rejected" {
    return this.#auth.clear();
  }

  transactionStatus(transactionId?: string): Ocpp201.GetTransactionStatusResponse {
    if (transactionId === undefined) return { messagesInQueue: this.delivery.queue.has() };
    return {
      ongoingIndicator: this.#tx.evseOf(transactionId) !== undefined,
      messagesInQueue: this.delivery.queue.has(transactionId),
    };
  }

  trigger(
    requested: Ocpp201.TriggerMessageRequest["requestedMessage"],
    evse?: { id: number; connectorId?: number },
  ): Ocpp201.TriggerMessageResponse["status"] {
    if (evse && (!this.station.get(evse.id) || (evse.connectorId !== undefined && evse.connectorId !== 1))) {
      return "Rejected";
    }
    const ids = evse ? [evse.id] : this.station.all.map((c) => c.id);
    const later = (fn: () => void) => {
      this.timers.later(0, fn);
      return "Accepted" as const;
    };
    switch (requested) {
      case "BootNotification":
        // F06.FR.17: a boot already accepted is not sent again on request.
        if (this.link.registration === "Accepted") return "Rejected";
        return later(() => void this.link.boot("Triggered"));
      case "Heartbeat":
        return later(() => this.link.heartbeat(Date.now()));
      case "StatusNotification":
        return later(() => ids.forEach((id) => this.status.send(id, true)));
      case "MeterValues":
        return later(() => ids.forEach((id) => this.#meterValues(id, "Trigger")));
      case "TransactionEvent": {
        const running = ids.filter((id) => this.#tx.txOf(id) !== undefined);
        if (running.length === 0) return "Rejected";
        return later(() => running.forEach((id) => this.#tx.sample(id, "Trigger")));
      }
      case "FirmwareStatusNotification":
        return later(() => this.link.fire("FirmwareStatusNotification", { status: "Idle" }));
      case "LogStatusNotification":
        return later(() => this.link.fire("LogStatusNotification", { status: "Idle" }));
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
    this.timers.later(0, () => {
      pages.forEach((page, seqNo) =>
        this.link.fire("NotifyReport", {
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

  protected resetRetries(): number {
    return this.model.getInt("OCPPCommCtrlr.ResetRetries");
  }

  #reboot(type: Ocpp201.ResetRequest["type"]): Promise<void> {
    this.resetting = true;
    this.#resetOnIdle = false;
    return this.reboot(type, {
      endAll: () => this.#tx.endAll("ImmediateReset"),
      // The Ended events reach the CSMS first when they can.
      drain: true,
      forget: () => {
        this.#tx.reboot();
        this.link.forgetRegistration("RemoteReset");
      },
    });
  }

  /** A MeterValues outside transactions (aligned or triggered), per EVSE, with AlignedDataCtrlr.Measurands. */
  #meterValues(evseId: number, context: "Sample.Clock" | "Trigger"): void {
    const i = evseId - 1;
    const mv = meterValue201(
      this.energy.reading(i, this.station.all[i]),
      this.model.getList("AlignedDataCtrlr.Measurands"),
      context,
      new Date().toISOString(),
    );
    if (mv && this.link.hasSession()) this.link.fire("MeterValues", { evseId, meterValue: [mv] });
  }

  #onVariableChange(key: string): void {
    const now = Date.now();
    if (key === "OCPPCommCtrlr.HeartbeatInterval") this.link.heartbeatIntervalChanged(now);
    if (key === "SampledDataCtrlr.TxUpdatedInterval") {
      const s = this.model.getInt(key);
      this.station.all.forEach((c, i) => this.energy.rescheduleSamples(i, c.phase === "charging", s, now));
    }
  }

  // ---- the protocol's part of the lifetime ---------------------------------------------------

  protected connectorView(c: ConnectorState): ConnectorView {
    return {
      status: this.status.statusOf(c.id),
      transactionId: this.#tx.txOf(c.id)?.transactionId,
      idTag: this.#tx.txOf(c.id)?.idToken?.idToken,
      sessionWh: this.#tx.sessionWh(c.id),
    };
  }

  protected cancelUnplugs(): void {
    this.#tx.cancelUnplugs();
  }

  protected sample(now: number, slackMs: number): void {
    const sampleS = this.model.getInt("SampledDataCtrlr.TxUpdatedInterval");
    this.station.all.forEach((c, i) => {
      if (c.phase !== "charging") return;
      const full = this.energy.charge(i, c.evseSuspended, now);
      if (full !== undefined && this.#tx.setFull(c.id, full)) this.#tx.chargingStateChanged(c.id);
      if (this.energy.sampleDue(i, now, slackMs, sampleS)) this.#tx.sample(c.id, "MeterValuePeriodic");
    });
    if (this.link.canSend() && this.energy.alignedDue(now, this.model.getInt("AlignedDataCtrlr.Interval"))) {
      for (const c of this.station.all) this.#meterValues(c.id, "Sample.Clock");
    }
  }

  protected override afterHeartbeat(): void {
    if (this.#resetOnIdle && !this.resetting && this.station.all.every((c) => !this.#tx.txOf(c.id))) {
      this.resetting = true;
      void this.#reboot("OnIdle");
    }
  }
}

/** Creates and starts one simulated OCPP 2.0.1 charging station. */
export function startChargingStation201(options: ChargePointOptions): ChargePointHandle {
  return new ChargingStation201(options).start();
}
