/**
 * Delivery of the TransactionEvent queue (E04/E12): tx_delivery.ts's OrderedDelivery, each event one
 * TransactionEvent CALL; MessageAttempts and MessageAttemptInterval are OCPPCommCtrlr's, instance
 * TransactionEvent.
 */
import { type DeliveryLimits, OrderedDelivery } from "../tx_delivery.ts";
import { TransactionEventQueue } from "./tx_queue201.ts";
import type { Ocpp201, Session201, TransactionEventRequest } from "./types.ts";

export interface Delivery201Host extends DeliveryLimits<Session201> {
  answered(e: TransactionEventRequest, res: Ocpp201.TransactionEventResponse): void;
}

export class TransactionEventDelivery
  extends OrderedDelivery<TransactionEventRequest, Session201, TransactionEventQueue> {
  readonly #host: Delivery201Host;

  constructor(host: Delivery201Host, queue = new TransactionEventQueue()) {
    super(host, queue);
    this.#host = host;
  }

  push(e: TransactionEventRequest): void {
    this.queue.push(e);
    this.pump();
  }

  protected send(e: TransactionEventRequest, session: Session201): Promise<void> {
    return session.call("TransactionEvent", e).then((res) => {
      this.queue.shift(e);
      this.#host.answered(e, res);
    });
  }

  protected giveUp(e: TransactionEventRequest): void {
    this.queue.shift(e);
  }

  protected actionOf(): string {
    return "TransactionEvent";
  }

  protected describe(e: TransactionEventRequest): string {
    return `TransactionEvent ${e.eventType}`;
  }
}
