/**
 * Collects keys marked dirty and hands them over in batches, with two bounds: batches go out at most every
 * `batchMs` (a short window: a busy fleet costs a browser at most 1000 / batchMs updates a second), and
 * one key goes out at most every `minIntervalMs` (a charger that sends ten meter values a second still
 * costs the fleet view only a few rows a second). A key marked after its interval is over goes with the
 * next batch; one marked sooner waits out the rest of its interval. The first mark after a quiet spell
 * goes out on the next tick, so the view stays prompt.
 *
 * One interval for the whole fleet (the first version) made every change wait for the next fleet-wide
 * tick: under a steady stream from many chargers, 0 to 400 ms, 200 on average, though each charger
 * changed only once a second.
 */

/** Time and timers, so that tests can run the coalescer on a clock of their own. */
export interface CoalescerClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realClock: CoalescerClock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface CoalescerOptions {
  /** The shortest time between two batches. */
  batchMs: number;
  /** The shortest time between two batches that hold the same key. */
  minIntervalMs: number;
  clock?: CoalescerClock;
}

export class Coalescer<K> {
  /** Keys waiting to go, with the earliest time each may. */
  #dirty = new Map<K, number>();
  /** When each key last went out, while that still holds it back. */
  #sentAt = new Map<K, number>();
  #timer: unknown;
  #timerAt = Infinity;
  #lastFlush = -Infinity;
  #closed = false;
  readonly #batchMs: number;
  readonly #minIntervalMs: number;
  readonly #clock: CoalescerClock;

  constructor(options: CoalescerOptions, private readonly flush: (keys: K[]) => void) {
    this.#batchMs = options.batchMs;
    this.#minIntervalMs = options.minIntervalMs;
    this.#clock = options.clock ?? realClock;
  }

  mark(key: K): void {
    if (this.#closed || this.#dirty.has(key)) return;
    const now = this.#clock.now();
    const sent = this.#sentAt.get(key);
    const due = sent === undefined ? now : Math.max(now, sent + this.#minIntervalMs);
    this.#dirty.set(key, due);
    this.#arm(due);
  }

  get pending(): number {
    return this.#dirty.size;
  }

  /** Makes sure a batch goes out when the earliest waiting key may (and the last batch allows). */
  #arm(due: number): void {
    const at = Math.max(due, this.#lastFlush + this.#batchMs);
    if (at >= this.#timerAt) return;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timerAt = at;
    this.#timer = this.#clock.setTimeout(() => this.#run(), Math.max(0, at - this.#clock.now()));
  }

  #run(): void {
    this.#timer = undefined;
    this.#timerAt = Infinity;
    const now = this.#clock.now();
    const keys: K[] = [];
    let next = Infinity;
    for (const [key, due] of this.#dirty) {
      if (due <= now) keys.push(key);
      else if (due < next) next = due;
    }
    for (const key of keys) {
      this.#dirty.delete(key);
      // Deleted first, so that the map's order is the order of the last sends.
      this.#sentAt.delete(key);
      this.#sentAt.set(key, now);
    }
    // A key sent longer ago than its interval holds nothing back: forgotten, so the map stays small.
    for (const [key, sent] of this.#sentAt) {
      if (sent + this.#minIntervalMs > now) break;
      this.#sentAt.delete(key);
    }
    if (keys.length > 0) this.#lastFlush = now;
    if (next !== Infinity) this.#arm(next);
    if (keys.length > 0) this.flush(keys);
  }

  /** Drops pending keys and cancels the timer. */
  close(): void {
    this.#closed = true;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Infinity;
    this.#dirty.clear();
    this.#sentAt.clear();
  }
}
