/**
 * Best-effort writes, gathered in memory and written together every FLUSH_EVERY_MS: a charger's last
 * frame time (every frame touches it), refusals (a flood of made-up ids must cost no write each) and
 * event-log lines. Each kind is one statement per flush, whatever the number of chargers. The timer runs
 * only while something waits, so an idle engine holds no timer.
 */

import { logger } from "../../../shared/log.ts";
import { storeCommits } from "../../../shared/metrics.ts";

const log = logger("postgres storage");
const commits = storeCommits("postgres");

/** How long best-effort writes wait in memory at most. */
export const FLUSH_EVERY_MS = 2000;

/** One kind of pending writes: takes what it holds (synchronously) and writes it. */
export type Flusher = () => Promise<void> | undefined;

export class Background {
  #flushers: Flusher[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running: Promise<void> | undefined;
  #closed = false;

  constructor(private readonly everyMs = FLUSH_EVERY_MS) {}

  add(flusher: Flusher): void {
    this.#flushers.push(flusher);
  }

  /** Something waits: written within everyMs. */
  pending(): void {
    if (this.#timer !== undefined || this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.flush();
    }, this.everyMs);
  }

  /**
   * Settles once everything asked for so far is written: a flush running is waited for, and what waits
   * for the timer is flushed now. Nothing waits (no timer, no flush running): settles at once, no query.
   */
  async settled(): Promise<void> {
    if (this.#timer === undefined && this.#running === undefined) return;
    await this.flush();
  }

  /** Writes everything pending now; a flush already running is waited for first, then this one runs. */
  async flush(): Promise<void> {
    while (this.#running) await this.#running;
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    const run = this.#run();
    this.#running = run;
    try {
      await run;
    } finally {
      this.#running = undefined;
    }
  }

  async #run(): Promise<void> {
    // Taken synchronously, all of them, before the first await: what arrives meanwhile waits for the next.
    const start = performance.now();
    const writes = this.#flushers.map((f) => f()).filter((p) => p !== undefined).map((p) =>
      // One statement each, so one commit each.
      p.then(() => commits.observe((performance.now() - start) / 1000))
    );
    const results = await Promise.allSettled(writes);
    for (const r of results) {
      // Best effort by design (see shared/storage.ts): a lost last-seen time or log line is logged, and
      // the next flush carries on.
      if (r.status === "rejected") log.warn(`a best-effort write failed: ${r.reason}`);
    }
  }

  /** Writes what is pending and stops the timer for good. */
  async close(): Promise<void> {
    await this.flush();
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
