/**
 * The TransactionEvent queue (E04, E12): events wait here while the station is offline or an earlier one
 * is unanswered, and go out in order. Bounded like 1.6's tx_queue.ts: beyond the limit the oldest Updated
 * event goes, never a Started or an Ended, so every transaction still opens and closes at the CSMS.
 */
import type { TransactionEventRequest } from "./types.ts";

export const DEFAULT_MAX_QUEUED_UPDATES = 5_000;

export class TransactionEventQueue {
  #items: TransactionEventRequest[] = [];
  #updates = 0;
  readonly #maxUpdates: number;
  /** Updated events discarded to stay within the bound. */
  droppedUpdates = 0;

  constructor(opts: { maxUpdates?: number } = {}) {
    this.#maxUpdates = opts.maxUpdates ?? DEFAULT_MAX_QUEUED_UPDATES;
  }

  get size(): number {
    return this.#items.length;
  }

  push(e: TransactionEventRequest): void {
    this.#items.push(e);
    if (e.eventType !== "Updated") return;
    this.#updates++;
    if (this.#updates > this.#maxUpdates) {
      // Not the one just queued: it is the newest reading.
      const i = this.#items.findIndex((x) => x.eventType === "Updated");
      this.#items.splice(i, 1);
      this.#updates--;
      this.droppedUpdates++;
    }
  }

  peek(): TransactionEventRequest | undefined {
    return this.#items[0];
  }

  /** The head was answered, or given up. */
  shift(e: TransactionEventRequest): void {
    if (this.#items[0] !== e) return;
    this.#items.shift();
    if (e.eventType === "Updated") this.#updates--;
  }

  /** Whether messages of this transaction (or, without an id, any) wait for delivery. */
  has(transactionId?: string): boolean {
    return transactionId === undefined
      ? this.#items.length > 0
      : this.#items.some((e) => e.transactionInfo.transactionId === transactionId);
  }
}
