/**
 * One timer for many chargers: physics, heartbeats, meter sampling and the
 * auto driver of a whole fleet advance on a single interval instead of
 * thousands of timers, each subscriber told the same `now`.
 */
export type TickListener = (now: number) => void;

export class Ticker {
  #subs = new Set<TickListener>();
  #timer?: ReturnType<typeof setInterval>;
  #onError: (err: unknown) => void;

  constructor(readonly intervalMs = 1_000, onError: (err: unknown) => void = (e) => console.error(e)) {
    this.#onError = onError;
  }

  /** Subscribes; the interval runs while anyone listens. Returns the unsubscribe function. */
  add(fn: TickListener): () => void {
    this.#subs.add(fn);
    this.#timer ??= setInterval(() => this.#tick(), this.intervalMs);
    return () => {
      this.#subs.delete(fn);
      if (this.#subs.size === 0 && this.#timer !== undefined) {
        clearInterval(this.#timer);
        this.#timer = undefined;
      }
    };
  }

  #tick(): void {
    const now = Date.now();
    for (const fn of this.#subs) {
      // One charger's bug must not stop the fleet's clock.
      try {
        fn(now);
      } catch (err) {
        this.#onError(err);
      }
    }
  }
}
