/**
 * What every protocol adapter records the same way once it has mapped its wire shapes into the domain: a
 * boot, a connector's status, meter samples, and a transaction's start with the orphans it supersedes.
 * Each step stores and publishes; the adapter decides what to answer and where its answer waits for a
 * write's `durable` (csms/ocpp16/handlers.ts explains where and why).
 */
import type { ChargerIdentity, MeterSample, StatusReport } from "../shared/domain.ts";
import { CSMS_STOP_REASONS } from "../shared/domain.ts";
import type { MeterValuesReceived } from "../shared/events.ts";
import type { ActiveTransaction, CsmsStorage, StartTransaction, Written } from "../shared/storage.ts";
import { type BootAnswer, bootAnswer, type BootSettings } from "./boot_status.ts";
import { isoNow } from "./clock.ts";
import type { EventSink } from "./event_sink.ts";
import type { IdTagAuthorizer } from "./id_tag_auth.ts";
import { supersededStopTime } from "./orphans.ts";
import type { VendorHandler } from "./protocol.ts";

export interface RecordingServices {
  config: BootSettings;
  storage: CsmsStorage;
  sink: EventSink;
}

/** What a protocol adapter's handlers are built from: the recorder's services, id tokens, DataTransfer vendors. */
export interface HandlerServices extends RecordingServices {
  auth: IdTagAuthorizer;
  vendors: ReadonlyMap<string, VendorHandler>;
}

export interface Recorder {
  /**
   * Answers a BootNotification by the charger's registration (csms/boot_status.ts). Only an Accepted boot
   * is recorded and published; a Pending or Rejected one is logged (with `logged`), so that the operator
   * sees the charger waiting.
   */
  boot(
    chargerId: string,
    identity: ChargerIdentity,
    at: string,
    logged: Record<string, unknown>,
  ): Promise<BootAnswer>;
  /** Stores a connector's status and publishes it. */
  status(chargerId: string, report: StatusReport, connectorId: number): Promise<void>;
  /**
   * Stores and publishes samples; a replay is stored and published once. Resolves once they are queued,
   * with `durable` for whoever must wait for them; undefined when there were none.
   */
  meterValues(
    chargerId: string,
    evseId: number,
    transactionId: number | undefined,
    samples: readonly MeterSample[],
  ): Promise<Written<MeterSample[]> | undefined>;
  /**
   * Opens a transaction and closes the ones still open on its EVSE as Superseded: an EVSE runs one
   * transaction at a time (a charger refuses a remote start on a busy one, OCPP 1.6 CTT TC_026_CS), so a
   * new start there means the charger ended the older one without a stop we got (lost, or never sent after
   * a reboot); closed with its last meter reading, it cannot stay active forever. Resolves once the start
   * and the closes are on disk — the charger must not learn an id a crash could lose — and published.
   */
  startTransaction(start: StartTransaction): Promise<ActiveTransaction>;
}

export function createRecorder(svc: RecordingServices): Recorder {
  const { storage, sink } = svc;
  const now = isoNow;
  return {
    async boot(chargerId, identity, at, logged) {
      const answer = bootAnswer(await storage.registrations.find(chargerId), svc.config);
      if (answer.status !== "Accepted") {
        sink.log(chargerId, `charger.boot.${answer.status.toLowerCase()}`, at, {
          ...logged,
          vendor: identity.vendor,
          model: identity.model,
          interval: answer.interval,
        });
        return answer;
      }
      await storage.chargers.booted(chargerId, identity, at);
      sink.emit({
        type: "charger.boot",
        chargerId,
        at,
        vendor: identity.vendor,
        model: identity.model,
        ...(identity.firmwareVersion !== undefined && { firmwareVersion: identity.firmwareVersion }),
        ...(identity.serialNumber !== undefined && { serialNumber: identity.serialNumber }),
      });
      return answer;
    },

    async status(chargerId, report, connectorId) {
      const at = now();
      await storage.chargers.status(chargerId, report, at);
      sink.emit({
        type: "connector.status",
        chargerId,
        at,
        evseId: report.evseId,
        connectorId,
        status: report.status,
        ...(report.chargingState !== undefined && { chargingState: report.chargingState }),
        ...(report.errorCode !== undefined && { errorCode: report.errorCode }),
        ...(report.info !== undefined && { info: report.info }),
        original: report.original,
      });
    },

    async meterValues(chargerId, evseId, transactionId, samples) {
      if (samples.length === 0) return undefined;
      const written = await storage.meter.append(chargerId, evseId, transactionId, samples, Date.now());
      const fresh = written.value;
      if (fresh.length === 0) return written;
      // Built field by field: a spread of a conditional object costs a temporary object per MeterValues.
      const event: MeterValuesReceived = {
        type: "meter.values",
        chargerId,
        at: now(),
        evseId,
        samples: fresh,
      };
      if (transactionId !== undefined) event.transactionId = transactionId;
      sink.emit(event);
      return written;
    },

    async startTransaction(start) {
      const orphans = start.evseId === 0
        ? []
        : await storage.transactions.activeOn(start.chargerId, start.evseId);
      const started = await storage.transactions.start(start);
      const tx = started.value;
      const closedAt = now();
      const superseded = await Promise.all(orphans.map((old) =>
        storage.transactions.close(old.id, {
          reason: CSMS_STOP_REASONS.superseded,
          stoppedAt: supersededStopTime(old.startedAt, start.startedAt),
          closedAt,
          supersededBy: tx.id,
        })
      ));
      await started.durable;
      for (const old of superseded) {
        if (!old) continue;
        await old.durable;
        sink.transactionStopped(old.value, now());
      }
      sink.emit({
        type: "transaction.started",
        chargerId: start.chargerId,
        at: now(),
        transactionId: tx.id,
        chargerTransactionId: tx.chargerTransactionId,
        evseId: tx.evseId,
        connectorId: tx.connectorId,
        idTag: tx.idTag,
        meterStartWh: tx.meterStartWh,
        startedAt: tx.startedAt,
      });
      return tx;
    },
  };
}
