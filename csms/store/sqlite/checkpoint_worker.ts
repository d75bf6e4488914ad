/**
 * The WAL checkpointer's thread (see checkpointer.ts): its own connection to the CSMS database, copying
 * committed pages from the WAL into the database file, and fsyncing both, off the CSMS's event loop.
 * PASSIVE: it never waits for and never blocks the writer.
 */
import { DatabaseSync, type StatementSync } from "node:sqlite";

export interface CheckpointerInit {
  path: string;
  everyMs: number;
}

export type CheckpointerMessage =
  | { type: "ready" }
  /** Pages this checkpoint copied into the database file (sent only when some were). */
  | { type: "checkpointed"; pages: number }
  | { type: "failed"; message: string }
  | { type: "stopped" };

const self = globalThis as unknown as {
  onmessage: ((e: MessageEvent) => void) | null;
  postMessage(m: CheckpointerMessage): void;
  close(): void;
};

let db: DatabaseSync | undefined;
let passive: StatementSync | undefined;
let timer: ReturnType<typeof setInterval> | undefined;
let failures = 0;
/** What the last checkpoint reported: SQLite's counts run over the current WAL, not per checkpoint. */
let last = { log: 0, checkpointed: 0 };

function checkpoint(): void {
  if (!passive) return;
  try {
    const r = passive.get() as { log: number; checkpointed: number };
    // A WAL that shrank has restarted from its beginning: all it reports copied is new.
    const restarted = r.log < last.log || r.checkpointed < last.checkpointed;
    const pages = restarted ? r.checkpointed : r.checkpointed - last.checkpointed;
    last = { log: r.log, checkpointed: r.checkpointed };
    // Nothing copied, nothing said: an idle CSMS's event loop is not woken five times a second.
    if (pages > 0) self.postMessage({ type: "checkpointed", pages });
  } catch (err) {
    // Said once: the writer's own automatic checkpoint still bounds the WAL.
    if (failures++ === 0) self.postMessage({ type: "failed", message: (err as Error).message });
  }
}

self.onmessage = (e: MessageEvent) => {
  const m = e.data as { type: "start"; init: CheckpointerInit } | { type: "stop" };
  if (m.type === "start") {
    try {
      db = new DatabaseSync(m.init.path);
      db.exec("PRAGMA busy_timeout = 5000");
      passive = db.prepare("PRAGMA wal_checkpoint(PASSIVE)");
    } catch (err) {
      self.postMessage({ type: "failed", message: (err as Error).message });
      return;
    }
    timer = setInterval(checkpoint, m.init.everyMs);
    self.postMessage({ type: "ready" });
    return;
  }
  clearInterval(timer);
  try {
    db?.close();
  } catch { /* closing anyway */ }
  db = undefined;
  passive = undefined;
  self.postMessage({ type: "stopped" });
  self.close();
};
