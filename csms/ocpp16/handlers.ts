/**
 * What the CSMS answers to each OCPP 1.6 CALL a charge point sends. Payloads
 * arrive already validated against the schemas by the RPC session; every
 * handler maps the wire shape to domain records, records them in storage and
 * answers, waiting for `durable` where a crash after the answer must not lose
 * the write.
 */
import type { ChargePointActions16, IdTagInfo16, MeterValue16, Ocpp16 } from "../../shared/ocpp/actions16.ts";
import type { IdTokenVerdict } from "../../shared/domain.ts";
import type { MeterValuesReceived } from "../../shared/events.ts";
import { CSMS_STOP_REASONS } from "../../shared/domain.ts";
import { HandlerTable } from "../../shared/ocpp/rpc.ts";
import type { CsmsStorage } from "../../shared/storage.ts";
import type { IdTagAuthorizer } from "../id_tag_auth.ts";
import type { CsmsConfig } from "../config.ts";
import type { EventSink } from "../event_sink.ts";
import { bootAnswer } from "../boot_status.ts";
import { isoNow } from "../clock.ts";
import { supersededStopTime } from "../orphans.ts";
import { chargerIdentity16 } from "./identity.ts";
import { toMeterSamples } from "./meter.ts";
import { chargerOf } from "./session.ts";
import { statusReport16 } from "./status.ts";

/** Answers a DataTransfer for one vendorId; without one registered, the CSMS answers UnknownVendorId. */
export type VendorHandler = (
  request: Ocpp16.DataTransferRequest,
  chargerId: string,
) => Ocpp16.DataTransferResponse | Promise<Ocpp16.DataTransferResponse>;

export interface HandlerServices {
  config: Pick<CsmsConfig, "heartbeatInterval" | "bootRetryInterval" | "chargerPolicy">;
  storage: CsmsStorage;
  auth: IdTagAuthorizer;
  sink: EventSink;
  vendors: ReadonlyMap<string, VendorHandler>;
}

/** 1.6's idTagInfo is the verdict itself: the same fields. */
function idTagInfo(verdict: IdTokenVerdict): IdTagInfo16 {
  return { ...verdict };
}

/** 1.6 connector n is EVSE n (connector 1); connector 0 is EVSE 0 (connector 0). */
function connectorOfEvse(evseId: number): number {
  return evseId === 0 ? 0 : 1;
}

