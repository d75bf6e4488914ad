/**
 * In-order delivery of a charger's transaction messages over whatever session
 * is live, in either protocol: one message in flight at a time, in order; a
 * message lost with the connection goes first again after reconnecting; a
 * CALLERROR or a timeout is retried after the retry interval × attempts, and a
 * message the central system refuses as many times as the attempts allow is
 * given up (OCPP 1.6 §4.8; 2.0.1 E04/E12, OCPPCommCtrlr MessageAttempts and
 * MessageAttemptInterval). Disconnects never count as attempts, so nothing is
 * lost to an outage or a reboot. How a message goes on the wire and what its
 * answer changes is the protocol's part: TransactionDelivery below for 1.6's
 * queue (tx_queue.ts), ocpp201/delivery201.ts for TransactionEvents.
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

/** What delivery asks of the charger, in both protocols. */
export interface DeliveryLimits<S> {
  /** The session to send on when connected and registered, else undefined. */
  sendable(): S | undefined;
  /** How often a refused message is sent before it is given up. */
  maxAttempts(): number;
  /** The retry interval, in ms; the n-th refusal waits n times as long. */
  retryIntervalMs(): number;
  warn(message: string): void;
}

/** The queue delivery reads from: the protocol's own (tx_queue.ts, ocpp201/tx_queue201.ts). */
export interface DeliveryQueue<M> {
  readonly size: number;
  peek(): M | undefined;
}

export abstract class OrderedDelivery<M, S, Q extends DeliveryQueue<M>> {
  readonly queue: Q;
  readonly #host: DeliveryLimits<S>;
  #inFlight?: M;
  #inFlightOn?: S;
  #refusals = 0;
  #retryTimer?: ReturnType<typeof setTimeout>;
  #drainWaiters: (() => void)[] = [];
  #stopped = false;

  constructor(host: DeliveryLimits<S>, queue: Q) {
    this.#host = host;
    this.queue = queue;
  }

  /**
   * Sends `m` on `session`, resolving once its answer is applied and it has left the queue;
   * undefined when `m` can no longer go (it has been dropped, with a warning).
   */
  protected abstract send(m: M, session: S): Promise<void> | undefined;
  /** Removes the head `m` from the queue for good (refused too often). */
  protected abstract giveUp(m: M): void;
  /** The message's action, for the log. */
  protected abstract actionOf(m: M): string;
  /** The message as the log names it when it is given up. */
  protected abstract describe(m: M): string;

  get size(): number {
    return this.queue.size;
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
      this.#inFlight = m;
      this.#inFlightOn = session;
      const answered = this.send(m, session);
      if (!answered) {
        this.#settled(m, session);
        continue;
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

  /**
   * Runs `fn` once every transaction message queued now has been delivered (at once when none is
   * waiting), in the order asked. What a transaction message causes is then said after it: the
   * StatusNotification Available after the StopTransaction that freed the connector, even when an
   * earlier message (the Begin meter values) still held the way when the transaction ended.
   */
  afterDrained(fn: () => void): void {
    if (this.queue.size === 0 && this.#drainWaiters.length === 0) fn();
    else this.#drainWaiters.push(fn);
  }

  stop(): void {
    this.#stopped = true;
    this.connectionLost();
    for (const w of this.#drainWaiters.splice(0)) w();
  }

  /** Clears the way, unless a newer send of the same message is already on a newer session. */
  #settled(m: M, session: S): void {
    if (this.#inFlight === m && this.#inFlightOn === session) {
      this.#inFlight = undefined;
      this.#inFlightOn = undefined;
    }
  }

  #failed(m: M, session: S, err: unknown): void {
    const current = this.#inFlightOn === session;
    this.#settled(m, session);
    // Lost with its connection: connectionLost() already cleared the way for a resend.
    if (err instanceof RpcClosedError || !current || this.#stopped) return;
    if (err instanceof OcppError) {
      this.#refusals++;
      if (this.#refusals >= this.#host.maxAttempts()) {
        this.#host.warn(`giving up ${this.describe(m)} after ${this.#refusals} refusals: ${err.message}`);
        this.#refusals = 0;
        this.giveUp(m);
        return this.pump();
      }
    }
    this.#host.warn(`${this.actionOf(m)} failed (${errorText(err)}); retrying`);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      this.pump();
    }, this.#host.retryIntervalMs() * Math.max(1, this.#refusals));
  }
}

export interface DeliveryHost extends DeliveryLimits<Session> {
  startAnswered(m: StartMessage, res: Ocpp16.StartTransactionResponse): void;
  stopAnswered(m: StopMessage, res: Ocpp16.StopTransactionResponse): void;
}

/** OCPP 1.6: StartTransaction, MeterValues and StopTransaction, the transactionId filled in as they go. */
export class TransactionDelivery extends OrderedDelivery<TxMessage, Session, TransactionQueue> {
  readonly #host: DeliveryHost;

  constructor(host: DeliveryHost, queue = new TransactionQueue()) {
    super(host, queue);
    this.#host = host;
  }

  /** Queues a message and sends it at once when nothing is ahead of it. */
  push(m: TxMessage): void {
    this.queue.push(m);
    this.pump();
  }

  protected send(m: TxMessage, session: Session): Promise<void> | undefined {
    const ready = this.queue.ready(m);
    if (!ready) {
      this.#host.warn(`dropping ${m.action} of a transaction whose StartTransaction was never accepted`);
      this.queue.drop(m);
      return undefined;
    }
    switch (ready.action) {
      case "StartTransaction":
        return session.call("StartTransaction", ready.payload).then((res) => {
          this.queue.delivered(m, res.transactionId);
          this.#host.startAnswered(m as StartMessage, res);
        });
      case "MeterValues":
        return session.call("MeterValues", ready.payload).then(() => this.queue.delivered(m));
      case "StopTransaction":
        return session.call("StopTransaction", ready.payload).then((res) => {
          this.queue.delivered(m);
          this.#host.stopAnswered(m as StopMessage, res);
        });
    }
  }

  protected giveUp(m: TxMessage): void {
    this.queue.drop(m);
  }

  protected actionOf(m: TxMessage): string {
    return m.action;
  }

  protected describe(m: TxMessage): string {
    return m.action;
  }
}
