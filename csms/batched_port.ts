/**
 * Messages between a CSMS's event loops and the thread that owns the store go out in batches: whatever a
 * thread posts to one port within one turn of its event loop (every frame answered in that turn, their
 * store calls, replies and events) crosses as one postMessage, in order. A postMessage costs a
 * serialization, a wake-up and an event on the other side; a MeterValues costs several messages (its
 * store call, its event, the value and the durability back), so under load one per turn, not one per
 * message, is most of what the threads save.
 */
import type { PortLike } from "./store/remote.ts";

/** What crosses when more than one message was posted in a turn. */
export interface Batch {
  ch: "batch";
  items: unknown[];
}

export class BatchedPort implements PortLike {
  #queue: unknown[] = [];

  constructor(private readonly target: PortLike) {}

  postMessage(message: unknown): void {
    // After the turn's microtasks as well: async handlers that post after an await still join the batch.
    if (this.#queue.push(message) === 1) setTimeout(() => this.flush(), 0);
  }

  /** Sends what is queued now (also called by the timer). */
  flush(): void {
    if (this.#queue.length === 0) return;
    const items = this.#queue;
    this.#queue = [];
    this.target.postMessage(items.length === 1 ? items[0] : { ch: "batch", items } satisfies Batch);
  }
}

/** Calls `handle` for a message, or for each message of a batch, in order. */
export function unbatch<T>(message: T | Batch, handle: (m: T) => void): void {
  if ((message as Batch).ch === "batch") { for (const m of (message as Batch).items) handle(m as T); }
  else handle(message as T);
}
