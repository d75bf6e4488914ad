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

export class TransactionQueue {
  #items: TxMessage[] = [];
  #ids = new Map<number, number>();
  #meterValues = 0;
  #maxMeterValues: number;
  /** MeterValues discarded to stay within the bound. */
  droppedMeterValues = 0;

  constructor(opts: { maxMeterValues?: number } = {}) {
    this.#maxMeterValues = opts.maxMeterValues ?? DEFAULT_MAX_QUEUED_METER_VALUES;
  }

  get size(): number {
    return this.#items.length;
  }

  push(m: TxMessage): void {
    this.#items.push(m);
    if (m.action !== "MeterValues") return;
    this.#meterValues++;
    if (this.#meterValues > this.#maxMeterValues) {
      const i = this.#items.findIndex((x) => x.action === "MeterValues");
      this.#items.splice(i, 1);
      this.#meterValues--;
      this.droppedMeterValues++;
    }
  }

  peek(): TxMessage | undefined {
    return this.#items[0];
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
    if (this.#items[0] !== m) return;
    this.#remove();
    if (m.action === "StartTransaction" && transactionId !== undefined) {
      this.#ids.set(m.localId, transactionId);
    }
    if (m.action === "StopTransaction") this.#ids.delete(m.localId);
  }

  /** The head is given up (the central system kept refusing it). */
  drop(m: TxMessage): void {
    if (this.#items[0] !== m) return;
    this.#remove();
    if (m.action === "StopTransaction") this.#ids.delete(m.localId);
  }

  #remove(): void {
    const m = this.#items.shift();
    if (m?.action === "MeterValues") this.#meterValues--;
  }
}
