/**
 * Delivery of the transaction-message queue (tx_queue.ts) over whatever
 * session is live: one message in flight at a time, in order; a message lost
 * with the connection goes first again after reconnecting; a CALLERROR or a
 * timeout is retried after TransactionMessageRetryInterval × attempts, and a
 * message the central system refuses TransactionMessageAttempts times is given
 * up, as OCPP 1.6 §4.8 allows. Disconnects never count as attempts, so nothing
 * is lost to an outage or a reboot.
 */
import {
  type CentralSystemActions16,
  type ChargePointActions16,
  errorText,
  type Ocpp16,
  OcppError,
  RpcClosedError,
  type RpcSession,
} from "../shared/ocpp/mod.ts";
import { TransactionQueue, type TxMessage } from "./tx_queue.ts";

type Session = RpcSession<CentralSystemActions16, ChargePointActions16>;
export type StartMessage = Extract<TxMessage, { action: "StartTransaction" }>;
export type StopMessage = Extract<TxMessage, { action: "StopTransaction" }>;

export interface DeliveryHost {
  /** The session to send on when connected and registered, else undefined. */
  sendable(): Session | undefined;
  /** TransactionMessageAttempts. */
  maxAttempts(): number;
  /** TransactionMessageRetryInterval, in ms. */
  retryIntervalMs(): number;
  startAnswered(m: StartMessage, res: Ocpp16.StartTransactionResponse): void;
  stopAnswered(m: StopMessage, res: Ocpp16.StopTransactionResponse): void;
  warn(message: string): void;
}

export class TransactionDelivery {
  readonly queue: TransactionQueue;
  #host: DeliveryHost;
  #inFlight?: TxMessage;
  #inFlightOn?: Session;
  #refusals = 0;
  #retryTimer?: ReturnType<typeof setTimeout>;
  #drainWaiters: (() => void)[] = [];
  #stopped = false;

  constructor(host: DeliveryHost, queue = new TransactionQueue()) {
    this.#host = host;
    this.queue = queue;
  }

  get size(): number {
    return this.queue.size;
  }

  /** Queues a message and sends it at once when nothing is ahead of it. */
  push(m: TxMessage): void {
    this.queue.push(m);
    this.pump();
  }

  /** Sends the head of the queue if the way is clear. Call whenever a session becomes usable. */
  pump(): void {
    while (!this.#stopped && !this.#inFlight && this.#retryTimer === undefined) {
      const session = this.#host.sendable();
      if (!session) return;
      const m = this.queue.peek();
      if (!m) {
        for (const w of this.#drainWaiters.splice(0)) w();
        return;
      }
      const ready = this.queue.ready(m);
      if (!ready) {
        this.#host.warn(`dropping ${m.action} of a transaction whose StartTransaction was never accepted`);
        this.queue.drop(m);
        continue;
      }
      this.#inFlight = m;
      this.#inFlightOn = session;
      let answered: Promise<void>;
      switch (ready.action) {
        case "StartTransaction":
          answered = session.call("StartTransaction", ready.payload).then((res) => {
            this.queue.delivered(m, res.transactionId);
            this.#host.startAnswered(m as StartMessage, res);
          });
          break;
        case "MeterValues":
          answered = session.call("MeterValues", ready.payload).then(() => this.queue.delivered(m));
          break;
        case "StopTransaction":
          answered = session.call("StopTransaction", ready.payload).then((res) => {
            this.queue.delivered(m);
            this.#host.stopAnswered(m as StopMessage, res);
          });
          break;
      }
      answered.then(() => {
        this.#settled(m, session);
        this.#refusals = 0;
        this.pump();
      }, (err) => this.#failed(m, session, err));
    }
  }

  /** The connection is gone: whatever was in flight goes again, first, on the next one. */
  connectionLost(): void {
    this.#inFlight = undefined;
    this.#inFlightOn = undefined;
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
  }

  /** Resolves true once the queue is empty, or false after `timeoutMs`. */
  whenDrained(timeoutMs: number): Promise<boolean> {
    if (this.queue.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#drainWaiters = this.#drainWaiters.filter((w) => w !== done);
        resolve(false);
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve(this.queue.size === 0);
      };
      this.#drainWaiters.push(done);
    });
  }

  stop(): void {
    this.#stopped = true;
    this.connectionLost();
    for (const w of this.#drainWaiters.splice(0)) w();
  }

  /** Clears the way, unless a newer send of the same message is already on a newer session. */
  #settled(m: TxMessage, session: Session): void {
    if (this.#inFlight === m && this.#inFlightOn === session) {
      this.#inFlight = undefined;
      this.#inFlightOn = undefined;
    }
  }

  #failed(m: TxMessage, session: Session, err: unknown): void {
    const current = this.#inFlightOn === session;
    this.#settled(m, session);
    // Lost with its connection: connectionLost() already cleared the way for a resend.
    if (err instanceof RpcClosedError || !current || this.#stopped) return;
    if (err instanceof OcppError) {
      this.#refusals++;
      if (this.#refusals >= this.#host.maxAttempts()) {
        this.#host.warn(`giving up ${m.action} after ${this.#refusals} refusals: ${err.message}`);
        this.#refusals = 0;
        this.queue.drop(m);
        return this.pump();
      }
    }
    const text = errorText(err);
    this.#host.warn(`${m.action} failed (${text}); retrying`);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      this.pump();
    }, this.#host.retryIntervalMs() * Math.max(1, this.#refusals));
  }
}
