/**
 * Messages between a CSMS's event loops and the thread that owns the store go out in batches: whatever a
 * thread posts to one port within one turn of its event loop (every frame answered in that turn, their
 * store calls, replies and events) crosses as one postMessage, in order. A postMessage costs a
 * serialization, a wake-up and an event on the other side; a MeterValues costs several messages (its
 * store call, its event, the value and the durability back), so under load one per turn, not one per
 * message, is most of what the threads save.
 *
 * A batch crosses as one JSON text: a loop's CPU profile showed V8's structured serializer (postMessage's
 * own) at a seventh of the loop's time, where JSON.stringify and JSON.parse handle the same plain data for
 * less and the text crosses as a copy. What crosses here is JSON by contract (the Redis bus sends the same
 * events, commands and answers as JSON); what is not (file contents) goes by `postStructured`, in order.
 */
import type { PortLike } from "./store/remote.ts";

/** A message sent by structured clone (not JSON), marked so that the receiver tells it from the rest. */
export interface Structured {
  ch: "structured";
  message: unknown;
}

export class BatchedPort implements PortLike {
  #queue: unknown[] = [];

  constructor(private readonly target: PortLike) {}

  /** Queues a message of plain JSON data (undefined properties are dropped, as JSON drops them). */
  postMessage(message: unknown): void {
    // After the turn's microtasks as well: async handlers that post after an await still join the batch.
    if (this.#queue.push(message) === 1) setTimeout(() => this.flush(), 0);
  }

  /** Sends a message that is not plain JSON (bytes) by structured clone, after what is queued. */
  postStructured(message: unknown): void {
    this.flush();
    this.target.postMessage({ ch: "structured", message } satisfies Structured);
  }

  /** Sends what is queued now (also called by the timer). */
  flush(): void {
    if (this.#queue.length === 0) return;
    const items = this.#queue;
    this.#queue = [];
    this.target.postMessage(JSON.stringify(items));
  }
}

/** Calls `handle` for each message of a batch (JSON text), or for a message sent by structured clone. */
export function unbatch<T>(data: string | Structured, handle: (m: T) => void): void {
  if (typeof data === "string") {
    for (const m of JSON.parse(data) as T[]) handle(m);
  } else handle(data.message as T);
}
