/** A clock for tests: time moves only when the test says, and sleepers wake in order as it passes them. */
import type { Clock } from "./clock.ts";

export class ManualClock implements Clock {
  #now = 0;
  #sleepers: { at: number; wake: () => void }[] = [];

  now(): number {
    return this.#now;
  }

  isoNow(): string {
    return new Date(Date.UTC(2026, 0, 1) + this.#now).toISOString();
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const sleeper = { at: this.#now + ms, wake: () => resolve() };
      this.#sleepers.push(sleeper);
      signal?.addEventListener("abort", () => {
        this.#sleepers = this.#sleepers.filter((s) => s !== sleeper);
        resolve();
      }, { once: true });
    });
  }

  /** Moves time on by `ms`, waking every sleeper whose time has come; lets their continuations run. */
  async advance(ms: number): Promise<void> {
    this.#now += ms;
    const due = this.#sleepers.filter((s) => s.at <= this.#now);
    this.#sleepers = this.#sleepers.filter((s) => s.at > this.#now);
    for (const s of due) s.wake();
    for (let i = 0; i < 5; i++) await Promise.resolve();
  }

  get sleeping(): number {
    return this.#sleepers.length;
  }
}
