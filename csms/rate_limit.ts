/**
 * A sliding-window counter: has something happened more than `limit` times in
 * the last `windowMs`? Keeps only the last `limit` timestamps, allocated on the
 * first hit, so a well-behaved charger costs nothing.
 */
export class SlidingWindowLimit {
  #times?: Float64Array;
  #next = 0;
  #count = 0;

  constructor(readonly limit: number, readonly windowMs: number) {}

  /** Records one event at `now` (ms); true when it is one too many. A limit of 0 never trips. */
  hit(now: number): boolean {
    if (this.limit <= 0) return false;
    this.#times ??= new Float64Array(this.limit);
    // The slot about to be overwritten holds the limit-th most recent event.
    const oldest = this.#times[this.#next];
    const full = this.#count === this.limit;
    this.#times[this.#next] = now;
    this.#next = (this.#next + 1) % this.limit;
    if (!full) this.#count++;
    return full && now - oldest < this.windowMs;
  }
}
