/**
 * The TransactionEvent queue (E04, E12): events wait here while the station is offline or an earlier one
 * is unanswered, and go out in order. Bounded as 1.6's queue is (tx_queue.ts's ReadingBoundedQueue): the
 * readings that may go are the Updated events, never a Started or an Ended.
 */
import { ReadingBoundedQueue } from "../tx_queue.ts";
import type { TransactionEventRequest } from "./types.ts";

export const DEFAULT_MAX_QUEUED_UPDATES = 5_000;

export class TransactionEventQueue extends ReadingBoundedQueue<TransactionEventRequest> {
  constructor(opts: { maxUpdates?: number } = {}) {
    super((e) => e.eventType === "Updated", opts.maxUpdates ?? DEFAULT_MAX_QUEUED_UPDATES);
  }

  /** Updated events discarded to stay within the bound. */
  get droppedUpdates(): number {
    return this.droppedReadings;
  }

  /** The head was answered, or given up. */
  shift(e: TransactionEventRequest): void {
    this.removeHead(e);
  }

  /** Whether messages of this transaction (or, without an id, any) wait for delivery. */
  has(transactionId?: string): boolean {
    return transactionId === undefined
      ? this.size > 0
      : this.some((e) => e.transactionInfo.transactionId === transactionId);
  }
}
