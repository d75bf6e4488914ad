/**
 * Where the CSMS's events go: every BusEvent to the bus (live portal), and the
 * ones worth keeping to the persisted event log. Frames, meter values and
 * heartbeats are not logged as events: frames live in a bounded ring, meter
 * values in their own table, heartbeats only move the last-seen time, and a
 * transfer's live event is already logged under its own name (firmware.status,
 * diagnostics.uploaded …) by whoever emits it, so it is not logged twice.
 */
import type { Bus, BusEvent, BusEventType, TransactionStopped } from "../shared/events.ts";
import type { CsmsStorage, StoppedTransaction } from "../shared/storage.ts";
import { logger } from "../shared/log.ts";
import { energyDelivered } from "../shared/metrics.ts";

const log = logger("csms");

const NOT_LOGGED: ReadonlySet<BusEventType> = new Set([
  "ocpp.frame",
  "meter.values",
  "charger.heartbeat",
  "charger.transfer",
]);

export class EventSink {
  constructor(private readonly bus: Bus, private readonly store: Pick<CsmsStorage, "appendEvent">) {}

  emit(event: BusEvent): void {
    // Here, whatever stopped it (the charger, a newer start, an operator) and whatever its protocol.
    if (event.type === "transaction.stopped") energyDelivered(event.energyWh);
    if (!NOT_LOGGED.has(event.type)) {
      const { type, chargerId, at, ...data } = event;
      this.store.appendEvent(chargerId, type, at, data);
    }
    try {
      this.bus.publish(event);
    } catch (err) {
      // The contract says publish never throws; a broken bus still must not break a charger's session.
      log.error("bus publish failed:", { chargerId: event.chargerId, type: event.type, error: err });
    }
  }

  /** A stop once it is on disk, however it came: the charger's StopTransaction or a close by the CSMS. */
  transactionStopped(tx: StoppedTransaction, at: string): void {
    const event: TransactionStopped = {
      type: "transaction.stopped",
      chargerId: tx.chargerId,
      at,
      transactionId: tx.id,
      chargerTransactionId: tx.chargerTransactionId,
      evseId: tx.evseId,
      connectorId: tx.connectorId,
      meterStopWh: tx.meterStopWh,
      energyWh: tx.energyWh,
      reason: tx.stopReason,
      stoppedAt: tx.stoppedAt,
    };
    if (tx.closedBy !== undefined) event.closedBy = tx.closedBy;
    if (tx.closeReason !== undefined) event.closeReason = tx.closeReason;
    if (tx.supersededBy !== undefined) event.supersededBy = tx.supersededBy;
    this.emit(event);
  }

  /** An event the bus has no type for (notifications, authorizations): logged only. */
  log(chargerId: string, type: string, at: string, data: unknown): void {
    this.store.appendEvent(chargerId, type, at, data);
  }
}
