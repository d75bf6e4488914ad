/**
 * Batches writes into one SQLite transaction per short window, so that a busy
 * CSMS pays one commit for hundreds of statements instead of one each.
 *
 * Two kinds of writes: ordered ops (inserts and updates that must all happen,
 * in order) and coalesced ops keyed by statement and row (a charger's last-seen
 * time, a transaction's latest meter reading), where only the newest matters.
 * Flush hooks let a caller turn its own pending state into writes only when a
 * batch is about to commit, instead of on every message.
 * Callers that must not answer before their write is on disk (a transaction id
 * handed to a charger) await `durable()`.
 */
import type { DatabaseSync, SQLInputValue, StatementSync } from "node:sqlite";

export interface WriterOptions {
  /**
   * How long the first queued write waits for company before the batch commits. Longer batches are much
   * cheaper per row (a commit costs about the same for 100 rows as for 2,000), at the price of a longer
   * pause when one commits.
   */
  delayMs?: number;
  /** The wait once someone awaits `durable()`: a charger is waiting for its answer. */
  urgentDelayMs?: number;
  /** Commit at once when this many ops are queued. */
  maxOps?: number;
  log?(line: string): void;
}

interface Waiter {
  resolve(): void;
  reject(err: Error): void;
}

export class BatchWriter {
  #db: DatabaseSync;
  #delayMs: number;
  #urgentDelayMs: number;
  #urgent = false;
  #maxOps: number;
  #log: (line: string) => void;
  // Parallel arrays: no object per op on the hot path.
  #stmts: StatementSync[] = [];
  #params: SQLInputValue[][] = [];
  #coalesced = new Map<StatementSync, Map<string | number, SQLInputValue[]>>();
  #coalescedCount = 0;
  #hooks: Array<() => void> = [];
  #hooksDirty = false;
  #waiters: Waiter[] = [];
  #timer?: ReturnType<typeof setTimeout>;
  #closed = false;
  /** Batches committed and ops written, for tests and measurements. */
  readonly stats = { batches: 0, ops: 0, failedOps: 0, droppedAfterClose: 0 };

  constructor(db: DatabaseSync, options: WriterOptions = {}) {
    this.#db = db;
    this.#delayMs = options.delayMs ?? 50;
    this.#urgentDelayMs = options.urgentDelayMs ?? 5;
    this.#maxOps = options.maxOps ?? 2000;
    this.#log = options.log ?? ((line) => console.error(line));
  }

  get pending(): number {
    return this.#stmts.length + this.#coalescedCount + (this.#hooksDirty ? 1 : 0);
  }

  /** Queues a write that must happen, after every write queued before it. */
  write(stmt: StatementSync, params: SQLInputValue[]): void {
    if (this.#refuse()) return;
    this.#stmts.push(stmt);
    this.#params.push(params);
    this.#schedule();
  }

  /**
   * Queues a write that replaces any not yet committed write of the same statement for the same key
   * (usually the row's id). Runs after the ordered ops.
   */
  coalesce(stmt: StatementSync, key: string | number, params: SQLInputValue[]): void {
    if (this.#refuse()) return;
    let byKey = this.#coalesced.get(stmt);
    if (!byKey) this.#coalesced.set(stmt, byKey = new Map());
    if (!byKey.has(key)) this.#coalescedCount++;
    byKey.set(key, params);
    this.#schedule();
  }

  /** Registers a hook that runs when a batch is about to commit; it may queue writes. */
  addFlushHook(hook: () => void): void {
    this.#hooks.push(hook);
  }

  /** Says that a flush hook has something to write: a batch will commit soon. */
  hookPending(): void {
    if (this.#refuse()) return;
    this.#hooksDirty = true;
    this.#schedule();
  }

  /** Resolves once everything queued so far is committed; rejects if that commit failed. */
  durable(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    if (!this.#urgent) {
      this.#urgent = true;
      clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#schedule();
    }
    return new Promise((resolve, reject) => {
      this.#waiters.push({ resolve, reject });
    });
  }

  /**
   * After close (shutdown), a late event such as a socket that finished closing after the wait must not
   * throw into an event handler: its write is dropped and counted, and said once.
   */
  #refuse(): boolean {
    if (!this.#closed) return false;
    if (this.stats.droppedAfterClose++ === 0) this.#log("csms: write after the database was closed, dropped");
    return true;
  }

  #schedule(): void {
    if (this.#stmts.length >= this.#maxOps) {
      this.flush();
      return;
    }
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      this.flush();
    }, this.#urgent ? this.#urgentDelayMs : this.#delayMs);
  }

  /** Commits everything queued, now. Never throws: a failed op is logged and skipped, the rest commit. */
  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#urgent = false;
    if (this.#hooksDirty) {
      this.#hooksDirty = false;
      for (const hook of this.#hooks) {
        try {
          hook();
        } catch (err) {
          this.#log(`csms: flush hook failed: ${(err as Error).message}`);
        }
      }
    }
    if (this.pending === 0) {
      this.#settle(undefined);
      return;
    }
    const stmts = this.#stmts, params = this.#params, coalesced = this.#coalesced;
    const count = stmts.length + this.#coalescedCount;
    this.#stmts = [];
    this.#params = [];
    this.#coalesced = new Map();
    this.#coalescedCount = 0;
    let failed: Error | undefined;
    let began = false;
    try {
      this.#db.exec("BEGIN IMMEDIATE");
      began = true;
      for (let i = 0; i < stmts.length; i++) this.#run(stmts[i], params[i]);
      for (const [stmt, byKey] of coalesced) for (const p of byKey.values()) this.#run(stmt, p);
      this.#db.exec("COMMIT");
      this.stats.batches++;
      this.stats.ops += count;
    } catch (err) {
      failed = err instanceof Error ? err : new Error(String(err));
      this.#log(`csms: commit of ${count} writes failed: ${failed.message}`);
      // Only our own transaction: a BEGIN that failed must not roll back someone else's.
      if (began) {
        try {
          this.#db.exec("ROLLBACK");
        } catch { /* already rolled back by SQLite */ }
      }
    }
    this.#settle(failed);
  }

  #run(stmt: StatementSync, params: SQLInputValue[]): void {
    try {
      stmt.run(...params);
    } catch (err) {
      // One bad statement must not cost the batch: SQLite undoes just that statement.
      this.stats.failedOps++;
      this.#log(`csms: write failed (${stmt.sourceSQL.slice(0, 60)}…): ${(err as Error).message}`);
    }
  }

  #settle(err: Error | undefined): void {
    const waiters = this.#waiters;
    if (waiters.length === 0) return;
    this.#waiters = [];
    for (const w of waiters) err ? w.reject(err) : w.resolve();
  }

  /** Commits what is queued and refuses further writes. */
  close(): void {
    if (this.#closed) return;
    this.flush();
    this.#closed = true;
  }
}
