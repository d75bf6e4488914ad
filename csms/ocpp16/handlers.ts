/**
 * What the CSMS answers to each OCPP 1.6 CALL a charge point sends. Payloads
 * arrive already validated against the schemas by the RPC session; every
 * handler records what matters and answers.
 */
import type {
  CentralSystemActions16,
  ChargePointActions16,
  MeterValue16,
  Ocpp16,
} from "../shared/ocpp/actions16.ts";
import type { MeterValuesReceived } from "../shared/events.ts";
import { CSMS_STOP_REASONS } from "../shared/queries.ts";
import { type HandlerContext, HandlerTable, RpcSession, type RpcSessionOptions } from "../shared/ocpp/rpc.ts";
import type { Authorizer } from "./auth.ts";
import type { CsmsConfig } from "./config.ts";
import type { EventSink } from "./event_sink.ts";
import { isoNow } from "./clock.ts";
import { toMeterSamples } from "./meter.ts";
import { supersededStopTime } from "./orphans.ts";
import type { CsmsStore } from "./store/store.ts";

/** A charger's RPC session, which knows whose it is: the shared handlers read the id from it. */
export class CsmsSession16 extends RpcSession<ChargePointActions16, CentralSystemActions16> {
  constructor(options: RpcSessionOptions, readonly chargerId: string) {
    super(options);
  }
}

function chargerOf(ctx: HandlerContext): string {
  return (ctx.session as unknown as CsmsSession16).chargerId;
}

/** Answers a DataTransfer for one vendorId; without one registered, the CSMS answers UnknownVendorId. */
export type VendorHandler = (
  request: Ocpp16.DataTransferRequest,
  chargerId: string,
) => Ocpp16.DataTransferResponse | Promise<Ocpp16.DataTransferResponse>;

export interface HandlerServices {
  config: CsmsConfig;
  store: CsmsStore;
  auth: Authorizer;
  sink: EventSink;
  vendors: ReadonlyMap<string, VendorHandler>;
}

