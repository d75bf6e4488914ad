/**
 * A sliding-window counter: has something happened more than `limit` times in
 * the last `windowMs`? Small limits keep the last `limit` timestamps (exact),
 * allocated on the first hit, so a well-behaved charger costs nothing. Large
 * limits count in 60 buckets instead (exact to one bucket, 1 s for a minute),
 * so that BAD_FRAMES_PER_MINUTE=1000000 costs 60 numbers per connection, not 8 MB.
 */
const EXACT_UP_TO = 256;
const BUCKETS = 60;

export class SlidingWindowLimit {
  #times?: Float64Array;
  #next = 0;
  #count = 0;
  #buckets?: Float64Array;
  #lastSlot = -Infinity;

  constructor(readonly limit: number, readonly windowMs: number) {}

  /** Records one event at `now` (ms); true when it is one too many. A limit of 0 never trips. */
  hit(now: number): boolean {
    if (this.limit <= 0) return false;
    return this.limit <= EXACT_UP_TO ? this.#exact(now, false) : this.#bucketed(now, false);
  }

  /**
   * Records an event at `now` only if it is within the limit; true when it was. Unlike `hit`, what is
   * refused is not counted, so a steady flood still gets `limit` events through every window (log lines
   * that say what the others were, say). A limit of 0 allows everything.
   */
  allow(now: number): boolean {
    if (this.limit <= 0) return true;
    return !(this.limit <= EXACT_UP_TO ? this.#exact(now, true) : this.#bucketed(now, true));
  }

  /** Records an event (with `onlyIfRoom`, unless it is one too many); true when it is one too many. */
  #exact(now: number, onlyIfRoom: boolean): boolean {
    this.#times ??= new Float64Array(this.limit);
    // The slot about to be overwritten holds the limit-th most recent event.
    const oldest = this.#times[this.#next];
    const full = this.#count === this.limit;
    if (onlyIfRoom && full && now - oldest < this.windowMs) return true;
    this.#times[this.#next] = now;
    this.#next = (this.#next + 1) % this.limit;
    if (!full) this.#count++;
    return full && now - oldest < this.windowMs;
  }

  #bucketed(now: number, onlyIfRoom: boolean): boolean {
    this.#buckets ??= new Float64Array(BUCKETS);
    const slot = Math.floor(now / (this.windowMs / BUCKETS));
    if (slot - this.#lastSlot >= BUCKETS) {
      this.#buckets.fill(0);
      this.#count = 0;
    } else {
      // Buckets that fell out of the window since the last event are emptied.
      for (let s = this.#lastSlot + 1; s <= slot; s++) {
        this.#count -= this.#buckets[s % BUCKETS];
        this.#buckets[s % BUCKETS] = 0;
      }
    }
    if (slot > this.#lastSlot) this.#lastSlot = slot;
    if (onlyIfRoom && this.#count >= this.limit) return true;
    this.#buckets[this.#lastSlot % BUCKETS]++;
    this.#count++;
    return this.#count > this.limit;
  }
}
