/**
 * Delivery of the TransactionEvent queue over whatever session is live (E04/E12): one event in flight,
 * in order; an event lost with the connection goes first again after reconnecting; a CALLERROR or a
 * timeout is retried after MessageAttemptInterval × attempts and given up after MessageAttempts
 * (OCPPCommCtrlr, instance TransactionEvent). Disconnects never count as attempts.
 */
import { errorText, OcppError, RpcClosedError } from "../../shared/ocpp/errors.ts";
import { TransactionEventQueue } from "./tx_queue201.ts";
import type { Ocpp201, Session201, TransactionEventRequest } from "./types.ts";

export interface Delivery201Host {
  /** The session to send on when connected and registered, else undefined. */
  sendable(): Session201 | undefined;
  maxAttempts(): number;
  retryIntervalMs(): number;
  answered(e: TransactionEventRequest, res: Ocpp201.TransactionEventResponse): void;
  warn(message: string): void;
}

export class TransactionEventDelivery {
  readonly queue: TransactionEventQueue;
  readonly #host: Delivery201Host;
  #inFlight?: TransactionEventRequest;
  #inFlightOn?: Session201;
  #refusals = 0;
  #retryTimer?: ReturnType<typeof setTimeout>;
  #drainWaiters: (() => void)[] = [];
  #stopped = false;

  constructor(host: Delivery201Host, queue = new TransactionEventQueue()) {
    this.#host = host;
    this.queue = queue;
  }

  get size(): number {
    return this.queue.size;
  }

  push(e: TransactionEventRequest): void {
    this.queue.push(e);
    this.pump();
  }

  pump(): void {
    if (this.#stopped || this.#inFlight || this.#retryTimer !== undefined) return;
    const session = this.#host.sendable();
    if (!session) return;
    const e = this.queue.peek();
    if (!e) {
      for (const w of this.#drainWaiters.splice(0)) w();
      return;
    }
    this.#inFlight = e;
    this.#inFlightOn = session;
    session.call("TransactionEvent", e).then((res) => {
      this.#settled(e, session);
      this.queue.shift(e);
      this.#refusals = 0;
      this.#host.answered(e, res);
      this.pump();
    }, (err) => this.#failed(e, session, err));
  }

  connectionLost(): void {
    this.#inFlight = undefined;
    this.#inFlightOn = undefined;
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
  }

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

  #settled(e: TransactionEventRequest, session: Session201): void {
    if (this.#inFlight === e && this.#inFlightOn === session) {
      this.#inFlight = undefined;
      this.#inFlightOn = undefined;
    }
  }

  #failed(e: TransactionEventRequest, session: Session201, err: unknown): void {
    const current = this.#inFlightOn === session;
    this.#settled(e, session);
    if (err instanceof RpcClosedError || !current || this.#stopped) return;
    if (err instanceof OcppError) {
      this.#refusals++;
      if (this.#refusals >= this.#host.maxAttempts()) {
        this.#host.warn(
          `giving up TransactionEvent ${e.eventType} after ${this.#refusals} refusals: ${err.message}`,
        );
        this.#refusals = 0;
        this.queue.shift(e);
        return this.pump();
      }
    }
    this.#host.warn(`TransactionEvent failed (${errorText(err)}); retrying`);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      this.pump();
    }, this.#host.retryIntervalMs() * Math.max(1, this.#refusals));
  }
}
