/** `Written` values of the PostgreSQL engine, and the small promise helpers its batches need. */
import type { Written } from "../../../shared/storage.ts";

/** A write whose statement has returned: autocommitted (or its transaction committed), so durable now. */
export function committed<T>(value: T): Written<T> {
  return { value, durable: Promise.resolve() };
}

/** A promise settled from outside: what a batch hands to every write it carries. */
export class Deferred {
  readonly promise: Promise<void>;
  resolve!: () => void;
  reject!: (err: unknown) => void;

  constructor() {
    this.promise = new Promise<void>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    // Most writes' `durable` is never awaited (a status, a sample outside a transaction): a failed batch
    // must not become an unhandled rejection that ends the process. Whoever awaits it still sees it fail.
    this.promise.catch(() => {});
  }
}

/**
 * Runs writes of one key (a charger) one after another, in the order they were asked for. The pool runs
 * statements on several connections at once, so two writes of one charger issued back to back (a
 * connection then its status, two statuses of one connector) could otherwise commit in either order.
 */
export class KeyedChain {
  #tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.#tails.get(key);
    const next = prev ? prev.then(fn, fn) : fn();
    const tail = next.catch(() => {});
    this.#tails.set(key, tail);
    // The map holds only keys with a write in flight: the last one out removes its key.
    tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return next;
  }

  /**
   * Settles when the writes in flight now have finished (not those asked for meanwhile): what a read
   * waits for. Nothing in flight: settles at once.
   */
  async settled(): Promise<void> {
    if (this.#tails.size > 0) await Promise.all([...this.#tails.values()]);
  }

  /** Settles when every write asked for so far has finished. */
  async idle(): Promise<void> {
    while (this.#tails.size > 0) await Promise.all([...this.#tails.values()]);
  }
}
