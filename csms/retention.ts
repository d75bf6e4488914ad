/**
 * Deletes old meter values and events on a timer: hourly, and again soon while
 * a backlog remains, in bounded chunks so no single run blocks the event loop.
 */
import type { CsmsStorage } from "../shared/storage.ts";
import { logger } from "../shared/log.ts";

const log = logger("csms");

const EVERY_MS = 3_600_000;
const BACKLOG_MS = 1_000;
const CHUNK_ROWS = 20_000;

export class Retention {
  #timer?: ReturnType<typeof setTimeout>;
  #stopped = false;

  constructor(
    private readonly store: Pick<CsmsStorage, "prune">,
    private readonly meterDays: number,
    private readonly eventDays: number,
  ) {}

  start(): void {
    if (this.meterDays <= 0 && this.eventDays <= 0) return;
    this.#schedule(BACKLOG_MS);
  }

  /** One pruning pass; resolves with how many rows it deleted. */
  async runOnce(nowMs = Date.now()): Promise<number> {
    try {
      return await this.store.prune(nowMs, this.meterDays, this.eventDays, CHUNK_ROWS);
    } catch (err) {
      if (this.#stopped) return 0; // the database closed under it: shutdown
      log.error("pruning old rows failed:", { error: err });
      return 0;
    }
  }

  #schedule(ms: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(async () => {
      const deleted = await this.runOnce();
      this.#schedule(deleted >= CHUNK_ROWS ? BACKLOG_MS : EVERY_MS);
    }, ms);
    // Housekeeping alone must not keep a process alive.
    Deno.unrefTimer(this.#timer);
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }
}
