/**
 * Batches the CSMS's writes into one SQLite transaction per batch, and runs them on a thread of their own
 * (writer_worker.ts, its own connection): executing statements and committing them (writing every
 * changed page to the WAL) was half of the CSMS's CPU under load, on the same event loop that answers
 * the chargers. The CSMS keeps reading on its own connection (WAL: readers and the writer never wait for
 * each other).
 *
 * Two kinds of writes: ordered ops (inserts and updates that must all happen, in order) and coalesced
 * ops keyed by statement and row (a charger's last-seen time, a transaction's latest meter reading),
 * where only the newest matters. Flush hooks let a caller turn its own pending state into writes only
 * when a batch is about to be sent, instead of on every message; with `hookDelayMs` they run at most
 * that often (the latest reading of each charger: kept in memory, written every few seconds instead of
 * once per commit), and always on `flush(true)`, `sync(true)` and `close()`.
 *
 * Callers that must not answer before their write is committed (a transaction id handed to a charger, a
 * transaction's meter values) await `durable()`. That is a group commit: the first waiter has the batch
 * sent once the event loop has run what is already queued (every message read in that turn shares it),
 * and while batches commit on the writer's thread (at most `maxInFlight`, so that the thread never idles
 * between two) everything queued meanwhile waits to go as one. No fixed delay: the wait is the commit
 * itself. Readers that must see every write queued so far await `sync()`.
 */
import type { SQLInputValue } from "node:sqlite";
import { clearImmediate, setImmediate } from "node:timers";
import { logger } from "../../../shared/log.ts";
import { storeCommits } from "../../../shared/metrics.ts";
import type { WriterBatch, WriterReply, WriterRequest } from "./writer_worker.ts";

const log = logger("csms");
const commits = storeCommits("sqlite");

export interface WriterOptions {
  /**
   * How long the first queued write waits for company when nobody waits for it. Longer batches are much
   * cheaper per row (a commit costs about the same for 100 rows as for 2,000).
   */
  delayMs?: number;
  /**
   * The wait once someone awaits `durable()`: a charger is waiting for its answer. 0 (the default) sends
   * the batch once the event loop has run what is already queued (setImmediate: a setTimeout of 0 waits
   * a millisecond or two in Deno): group commit, with no delay of its own.
   */
  urgentDelayMs?: number;
  /**
   * How long flush hooks may wait after `hookPending()` before they must run (0, the default: with the
   * next batch). `flush(true)` and `close()` run them at once.
   */
  hookDelayMs?: number;
  /** Send a batch at once when this many ops are queued (and fewer than `maxInFlight` are committing). */
  maxOps?: number;
  /** Batches sent and not yet committed at most: what queues up meanwhile waits to go as one. */
  maxInFlight?: number;
  /** The writer connection's busy timeout: how long a commit waits for a lock someone else holds. */
  busyTimeoutMs?: number;
  /**
   * SQLite's automatic checkpoint on the writer's connection, in WAL pages (SQLite's default is 1,000).
   * Larger when a checkpointer thread does the work (checkpointer.ts), as a fallback only.
   */
  autocheckpointPages?: number;
  /** Where failures are told, a line each (default: the CSMS's log). */
  log?(line: string): void;
}

/** A statement the writer's thread has prepared (or will, with the first batch that uses it). */
export interface WriteStatement {
  readonly id: number;
  readonly sql: string;
}

interface ResultWaiter {
  resolve(changes: number): void;
  reject(err: Error): void;
}

interface InFlight {
  seq: number;
  /** What durable() hands out for this batch: one promise, however many wait (a whole fleet may). */
  committed?: PromiseWithResolvers<void>;
  results: ResultWaiter[];
}

