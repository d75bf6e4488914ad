/**
 * One-shot timers that die with their owner: once stop() is called, none of
 * them fires, even one whose callback is already queued.
 */
export type Timer = ReturnType<typeof setTimeout>;

export class Timers {
  #timers = new Set<Timer>();
  #stopped = false;

  /** Runs `fn` after `ms`, unless stopped by then. */
  later(ms: number, fn: () => void): Timer {
    const t = setTimeout(() => {
      this.#timers.delete(t);
      if (!this.#stopped) fn();
    }, ms);
    this.#timers.add(t);
    return t;
  }

  cancel(t: Timer | undefined): void {
    if (t === undefined) return;
    clearTimeout(t);
    this.#timers.delete(t);
  }

  stop(): void {
    this.#stopped = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
  }
}
