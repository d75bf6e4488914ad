/**
 * One simulated OCPP 1.6J charge point: its parts, wired together and kept
 * alive together.
 *
 * State lives in pure pieces (station.ts with connector.ts, energy.ts with
 * battery.ts, config_store.ts, tx_queue.ts). link.ts keeps the connection,
 * registration and heartbeats; transactions.ts runs charging sessions;
 * metering.ts and status_report.ts report them; commands.ts and trigger.ts
 * answer the central system. simulated_charger.ts owns their lifetime, the
 * resets and the ticker's beat, alike for both protocols.
 */
import type { Ocpp16, StopReason16 } from "../shared/ocpp/mod.ts";
import { Authorizer } from "./authorization.ts";
import { installCommandHandlers } from "./commands.ts";
import { ConfigStore, coreConfiguration } from "./config_store.ts";
import { type ConnectorState, statusOf } from "./connector.ts";
import type { CarOptions, ChargePointHandle } from "./handle.ts";
import { errorText } from "./events.ts";
import { AUTHORIZATION_KEY } from "../shared/ocpp/authorization_key.ts";
import { FileTransfers } from "./file_transfers.ts";
import { CentralSystemLink, INITIAL_FIRMWARE_VERSION, type Session } from "./link.ts";
import { Metering } from "./metering.ts";
import { SmartCharging } from "./smart_charging.ts";
import { TxSeries } from "./tx_series.ts";
import { type ChargePointOptions, OptionError } from "./options.ts";
import { type ConnectorView, SimulatedCharger } from "./simulated_charger.ts";
import { StatusReport } from "./status_report.ts";
import { Reservations } from "./reservations.ts";
import { Transactions } from "./transactions.ts";
import { sendTriggered, type TriggerRequest, triggerTargets } from "./trigger.ts";
import { TransactionDelivery } from "./tx_delivery.ts";
import { CertificateStore } from "./certificates.ts";
import { ChargePointCertificate } from "./cp_certificate.ts";
import { installSecurityHandlers, SecurityEvents, type SecurityHost } from "./security.ts";
import { ChargingStation201 } from "./ocpp201/station201.ts";

// The handle's types were first declared here; importers of this module still find them.
export type * from "./handle.ts";

export class ChargePoint extends SimulatedCharger {
  readonly protocol = "1.6";
  readonly config: ConfigStore;
  protected readonly status: StatusReport;
  protected readonly link: CentralSystemLink;
  protected readonly delivery: TransactionDelivery;
  readonly #auth: Authorizer;
  readonly #transactions: Transactions;
  readonly #reservations: Reservations;
  readonly #metering: Metering;
  readonly #security: SecurityHost;
  readonly #smart: SmartCharging;
  readonly files: FileTransfers;
  /** Survives reboots; an installed update replaces it. */
  #firmwareVersion = INITIAL_FIRMWARE_VERSION;