export class BatchWriter {
  #worker: Worker;
  #opened = Promise.withResolvers<void>();
  #closedByWorker = Promise.withResolvers<void>();
  #delayMs: number;
  #urgentDelayMs: number;
  #urgent = false;
  #maxOps: number;
  #log: (line: string) => void;
  #defs: WriteStatement[] = [];
  #defsSent = 0;
  // Parallel arrays: no object per op on the hot path.
  #stmts: number[] = [];
  #params: SQLInputValue[][] = [];
  /** Indexes of ops in #stmts whose changed rows someone waits for, and who. */
  #want: number[] = [];
  #results: ResultWaiter[] = [];
  #coalesced = new Map<WriteStatement, Map<string | number, SQLInputValue[]>>();
  #coalescedCount = 0;
  #hooks: Array<() => void> = [];
  #hooksDirty = false;
  /** The hooks' wait is over (or there is none): they run with the next batch. */
  #hooksDue = false;
  #hookDelayMs: number;
  #hookTimer?: ReturnType<typeof setTimeout>;
  #inHooks = false;
  /** The next batch's promise, once someone waits for it. */
  #committed?: PromiseWithResolvers<void>;
  #timer?: ReturnType<typeof setTimeout>;
  #immediate?: ReturnType<typeof setImmediate>;
  #seq = 0;
  #maxInFlight: number;
  /** Batches sent, oldest first: the writer's thread commits them in order. */
  #inFlight: InFlight[] = [];
  /** Set once the writer's thread cannot write any more (it failed, or never opened the database). */
  #broken?: Error;
  #closed = false;
  #closing?: Promise<void>;
  /** Batches committed and ops written, for tests and measurements. */
  readonly stats = { batches: 0, ops: 0, failedOps: 0, failedBatches: 0, droppedAfterClose: 0 };

