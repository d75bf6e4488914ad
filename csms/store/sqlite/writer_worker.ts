/**
 * The SQLite writer's thread (see writer.ts): its own connection to the CSMS database, on which it runs
 * each batch the CSMS sends as one transaction and says when it has committed. Statements arrive as SQL
 * once and are prepared here once; every op after that is a statement number and its parameters.
 */
import { DatabaseSync, type SQLInputValue, type StatementSync } from "node:sqlite";
import { tuneConnection } from "./db.ts";

export interface WriterOpen {
  type: "open";
  path: string;
  busyTimeoutMs: number;
  /** SQLite's automatic checkpoint on this connection, in WAL pages. */
  autocheckpointPages: number;
}

export interface WriterBatch {
  type: "batch";
  seq: number;
  /** Statements not sent before: [number, SQL]. */
  defs: Array<[number, string]>;
  stmts: number[];
  params: SQLInputValue[][];
  /** Indexes of the ops whose number of changed rows the CSMS waits for. */
  want: number[];
}

export type WriterRequest = WriterOpen | WriterBatch | { type: "close" };

export type WriterReply =
  | { type: "opened" }
  | { type: "open-failed"; message: string }
  | {
    type: "committed";
    seq: number;
    ops: number;
    failedOps: number;
    /** From BEGIN to the end of COMMIT, seconds. */
    seconds: number;
    /** Changed rows of each wanted op, in the order of `want`. */
    changes: number[];
    /** Set when the whole batch was rolled back. */
    error?: string;
    /** What went wrong with single ops, at most a few lines a batch. */
    logs: string[];
  }
  | { type: "closed" };

/** Lines about failed ops sent back per batch: one bad charger must not flood the log. */
const MAX_LOG_LINES = 5;

const self = globalThis as unknown as {
  onmessage: ((e: MessageEvent<WriterRequest>) => void) | null;
  postMessage(m: WriterReply): void;
  close(): void;
};

let db: DatabaseSync | undefined;
const prepared: StatementSync[] = [];
let begin: StatementSync, commit: StatementSync, rollback: StatementSync;

function open(m: WriterOpen): void {
  try {
    db = new DatabaseSync(m.path);
    tuneConnection(db, m.busyTimeoutMs);
    db.exec(`PRAGMA wal_autocheckpoint = ${m.autocheckpointPages}`);
    // After a checkpoint has caught up, the next commit starts the WAL over; this trims the file then.
    db.exec("PRAGMA journal_size_limit = 67108864");
    begin = db.prepare("BEGIN IMMEDIATE");
    commit = db.prepare("COMMIT");
    rollback = db.prepare("ROLLBACK");
    self.postMessage({ type: "opened" });
  } catch (err) {
    db?.close();
    db = undefined;
    self.postMessage({ type: "open-failed", message: (err as Error).message });
  }
}

function batch(m: WriterBatch): void {
  const logs: string[] = [];
  const changes: number[] = new Array(m.want.length).fill(0);
  let failedOps = 0;
  let error: string | undefined;
  let began = false;
  const start = performance.now();
  try {
    if (!db) throw new Error("the database is not open");
    for (const [id, sql] of m.defs) prepared[id] = db.prepare(sql);
    begin.run();
    began = true;
    let w = 0;
    for (let i = 0; i < m.stmts.length; i++) {
      const stmt = prepared[m.stmts[i]];
      try {
        const r = stmt.run(...m.params[i]);
        if (m.want[w] === i) changes[w++] = Number(r.changes);
      } catch (err) {
        // One bad statement must not cost the batch: SQLite undoes just that statement.
        if (m.want[w] === i) w++;
        if (failedOps++ < MAX_LOG_LINES) {
          logs.push(`write failed (${stmt.sourceSQL.slice(0, 60)}…): ${(err as Error).message}`);
        }
      }
    }
    commit.run();
  } catch (err) {
    error = (err as Error).message;
    // Only our own transaction: a BEGIN that failed must not roll back someone else's.
    if (began) {
      try {
        rollback.run();
      } catch { /* already rolled back by SQLite */ }
    }
  }
  const reply: WriterReply = {
    type: "committed",
    seq: m.seq,
    ops: m.stmts.length,
    failedOps,
    seconds: (performance.now() - start) / 1000,
    changes,
    logs,
  };
  if (error !== undefined) reply.error = error;
  self.postMessage(reply);
}

self.onmessage = (e: MessageEvent<WriterRequest>) => {
  const m = e.data;
  if (m.type === "batch") batch(m);
  else if (m.type === "open") open(m);
  else {
    try {
      db?.close();
    } catch { /* closing anyway */ }
    db = undefined;
    self.postMessage({ type: "closed" });
    self.close();
  }
};