/** The CSMS's answers to every 1.6 CALL, built once and shared by every charger's session. */
export function createHandlers16(svc: HandlerServices): HandlerTable<ChargePointActions16> {
  const { storage, auth, sink } = svc;
  const now = isoNow;
  /**
   * Stores and publishes samples; a replay is stored and published once. Resolves once they are queued
   * (with `durable` for whoever must wait for them).
   */
  const meterValues = async (
    chargerId: string,
    evseId: number,
    transactionId: number | undefined,
    values: MeterValue16[],
  ) => {
    const samples = toMeterSamples(values);
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
  };

  return new HandlerTable<ChargePointActions16>()
    .handle("BootNotification", async (req, ctx) => {
      const chargerId = chargerOf(ctx);
      const at = now();
      const identity = chargerIdentity16(req);
      // Admission is the handshake's (csms/charger_access.ts); what the boot is answered is the registration's.
      // While Pending or Rejected, OCPP 1.6 (§4.2) has the charge point send nothing unasked; what one sends
      // all the same is answered as always (1.6 gives the Central System no error for it).
      const answer = bootAnswer(await storage.registrations.find(chargerId), svc.config);
      if (answer.status !== "Accepted") {
        // Not a boot the charger works under yet: noted, so that the operator sees it waiting.
        sink.log(chargerId, `charger.boot.${answer.status.toLowerCase()}`, at, {
          vendor: identity.vendor,
          model: identity.model,
          interval: answer.interval,
        });
        return { status: answer.status, currentTime: at, interval: answer.interval };
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
      return { status: "Accepted", currentTime: at, interval: answer.interval };
    })
    .handle("Heartbeat", (_req, ctx) => {
      const chargerId = chargerOf(ctx);
      const at = now();
      sink.emit({ type: "charger.heartbeat", chargerId, at });
      return { currentTime: at };
    })
    .handle("StatusNotification", async (req, ctx) => {
      const chargerId = chargerOf(ctx);
      const at = now();
      const report = statusReport16(req);
      await storage.chargers.status(chargerId, report, at);
      sink.emit({
        type: "connector.status",
        chargerId,
        at,
        evseId: report.evseId,
        connectorId: report.connectorId ?? connectorOfEvse(report.evseId),
        status: report.status,
        ...(report.chargingState !== undefined && { chargingState: report.chargingState }),
        ...(report.errorCode !== undefined && { errorCode: report.errorCode }),
        ...(report.info !== undefined && { info: report.info }),
        original: report.original,
      });
      return {};
    })
    .handle("Authorize", async (req, ctx) => {
      const chargerId = chargerOf(ctx);
      const verdict = await auth.authorize(req.idTag);
      sink.log(chargerId, "id.authorize", now(), { idTag: req.idTag, status: verdict.status });
      return { idTagInfo: idTagInfo(verdict) };
    })
    .handle("StartTransaction", async (req, ctx) => {
      const chargerId = chargerOf(ctx);
      const verdict = await auth.authorize(req.idTag);
      const evseId = req.connectorId;
      const start = {
        chargerId,
        evseId,
        connectorId: connectorOfEvse(evseId),
        idTag: req.idTag,
        meterStartWh: req.meterStart,
        startedAt: req.timestamp,
      };
      // The transaction is recorded even when the tag is refused: the charger has started it and will stop it.
      const resent = await storage.transactions.findResentStart(start);
      if (resent) return { transactionId: resent.id, idTagInfo: idTagInfo(verdict) };
      // A connector runs one transaction at a time (a charge point refuses a RemoteStart on a busy one,
      // OCPP 1.6 CTT TC_026_CS). A new start on it means the charger has ended the older one without a
      // StopTransaction we got (lost, or never sent after a reboot): closed here as Superseded, with its
      // last meter reading, so that it cannot stay active forever. The new start is answered as always:
      // a Central System cannot refuse one, only its idTag.
      const orphans = await storage.transactions.activeOn(chargerId, evseId);
      const started = await storage.transactions.start({
        ...start,
        authStatus: verdict.status,
        ...(req.reservationId !== undefined && { reservationId: req.reservationId }),
      });
      const tx = started.value;
      const closedAt = now();
      const superseded = await Promise.all(orphans.map((old) =>
        storage.transactions.close(old.id, {
          reason: CSMS_STOP_REASONS.superseded,
          stoppedAt: supersededStopTime(old.startedAt, req.timestamp),
          closedAt,
          supersededBy: tx.id,
        })
      ));
      // The id must survive a crash before the charger learns it (and with it the orphans' close).
      await started.durable;
      for (const old of superseded) {
        if (!old) continue;
        await old.durable;
        sink.transactionStopped(old.value, now());
      }
      sink.emit({
        type: "transaction.started",
        chargerId,
        at: now(),
        transactionId: tx.id,
        chargerTransactionId: tx.chargerTransactionId,
        evseId: tx.evseId,
        connectorId: tx.connectorId,
        idTag: tx.idTag,
        meterStartWh: tx.meterStartWh,
        startedAt: tx.startedAt,
      });
      return { transactionId: tx.id, idTagInfo: idTagInfo(verdict) };
    })
    .handle("MeterValues", async (req, ctx) => {
      const chargerId = chargerOf(ctx);
      const written = await meterValues(chargerId, req.connectorId, req.transactionId, req.meterValue);
      // A transaction's samples are resent until answered (OCPP 1.6 §4.8): answer only once they are on
      // disk (a replay too: its original may still be in the batch), so that a crash between answer and
      // commit cannot lose one. Others are fire-and-forget.
      if (req.transactionId !== undefined) await (written?.durable ?? storage.meter.durable());
      return {};
    })
    .handle("StopTransaction", async (req, ctx) => {
      const chargerId = chargerOf(ctx);
      const reason = req.reason ?? "Local"; // OCPP 1.6: an absent reason means Local
      const outcome = await storage.transactions.stop({
        id: req.transactionId,
        chargerId,
        meterStopWh: req.meterStop,
        stoppedAt: req.timestamp,
        reason,
        ...(req.idTag !== undefined && { idTag: req.idTag }),
      });
      const evseId = outcome.kind === "stopped" || outcome.kind === "reported-after-close"
        ? outcome.tx.evseId
        : 0;
      // A replayed Stop (its answer was lost) changes nothing, its transactionData included.
      if (req.transactionData && outcome.kind !== "already-stopped") {
        await meterValues(chargerId, evseId, req.transactionId, req.transactionData);
      }
      if (outcome.kind === "stopped") {
        await outcome.durable;
        // The transactionData queued after the stop itself.
        await storage.meter.durable();
        sink.transactionStopped(outcome.tx, now());
      } else if (outcome.kind === "reported-after-close") {
        // The CSMS closed it first (superseded, or by an operator): that close and its energy stand, the
        // charger's own figures are kept beside them, and the charger is answered like any stop (it would
        // otherwise resend it forever).
        await outcome.durable;
        await storage.meter.durable();
        sink.log(chargerId, "transaction.reported-after-close", now(), {
          transactionId: req.transactionId,
          meterStopWh: req.meterStop,
          stoppedAt: req.timestamp,
          reason,
          ...(outcome.tx.closedBy !== undefined && { closedBy: outcome.tx.closedBy }),
        });
      } else if (outcome.kind !== "already-stopped") {
        // Answered all the same (the charger would otherwise resend it forever), but noted for the operator.
        sink.log(chargerId, "transaction.stop-rejected", now(), {
          transactionId: req.transactionId,
          why: outcome.kind === "unknown" ? "unknown transaction" : `belongs to ${outcome.ownerId}`,
        });
      }
      return req.idTag === undefined ? {} : { idTagInfo: idTagInfo(await auth.authorize(req.idTag)) };
    })
    .handle("DataTransfer", async (req, ctx) => {
      const chargerId = chargerOf(ctx);
      const vendor = svc.vendors.get(req.vendorId);
      sink.log(chargerId, "data.transfer", now(), { vendorId: req.vendorId, messageId: req.messageId });
      if (!vendor) return { status: "UnknownVendorId" };
      return await vendor(req, chargerId);
    })
    .handle("DiagnosticsStatusNotification", async (req, ctx) => {
      const chargerId = chargerOf(ctx);
      await storage.chargers.diagnosticsStatus(chargerId, req.status);
      sink.log(chargerId, "diagnostics.status", now(), { status: req.status });
      return {};
    })
    .handle("FirmwareStatusNotification", async (req, ctx) => {
      const chargerId = chargerOf(ctx);
      await storage.chargers.firmwareStatus(chargerId, req.status);
      sink.log(chargerId, "firmware.status", now(), { status: req.status });
      return {};
    })
    // The 1.6 security extension's notifications: recorded, so that a charger using it is not refused.
    .handle("SignedFirmwareStatusNotification", async (req, ctx) => {
      const chargerId = chargerOf(ctx);
      await storage.chargers.firmwareStatus(chargerId, req.status);
      sink.log(chargerId, "firmware.status", now(), { status: req.status, requestId: req.requestId });
      return {};
    })
    .handle("SecurityEventNotification", (req, ctx) => {
      const chargerId = chargerOf(ctx);
      sink.log(chargerId, "security.event", now(), req);
      return {};
    })
    .handle("LogStatusNotification", (req, ctx) => {
      const chargerId = chargerOf(ctx);
      sink.log(chargerId, "log.status", now(), req);
      return {};
    })
    // No certificate authority is configured, so a signing request is refused rather than left unanswered.
    .handle("SignCertificate", () => ({ status: "Rejected" }));
}
