/**
 * What the CSMS answers to each OCPP 1.6 CALL a charge point sends. Payloads
 * arrive already validated against the schemas by the RPC session; every
 * handler maps the wire shape to domain records, records them in storage and
 * answers, waiting for `durable` where a crash after the answer must not lose
 * the write.
 */
import type { ChargePointActions16, IdTagInfo16, MeterValue16, Ocpp16 } from "../../shared/ocpp/actions16.ts";
import type { IdTokenVerdict } from "../../shared/domain.ts";
import { HandlerTable } from "../../shared/ocpp/rpc.ts";
import { isoNow } from "../clock.ts";
import { startOnReservations } from "../reservation_check.ts";
import { createRecorder, type HandlerServices } from "../recording.ts";
import { dropEndedTxProfiles, resendAfterBoot16 } from "./charging_profiles.ts";
import { transferRecorder } from "../transfer_status.ts";
import { chargerIdentity16 } from "./identity.ts";
import { toMeterSamples } from "./meter.ts";
import { earliestInstant, unseenTransactionData } from "./transaction_data.ts";
import { chargerOf, type CsmsSession16 } from "./session.ts";
import { statusReport16 } from "./status.ts";

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
  const record = createRecorder(svc);
  const transfers = transferRecorder(storage.files, sink);
  const meterValues = (
    chargerId: string,
    evseId: number,
    transactionId: number | undefined,
    values: MeterValue16[],
  ) => record.meterValues(chargerId, evseId, transactionId, toMeterSamples(values));

  // Authorize: an Accepted tag already in an open transaction is ConcurrentTx (1.6 §7.13).
  const concurrentTx = async (verdict: IdTokenVerdict, idTag: string): Promise<IdTagInfo16> =>
    verdict.status === "Accepted" && (await storage.transactions.openWithIdTag(idTag)).length > 0
      ? { ...idTagInfo(verdict), status: "ConcurrentTx" }
      : idTagInfo(verdict);

  return new HandlerTable<ChargePointActions16>()
    .handle("BootNotification", async (req, ctx) => {
      const chargerId = chargerOf(ctx);
      const at = now();
      const identity = chargerIdentity16(req);
      // Admission is the handshake's (csms/charger_access.ts); what the boot is answered is the registration's.
      // While Pending or Rejected, OCPP 1.6 (§4.2) has the charge point send nothing unasked; what one sends
      // all the same is answered as always (1.6 gives the Central System no error for it).
      const answer = await record.boot(chargerId, identity, at, {});
      const session = ctx.session as unknown as CsmsSession16;
      session.bootStatus = answer.status;
      // After the answer: the charger must know it is Accepted before the CSMS's first CALL.
      if (answer.status === "Accepted") {
        ctx.afterAnswer(() => void resendAfterBoot16(storage, sink, session, chargerId));
      }
      return { status: answer.status, currentTime: at, interval: answer.interval };
    })
    .handle("Heartbeat", (_req, ctx) => {
      const chargerId = chargerOf(ctx);
      const at = now();
      sink.emit({ type: "charger.heartbeat", chargerId, at });
      return { currentTime: at };
    })
    .handle("StatusNotification", async (req, ctx) => {
      const chargerId = chargerOf(ctx);
      const report = statusReport16(req);
      await record.status(chargerId, report, report.connectorId ?? connectorOfEvse(report.evseId));
      return {};
    })
    .handle("Authorize", async (req, ctx) => {
      const chargerId = chargerOf(ctx);
      const info = await concurrentTx(await auth.authorize(req.idTag), req.idTag);
      sink.log(chargerId, "id.authorize", now(), { idTag: req.idTag, status: info.status });
      return { idTagInfo: info };
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
      // The start is answered as always (a Central System cannot refuse one, only its idTag), after the
      // orphans on its connector are closed as Superseded (csms/recording.ts).
      const reserved = startOnReservations(await storage.reservations.active(chargerId, Date.now()), {
        connectorId: evseId,
        idTag: req.idTag,
        ...(verdict.parentIdTag !== undefined && { parentIdTag: verdict.parentIdTag }),
        ...(req.reservationId !== undefined && { reservationId: req.reservationId }),
      });
      // A start on a connector reserved for someone else is refused its idTag (1.6 §5.13, csms/reservation_check.ts).
      const answered: IdTokenVerdict = reserved.breaks ? { ...verdict, status: "Invalid" } : verdict;
      const tx = await record.startTransaction({
        ...start,
        authStatus: answered.status,
        ...(req.reservationId !== undefined && { reservationId: req.reservationId }),
      });
      if (reserved.uses) {
        await storage.reservations.end(chargerId, reserved.uses.reservationId, {
          state: "Used",
          at: now(),
          transactionId: tx.id,
        });
        sink.log(chargerId, "reservation.used", now(), {
          reservationId: reserved.uses.reservationId,
          transactionId: tx.id,
        });
      } else if (reserved.breaks) {
        sink.log(chargerId, "reservation.refused-start", now(), {
          reservationId: reserved.breaks.reservationId,
          idTag: req.idTag,
          transactionId: tx.id,
        });
      }
      return { transactionId: tx.id, idTagInfo: idTagInfo(answered) };
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
      const since = req.transactionData && earliestInstant(req.transactionData);
      if (req.transactionData && since !== undefined && outcome.kind !== "already-stopped") {
        // Only the summary's own span is read, not the whole transaction's history.
        const stored = await storage.reads.meterHistory(chargerId, {
          transactionId: req.transactionId,
          since,
          limit: 100_000,
        });
        const unseen = unseenTransactionData(req.transactionData, stored.map((s) => s.timestamp));
        if (unseen.length > 0) await meterValues(chargerId, evseId, req.transactionId, unseen);
      }
      if (outcome.kind === "stopped" || outcome.kind === "reported-after-close") {
        await dropEndedTxProfiles(storage, chargerId, evseId, req.transactionId);
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
      // The session checks the answer against 1.6's schema before it is sent (text `data` only).
      return await vendor(req, chargerId, "ocpp1.6") as Ocpp16.DataTransferResponse;
    })
    // Transfer statuses: kept as the charger's latest, logged and shown live (csms/transfer_status.ts).
    .handle("DiagnosticsStatusNotification", async (req, ctx) => {
      await transfers.status(chargerOf(ctx), "diagnostics", req);
      return {};
    })
    .handle("FirmwareStatusNotification", async (req, ctx) => {
      await transfers.status(chargerOf(ctx), "firmware", req);
      return {};
    })
    .handle("SignedFirmwareStatusNotification", async (req, ctx) => {
      await transfers.status(chargerOf(ctx), "firmware", req);
      return {};
    })
    .handle("SecurityEventNotification", (req, ctx) => {
      sink.emit({
        type: "security.event",
        chargerId: chargerOf(ctx),
        at: now(),
        eventType: req.type,
        timestamp: req.timestamp,
        ...(req.techInfo !== undefined && { techInfo: req.techInfo }),
      });
      return {};
    })
    .handle("LogStatusNotification", async (req, ctx) => {
      await transfers.status(chargerOf(ctx), "log", req);
      return {};
    })
    // No certificate authority is configured, so a signing request is refused rather than left unanswered.
    .handle("SignCertificate", () => ({ status: "Rejected" }));
}