  constructor(options: ChargePointOptions) {
    super(options);
    this.config = coreConfiguration({ connectors: this.station.count });
    for (const [k, v] of Object.entries(options.config ?? {})) {
      const err = this.config.set(k, v);
      if (err) throw new OptionError(err);
    }
    const emit = this.emit;
    const hooks = this.linkHooks<Session>((session, observe) => {
      installCommandHandlers(session, this, observe);
      installSecurityHandlers(session, this.#security, observe);
    });
    const link = this.link = new CentralSystemLink(options, this.config, {
      ...hooks,
      // Security events wait for an accepted registration, then go out in order.
      online: () => {
        hooks.online();
        void this.#security.events.flush();
      },
    }, () => this.#firmwareVersion);
    this.#security = this.#securityHost(link);
    this.#security.events.raise("StartupOfTheDevice");
    this.files = new FileTransfers({
      chargerId: this.id,
      timers: this.timers,
      notify: async (action, payload) => {
        const session = link.sendable();
        if (!session) return;
        try {
          await session.call(action, payload);
        } catch (err) {
          this.warn(`${action} failed: ${(err as Error).message}`);
        }
      },
      firmwareVersion: () => this.#firmwareVersion,
      setFirmwareVersion: (v) => this.#firmwareVersion = v,
      configuration: () => this.config.getConfiguration().configurationKey ?? [],
      events: () => this.journal.all(),
      reboot: () => void this.reset("Soft"),
      warn: this.warn,
      installed: (version, bytes, sha256) => this.emit({ type: "firmwareInstalled", version, bytes, sha256 }),
    });
    this.status = new StatusReport(this.station, {
      ...this.statusHost(link.fire),
      afterQueued: (send) => this.delivery.afterDrained(send),
    });
    this.#auth = new Authorizer(this.config, () => link.sendable(), this.warn);
    this.delivery = new TransactionDelivery({
      sendable: () => link.sendable(),
      maxAttempts: () => this.config.getInt("TransactionMessageAttempts"),
      retryIntervalMs: () => this.config.getInt("TransactionMessageRetryInterval") * 1000,
      startAnswered: (m, res) => this.#transactions.startAnswered(m, res),
      stopAnswered: (m, res) => this.#transactions.stopAnswered(m, res),
      warn: this.warn,
    });
    this.#smart = new SmartCharging(this.station, this.energy, this.config, this.warn);
    const series = new TxSeries();
    this.#reservations = new Reservations(this.station, this.config, this.timers, emit);
    this.#transactions = new Transactions(options, {
      station: this.station,
      energy: this.energy,
      config: this.config,
      delivery: this.delivery,
      auth: this.#auth,
      reservations: this.#reservations,
      timers: this.timers,
      emit,
      warn: this.warn,
      halted: () => this.stopped || this.resetting,
      series,
      ended: (id) => this.#smart.transactionEnded(id),
      began: (id, now) => this.#metering.sample(id, "Transaction.Begin", now),
    });
    this.#metering = new Metering(this.station, this.energy, this.config, {
      canSend: () => link.canSend(),
      fire: link.fire,
      push: (m) => this.delivery.push(m),
      emit,
      series,
    });
    this.config.onChange((key, value) => this.#onConfigChange(key, value));
    this.status.sync();
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

  // ---- the commands' view (commands.ts) ------------------------------------------------------

  get connectorCount(): number {
    return this.station.count;
  }

  remoteStart(
    idTag: string,
    connectorId?: number,
    profile?: Ocpp16.RemoteStartTransactionRequest["chargingProfile"],
  ): "Accepted" | "Rejected" {
    if (this.resetting) return "Rejected";
    const problem = profile && this.#smart.remoteStartProblem(profile);
    if (problem) {
      this.warn(`RemoteStartTransaction refused: ${problem}`);
      return "Rejected";
    }
    // The profile governs from the transaction's first reading on: Transaction.Begin already shows the offer.
    const started = profile && ((id: number) => {
      const now = Date.now();
      this.#smart.transactionStarted(id, profile, now);
      this.#applyLimits(now);
    });
    return this.#transactions.remoteStart(idTag, connectorId, started);
  }

  setChargingProfile(req: Ocpp16.SetChargingProfileRequest): "Accepted" | "Rejected" {
    const status = this.#smart.set(req, Date.now());
    if (status === "Accepted") this.#limitsChanged();
    return status;
  }

  clearChargingProfile(req: Ocpp16.ClearChargingProfileRequest): "Accepted" | "Unknown" {
    const status = this.#smart.clear(req);
    if (status === "Accepted") this.#limitsChanged();
    return status;
  }

  getCompositeSchedule(req: Ocpp16.GetCompositeScheduleRequest): Ocpp16.GetCompositeScheduleResponse {
    return this.#smart.composite(req, Date.now());
  }

  /** New limits apply right after the answer, not at the next beat. */
  #limitsChanged(): void {
    this.timers.later(0, () => this.#applyLimits(Date.now()));
  }

  #applyLimits(now: number): void {
    this.#smart.apply(now, (connectorId, offeredW, began) => {
      // 1.6 has no context for a new limit: "Other" tells it from the periodic samples.
      if (!began) this.#metering.sample(connectorId, "Other", now);
      this.emit({ type: "limit", connectorId, offeredW, maxW: this.energy.maxW });
    });
  }

  remoteStop(transactionId: number): "Accepted" | "Rejected" {
    return this.#transactions.remoteStop(transactionId);
  }

  reset(kind: "Soft" | "Hard"): "Accepted" | "Rejected" {
    if (this.resetting) return "Rejected";
    this.resetting = true;
    this.timers.later(0, () =>
      void this.reboot(kind, {
        endAll: () => this.#transactions.endAll(kind === "Hard" ? "HardReset" : "SoftReset"),
        // A soft reset lets the Stops reach the central system first.
        drain: kind === "Soft",
        forget: () => {
          this.link.forgetRegistration();
          // Queued until the boot after it is accepted: the event belongs to the rebooted charge point.
          this.#security.events.raise("ResetOrReboot", `${kind} reset by the central system`);
        },
      }));
    return "Accepted";
  }

  changeAvailability(connectorId: number, operative: boolean): "Accepted" | "Rejected" | "Scheduled" {
    return this.station.changeAvailability(connectorId, operative);
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
    const ids = triggerTargets(connectorId, this.station.count);
    if (!ids) return "Rejected";
    this.timers.later(0, () =>
      sendTriggered(requested, ids, {
        boot: () => this.link.boot(),
        heartbeat: (now) => this.link.heartbeat(now),
        sendStatus: (id) => this.status.send(id, true),
        sample: (id, context, now) => this.#metering.sample(id, context, now),
        fire: this.link.fire,
        firmwareStatus: () => this.files.firmwareStatus(),
        diagnosticsStatus: () => this.files.diagnosticsStatus(),
      }));
    return "Accepted";
  }

  reserveNow(req: Ocpp16.ReserveNowRequest): Ocpp16.ReserveNowResponse["status"] {
    if (this.resetting) return "Rejected";
    return this.#reservations.reserve(req);
  }

  cancelReservation(reservationId: number): "Accepted" | "Rejected" {
    return this.#reservations.cancel(reservationId);
  }

  /** SendLocalList: NotSupported while LocalAuthListEnabled is false. */
  sendLocalList(req: Ocpp16.SendLocalListRequest): Ocpp16.SendLocalListResponse["status"] {
    if (!this.config.getBool("LocalAuthListEnabled")) return "NotSupported";
    return this.#auth.list.apply(req, {
      maxEntries: this.config.getInt("LocalAuthListMaxLength"),
      maxPerMessage: this.config.getInt("SendLocalListMaxLength"),
    });
  }

  localListVersion(): number {
    return this.#auth.list.version;
  }

  // ---- the protocol's part of the lifetime ---------------------------------------------------

  protected connectorView(c: ConnectorState): ConnectorView {
    return {
      status: statusOf(c, this.station.chargerOperative),
      transactionId: c.tx?.transactionId,
      idTag: c.tx?.idTag,
      sessionWh: c.tx ? this.energy.energyWh(c.id - 1) - c.tx.meterStartWh : undefined,
    };
  }

  protected resetRetries(): number {
    return this.config.getInt("ResetRetries");
  }

  /** Connector 0 shows Faulted (InternalError) and nothing starts until a reset gets through. */
  protected override resetGaveUp(): void {
    this.station.setChargerFault("InternalError");
  }

  protected cancelUnplugs(): void {
    this.#transactions.cancelUnplugs();
  }

  protected sample(now: number, slackMs: number): void {
    this.#applyLimits(now);
    this.#metering.tick(now, slackMs);
  }

  #securityHost(link: CentralSystemLink): SecurityHost {
    const ownCertificate = new ChargePointCertificate();
    return {
      certificates: new CertificateStore(() => this.config.getInt("CertificateStoreMaxLength")),
      ownCertificate,
      events: new SecurityEvents(() => {
        const session = link.sendable();
        return session && ((event) => session.call("SecurityEventNotification", event));
      }, this.warn),
      trigger: (requested, connectorId) => this.trigger(requested, connectorId),
      logStatus: () => this.timers.later(0, () => link.fire("LogStatusNotification", this.files.logStatus())),
      signCertificate: () =>
        this.timers.later(0, async () => {
          try {
            const csr = await ownCertificate.request(this.id, this.config.get("CpoName") ?? "");
            const res = await link.sendable()?.call("SignCertificate", { csr });
            if (res?.status !== "Accepted") {
              this.warn(`SignCertificate: ${res?.status ?? "not sent, offline"}`);
            }
          } catch (err) {
            this.warn(`SignCertificate failed: ${errorText(err)}`);
          }
        }),
    };
  }

  #onConfigChange(key: string, value: string): void {
    const now = Date.now();
    if (key === AUTHORIZATION_KEY) {
      this.#security.events.raise("ReconfigurationOfSecurityParameters", "AuthorizationKey changed");
    }
    if (key === "HeartbeatInterval") this.link.heartbeatIntervalChanged(now);
    if (key === "MeterValueSampleInterval") this.#metering.sampleIntervalChanged(Number(value), now);
    // Off means off: what was cached before is not trusted later either.
    if (key === "AuthorizationCacheEnabled" && value === "false") this.#auth.clear();
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