/** The CSMS's answers to every 1.6 CALL, built once and shared by every charger's session. */
export function createHandlers16(svc: HandlerServices): HandlerTable<ChargePointActions16> {
  const { store, auth, sink } = svc;
  const now = isoNow;
  /** Stores and publishes samples; a replay is stored and published once. */
  const meterValues = (
    chargerId: string,
    connectorId: number,
    transactionId: number | undefined,
    values: MeterValue16[],
  ): void => {
    const samples = toMeterSamples(values);
    if (samples.length === 0) return;
    const fresh = store.meterSamples(chargerId, connectorId, transactionId, samples, Date.now());
    if (fresh.length === 0) return;
    // Built field by field: a spread of a conditional object costs a temporary object per MeterValues.
    const event: MeterValuesReceived = {
      type: "meter.values",
      chargerId,
      at: now(),
      connectorId,
      samples: fresh,
    };
    if (transactionId !== undefined) event.transactionId = transactionId;
    sink.emit(event);
  };

  return new HandlerTable<ChargePointActions16>()
    .handle("BootNotification", (req, ctx) => {
      const chargerId = chargerOf(ctx);
      const at = now();
      store.chargerBooted(chargerId, req, at);
      sink.emit({
        type: "charger.boot",
        chargerId,
        at,
        vendor: req.chargePointVendor,
        model: req.chargePointModel,
        ...(req.firmwareVersion !== undefined && { firmwareVersion: req.firmwareVersion }),
        ...((req.chargePointSerialNumber ?? req.chargeBoxSerialNumber) !== undefined &&
          { serialNumber: req.chargePointSerialNumber ?? req.chargeBoxSerialNumber }),
      });
      return { status: "Accepted", currentTime: at, interval: svc.config.heartbeatInterval };
    })
    .handle("Heartbeat", (_req, ctx) => {
      const chargerId = chargerOf(ctx);
      const at = now();
      sink.emit({ type: "charger.heartbeat", chargerId, at });
      return { currentTime: at };
    })
    .handle("StatusNotification", (req, ctx) => {
      const chargerId = chargerOf(ctx);
      const at = now();
      store.connectorStatus(chargerId, req, at);
      sink.emit({
        type: "connector.status",
        chargerId,
        at,
        connectorId: req.connectorId,
        status: req.status,
        errorCode: req.errorCode,
        ...(req.info !== undefined && { info: req.info }),
      });
      return {};
    })
    .handle("Authorize", (req, ctx) => {
      const chargerId = chargerOf(ctx);
      const idTagInfo = auth.authorize(req.idTag);
      sink.log(chargerId, "id.authorize", now(), { idTag: req.idTag, status: idTagInfo.status });
      return { idTagInfo };
    })
    .handle("StartTransaction", async (req, ctx) => {
      const chargerId = chargerOf(ctx);
      const idTagInfo = auth.authorize(req.idTag);
      // The transaction is recorded even when the tag is refused: the charger has started it and will stop it.
      const resent = store.findResentStart(
        chargerId,
        req.connectorId,
        req.idTag,
        req.meterStart,
        req.timestamp,
      );
      if (resent) return { transactionId: resent.id, idTagInfo };
      // A connector runs one transaction at a time (a charge point refuses a RemoteStart on a busy one,
      // OCPP 1.6 CTT TC_026_CS). A new start on it means the charger has ended the older one without a
      // StopTransaction we got (lost, or never sent after a reboot): closed here as Superseded, with its
      // last meter reading, so that it cannot stay active forever. The new start is answered as always:
      // a Central System cannot refuse one, only its idTag.
      const orphans = store.activeOn(chargerId, req.connectorId);
      const { tx } = store.startTransaction({
        chargerId,
        connectorId: req.connectorId,
        idTag: req.idTag,
        meterStartWh: req.meterStart,
        startedAt: req.timestamp,
        authStatus: idTagInfo.status,
        ...(req.reservationId !== undefined && { reservationId: req.reservationId }),
      });
      const closedAt = now();
      const superseded = orphans.map((old) =>
        store.closeTransaction(old.id, {
          reason: CSMS_STOP_REASONS.superseded,
          stoppedAt: supersededStopTime(old.startedAt, req.timestamp),
          closedAt,
          supersededBy: tx.id,
        })!
      );
      // The id must survive a crash before the charger learns it (and with it the orphans' close).
      await store.writer.durable();
      for (const old of superseded) sink.transactionStopped(old, now());
      sink.emit({
        type: "transaction.started",
        chargerId,
        at: now(),
        transactionId: tx.id,
        connectorId: tx.connectorId,
        idTag: tx.idTag,
        meterStartWh: tx.meterStartWh,
        startedAt: tx.startedAt,
      });
      return { transactionId: tx.id, idTagInfo };
    })
    .handle("MeterValues", async (req, ctx) => {
      const chargerId = chargerOf(ctx);
      meterValues(chargerId, req.connectorId, req.transactionId, req.meterValue);
      // A transaction's samples are resent until answered (OCPP 1.6 §4.8): answer only once they are on
      // disk (a replay too: its original may still be in the batch), so that a crash between answer and
      // commit cannot lose one. Others are fire-and-forget.
      if (req.transactionId !== undefined) await store.writer.durable();
      return {};
    })
    .handle("StopTransaction", async (req, ctx) => {
      const chargerId = chargerOf(ctx);
      const reason = req.reason ?? "Local"; // OCPP 1.6: an absent reason means Local
      const outcome = await store.stopTransaction({
        id: req.transactionId,
        chargerId,
        meterStopWh: req.meterStop,
        stoppedAt: req.timestamp,
        reason,
        ...(req.idTag !== undefined && { idTag: req.idTag }),
      });
      const connectorId = outcome.kind === "stopped"
        ? outcome.tx.connectorId
        : outcome.kind === "reported-after-close"
        ? outcome.connectorId
        : 0;
      // A replayed Stop (its answer was lost) changes nothing, its transactionData included.
      if (req.transactionData && outcome.kind !== "already-stopped") {
        meterValues(chargerId, connectorId, req.transactionId, req.transactionData);
      }
      if (outcome.kind === "stopped") {
        await outcome.durable;
        // The transactionData queued after the stop itself.
        await store.writer.durable();
        sink.transactionStopped(outcome.tx, now());
      } else if (outcome.kind === "reported-after-close") {
        // The CSMS closed it first (superseded, or by an operator): that close and its energy stand, the
        // charger's own figures are kept beside them, and the charger is answered like any stop (it would
        // otherwise resend it forever).
        await outcome.durable;
        await store.writer.durable();
        sink.log(chargerId, "transaction.reported-after-close", now(), {
          transactionId: req.transactionId,
          meterStopWh: req.meterStop,
          stoppedAt: req.timestamp,
          reason,
          ...(outcome.closedBy !== undefined && { closedBy: outcome.closedBy }),
        });
      } else if (outcome.kind !== "already-stopped") {
        // Answered all the same (the charger would otherwise resend it forever), but noted for the operator.
        sink.log(chargerId, "transaction.stop-rejected", now(), {
          transactionId: req.transactionId,
          why: outcome.kind === "unknown" ? "unknown transaction" : `belongs to ${outcome.ownerId}`,
        });
      }
      return req.idTag === undefined ? {} : { idTagInfo: auth.authorize(req.idTag) };
    })
    .handle("DataTransfer", async (req, ctx) => {
      const chargerId = chargerOf(ctx);
      const vendor = svc.vendors.get(req.vendorId);
      sink.log(chargerId, "data.transfer", now(), { vendorId: req.vendorId, messageId: req.messageId });
      if (!vendor) return { status: "UnknownVendorId" };
      return await vendor(req, chargerId);
    })
    .handle("DiagnosticsStatusNotification", (req, ctx) => {
      const chargerId = chargerOf(ctx);
      store.diagnosticsStatus(chargerId, req.status);
      sink.log(chargerId, "diagnostics.status", now(), { status: req.status });
      return {};
    })
    .handle("FirmwareStatusNotification", (req, ctx) => {
      const chargerId = chargerOf(ctx);
      store.firmwareStatus(chargerId, req.status);
      sink.log(chargerId, "firmware.status", now(), { status: req.status });
      return {};
    })
    // The 1.6 security extension's notifications: recorded, so that a charger using it is not refused.
    .handle("SignedFirmwareStatusNotification", (req, ctx) => {
      const chargerId = chargerOf(ctx);
      store.firmwareStatus(chargerId, req.status);
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
