/**
 * Collects keys marked dirty and hands them over in one batch at most every
 * `intervalMs`: the bridge uses it so a charger that sends ten meter values a
 * second still costs the fleet view only a few updates a second. The first mark
 * after a quiet spell goes out on the next tick, so the view stays prompt.
 */
export class Coalescer<K> {
  #dirty = new Set<K>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lastFlush = -Infinity;
  #closed = false;

  constructor(
    private readonly intervalMs: number,
    private readonly flush: (keys: K[]) => void,
  ) {}

  mark(key: K): void {
    if (this.#closed) return;
    this.#dirty.add(key);
    if (this.#timer !== undefined) return;
    const wait = Math.max(0, this.#lastFlush + this.intervalMs - performance.now());
    this.#timer = setTimeout(() => this.#run(), wait);
  }

  get pending(): number {
    return this.#dirty.size;
  }

  #run(): void {
    this.#timer = undefined;
    this.#lastFlush = performance.now();
    const keys = [...this.#dirty];
    this.#dirty.clear();
    if (keys.length > 0) this.flush(keys);
  }

  /** Drops pending keys and cancels the timer. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#dirty.clear();
  }
}