  /** Starts the writer's thread on the database file at `path`; `ready()` says when it has opened it. */
  constructor(path: string, options: WriterOptions = {}) {
    this.#delayMs = options.delayMs ?? 50;
    this.#urgentDelayMs = options.urgentDelayMs ?? 0;
    this.#hookDelayMs = options.hookDelayMs ?? 0;
    this.#maxOps = options.maxOps ?? 5000;
    this.#maxInFlight = options.maxInFlight ?? 2;
    this.#log = options.log ?? ((line) => log.error(line));
    this.#worker = new Worker(new URL("./writer_worker.ts", import.meta.url).href, { type: "module" });
    this.#worker.onmessage = (e: MessageEvent<WriterReply>) => this.#onReply(e.data);
    this.#worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      this.#fail(new Error(`the SQLite writer thread failed: ${e.message}`));
    };
    this.#post({
      type: "open",
      path,
      busyTimeoutMs: options.busyTimeoutMs ?? 5000,
      autocheckpointPages: options.autocheckpointPages ?? 1000,
    });
    // A failure is also said by every write that follows; an unawaited ready() must not be unhandled.
    this.#opened.promise.catch(() => {});
  }

  /** Resolves once the writer's thread has opened the database; rejects if it could not. */
  ready(): Promise<void> {
    return this.#opened.promise;
  }

  /** A statement for `write`, `coalesce` and `run`; prepared by the writer's thread when first sent. */
  prepare(sql: string): WriteStatement {
    const stmt = { id: this.#defs.length, sql };
    this.#defs.push(stmt);
    return stmt;
  }

  get pending(): number {
    return this.#stmts.length + this.#coalescedCount + (this.#hooksDirty && this.#hooksDue ? 1 : 0);
  }

  /** Queues a write that must happen, after every write queued before it. */
  write(stmt: WriteStatement, params: SQLInputValue[]): void {
    if (this.#refuse()) return;
    this.#stmts.push(stmt.id);
    this.#params.push(params);
    this.#schedule();
  }

  /** Queues a write like `write` and resolves with the number of rows it changed, once committed. */
  run(stmt: WriteStatement, params: SQLInputValue[]): Promise<number> {
    if (this.#broken) return Promise.reject(this.#broken);
    if (this.#closed) return Promise.reject(new Error("the database is closed"));
    return new Promise<number>((resolve, reject) => {
      this.#want.push(this.#stmts.length);
      this.#results.push({ resolve, reject });
      this.#stmts.push(stmt.id);
      this.#params.push(params);
      this.#hurry();
    });
  }

  /**
   * Queues a write that replaces any not yet sent write of the same statement for the same key (usually
   * the row's id). Runs after the ordered ops.
   */
  coalesce(stmt: WriteStatement, key: string | number, params: SQLInputValue[]): void {
    if (this.#refuse()) return;
    let byKey = this.#coalesced.get(stmt);
    if (!byKey) this.#coalesced.set(stmt, byKey = new Map());
    if (!byKey.has(key)) this.#coalescedCount++;
    byKey.set(key, params);
    this.#schedule();
  }

  /** Registers a hook that runs when a batch is about to be sent; it may queue writes. */
  addFlushHook(hook: () => void): void {
    this.#hooks.push(hook);
  }

  /** Says that a flush hook has something to write: a batch will go soon, or within `hookDelayMs`. */
  hookPending(): void {
    if (this.#refuse()) return;
    if (this.#hooksDirty) return;
    this.#hooksDirty = true;
    if (this.#hookDelayMs <= 0) {
      this.#hooksDue = true;
      this.#schedule();
      return;
    }
    this.#hookTimer = setTimeout(() => {
      this.#hookTimer = undefined;
      this.#hooksDue = true;
      this.#schedule();
    }, this.#hookDelayMs);
  }

  /** Resolves once everything queued so far is committed; rejects if that commit failed. */
  durable(): Promise<void> {
    if (this.#broken) return Promise.reject(this.#broken);
    if (this.pending === 0) {
      const last = this.#inFlight.at(-1);
      if (!last) return Promise.resolve();
      return (last.committed ??= Promise.withResolvers()).promise;
    }
    this.#hurry();
    return (this.#committed ??= Promise.withResolvers()).promise;
  }

  /**
   * Resolves once everything queued so far is committed, with `all` the flush hooks' state too: what a
   * read must await to see every write the CSMS has made (and, with `all`, the latest readings).
   */
  sync(all = false): Promise<void> {
    if (all) this.#runHooks(true);
    return this.durable();
  }

  /**
   * Sends what is queued now, or as soon as the batch being committed is; with `all`, flush hooks run even
   * before their delay is over. Never throws: a failed op is logged and skipped, the rest commit.
   */
  flush(all = false): void {
    this.#cancelTimers();
    this.#runHooks(all);
    if (this.#inFlight.length >= this.#maxInFlight || this.pending === 0) return;
    this.#send();
  }

  /** Commits what is queued, refuses further writes and stops the writer's thread. */
  close(): Promise<void> {
    return this.#closing ??= (async () => {
      const last = this.sync(true).catch(() => {});
      this.#closed = true;
      await last;
      this.#cancelTimers();
      clearTimeout(this.#hookTimer);
      if (!this.#broken) {
        this.#post({ type: "close" });
        await this.#closedByWorker.promise;
      }
      this.#worker.terminate();
    })();
  }

  #post(m: WriterRequest): void {
    this.#worker.postMessage(m);
  }

  /** Someone waits for the next batch: send it at the end of this turn of the event loop. */
  #hurry(): void {
    if (this.#urgent) return;
    this.#urgent = true;
    this.#cancelTimers();
    this.#schedule();
  }

  /**
   * After close (shutdown), a late event such as a socket that finished closing after the wait must not
   * throw into an event handler: its write is dropped and counted, and said once.
   */
  #refuse(): boolean {
    if (!this.#closed && !this.#broken) return false;
    if (this.stats.droppedAfterClose++ === 0) {
      this.#log(`write after the database was ${this.#broken ? "lost" : "closed"}, dropped`);
    }
    return true;
  }

  #schedule(): void {
    // Writes a flush hook queues go with the batch that runs it.
    if (this.#inHooks) return;
    if (this.#stmts.length >= this.#maxOps && this.#inFlight.length < this.#maxInFlight) {
      this.flush();
      return;
    }
    if (this.#urgent && this.#urgentDelayMs <= 0) {
      this.#immediate ??= setImmediate(() => {
        this.#immediate = undefined;
        this.flush();
      });
      return;
    }
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      this.flush();
    }, this.#urgent ? this.#urgentDelayMs : this.#delayMs);
  }

  #cancelTimers(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#immediate !== undefined) clearImmediate(this.#immediate);
    this.#immediate = undefined;
  }

  #runHooks(all: boolean): void {
    if (!this.#hooksDirty || !(this.#hooksDue || all)) return;
    this.#hooksDirty = false;
    this.#hooksDue = false;
    clearTimeout(this.#hookTimer);
    this.#hookTimer = undefined;
    this.#inHooks = true;
    for (const hook of this.#hooks) {
      try {
        hook();
      } catch (err) {
        this.#log(`flush hook failed: ${(err as Error).message}`);
      }
    }
    this.#inHooks = false;
  }

  #send(): void {
    const stmts = this.#stmts, params = this.#params;
    for (const [stmt, byKey] of this.#coalesced) {
      for (const p of byKey.values()) {
        stmts.push(stmt.id);
        params.push(p);
      }
    }
    const batch: WriterBatch = {
      type: "batch",
      seq: ++this.#seq,
      defs: this.#defs.slice(this.#defsSent).map((d) => [d.id, d.sql]),
      stmts,
      params,
      want: this.#want,
    };
    this.#defsSent = this.#defs.length;
    this.#inFlight.push({ seq: batch.seq, committed: this.#committed, results: this.#results });
    this.#stmts = [];
    this.#params = [];
    this.#want = [];
    this.#results = [];
    this.#coalesced = new Map();
    this.#coalescedCount = 0;
    this.#committed = undefined;
    this.#urgent = false;
    this.#post(batch);
  }

  #onReply(m: WriterReply): void {
    switch (m.type) {
      case "opened":
        this.#opened.resolve();
        return;
      case "open-failed":
        this.#fail(new Error(`cannot open the database for writing: ${m.message}`));
        return;
      case "closed":
        this.#closedByWorker.resolve();
        return;
      case "committed":
        this.#onCommitted(m);
    }
  }

  #onCommitted(m: Extract<WriterReply, { type: "committed" }>): void {
    const batch = this.#inFlight[0];
    if (!batch || batch.seq !== m.seq) return;
    this.#inFlight.shift();
    for (const line of m.logs) this.#log(line);
    if (m.error === undefined) {
      commits.observe(m.seconds);
      this.stats.batches++;
      this.stats.ops += m.ops;
      this.stats.failedOps += m.failedOps;
      batch.committed?.resolve();
      batch.results.forEach((r, i) => r.resolve(m.changes[i]));
    } else {
      this.stats.failedBatches++;
      const err = new Error(`commit of ${m.ops} writes failed: ${m.error}`);
      this.#log(err.message);
      batch.committed?.reject(err);
      for (const r of batch.results) r.reject(err);
    }
    // Whatever queued up while that batch committed goes now if someone waits for it.
    if (this.#urgent && this.pending > 0) this.flush();
    else if (this.pending > 0) this.#schedule();
  }

  /** The writer's thread is gone: nothing queued or sent can be committed any more. */
  #fail(err: Error): void {
    if (this.#broken) return;
    this.#broken = err;
    this.#log(err.message);
    this.#opened.reject(err);
    this.#closedByWorker.resolve();
    this.#cancelTimers();
    clearTimeout(this.#hookTimer);
    const waiters = [...this.#inFlight.map((b) => b.committed), this.#committed];
    const results = [...this.#inFlight.flatMap((b) => b.results), ...this.#results];
    this.#inFlight = [];
    this.#committed = undefined;
    this.#results = [];
    for (const w of waiters) w?.reject(err);
    for (const r of results) r.reject(err);
  }
}
