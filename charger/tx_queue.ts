/**
 * The transaction-message queue (OCPP 1.6 §4.8 "transaction-related
 * messages"): StartTransaction, MeterValues with a transactionId and
 * StopTransaction are delivered one at a time and in order, held while the
 * charge point is offline, and retried until the central system answers.
 *
 * A transaction can start while offline, before the central system has named
 * it: messages refer to it by our local id, and the transactionId from the
 * StartTransaction answer is filled in when each later message is sent. Pure
 * data structure: the charge point does the sending.
 */
import type { Ocpp16 } from "../shared/ocpp/mod.ts";

export type TxMessage =
  | { action: "StartTransaction"; localId: number; payload: Ocpp16.StartTransactionRequest }
  | { action: "MeterValues"; localId: number; payload: Omit<Ocpp16.MeterValuesRequest, "transactionId"> }
  | {
    action: "StopTransaction";
    localId: number;
    payload: Omit<Ocpp16.StopTransactionRequest, "transactionId">;
  };

export type ReadyMessage =
  | { action: "StartTransaction"; payload: Ocpp16.StartTransactionRequest }
  | { action: "MeterValues"; payload: Ocpp16.MeterValuesRequest }
  | { action: "StopTransaction"; payload: Ocpp16.StopTransactionRequest };

/** Bounds memory through a long outage: beyond this, the oldest MeterValues go (never a Start or Stop). */
export const DEFAULT_MAX_QUEUED_METER_VALUES = 5_000;

/**
 * The bounded, in-order queue under both protocols' transaction messages. Through a long outage only
 * readings pile up: beyond `maxReadings` the oldest reading goes (never a start or an end, so every
 * transaction still opens and closes at the central system). Not the one just queued: it is the newest.
 */
export class ReadingBoundedQueue<M> {
  readonly #items: M[] = [];
  readonly #isReading: (m: M) => boolean;
  readonly #maxReadings: number;
  #readings = 0;
  /** Readings discarded to stay within the bound. */
  droppedReadings = 0;

  constructor(isReading: (m: M) => boolean, maxReadings: number) {
    this.#isReading = isReading;
    this.#maxReadings = maxReadings;
  }

  get size(): number {
    return this.#items.length;
  }

  push(m: M): void {
    this.#items.push(m);
    if (!this.#isReading(m)) return;
    this.#readings++;
    if (this.#readings > this.#maxReadings) {
      const i = this.#items.findIndex(this.#isReading);
      this.#items.splice(i, 1);
      this.#readings--;
      this.droppedReadings++;
    }
  }

  peek(): M | undefined {
    return this.#items[0];
  }

  /** Whether any queued message passes `test`. */
  some(test: (m: M) => boolean): boolean {
    return this.#items.some(test);
  }

  /** Removes the head when it is `m` (answered or given up); false when it was not. */
  protected removeHead(m: M): boolean {
    if (this.#items[0] !== m) return false;
    this.#items.shift();
    if (this.#isReading(m)) this.#readings--;
    return true;
  }
}

export class TransactionQueue extends ReadingBoundedQueue<TxMessage> {
  #ids = new Map<number, number>();

  constructor(opts: { maxMeterValues?: number } = {}) {
    super((m) => m.action === "MeterValues", opts.maxMeterValues ?? DEFAULT_MAX_QUEUED_METER_VALUES);
  }

  /** MeterValues discarded to stay within the bound. */
  get droppedMeterValues(): number {
    return this.droppedReadings;
  }

  /** The central system's id for one of our transactions, once its StartTransaction was answered. */
  transactionIdOf(localId: number): number | undefined {
    return this.#ids.get(localId);
  }

  /**
   * The message as it goes on the wire, with the transactionId filled in; undefined
   * when it belongs to a transaction whose StartTransaction was given up.
   */
  ready(m: TxMessage): ReadyMessage | undefined {
    if (m.action === "StartTransaction") return { action: m.action, payload: m.payload };
    const transactionId = this.#ids.get(m.localId);
    if (transactionId === undefined) return undefined;
    if (m.action === "MeterValues") return { action: m.action, payload: { ...m.payload, transactionId } };
    return { action: m.action, payload: { ...m.payload, transactionId } };
  }

  /** The head was answered: remove it; a StartTransaction's answer names the transaction. */
  delivered(m: TxMessage, transactionId?: number): void {
    if (!this.removeHead(m)) return;
    if (m.action === "StartTransaction" && transactionId !== undefined) {
      this.#ids.set(m.localId, transactionId);
    }
    if (m.action === "StopTransaction") this.#ids.delete(m.localId);
  }

  /** The head is given up (the central system kept refusing it). */
  drop(m: TxMessage): void {
    if (!this.removeHead(m)) return;
    if (m.action === "StopTransaction") this.#ids.delete(m.localId);
  }
}
