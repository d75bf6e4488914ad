/**
 * The WAL checkpointer's thread (see checkpointer.ts): its own connection to the CSMS database, copying
 * committed pages from the WAL into the database file, and fsyncing both, off the CSMS's event loop.
 * PASSIVE: it never waits for and never blocks the writer.
 */
import { DatabaseSync } from "node:sqlite";

export interface CheckpointerInit {
  path: string;
  everyMs: number;
}

export type CheckpointerMessage =
  | { type: "ready" }
  | { type: "checkpointed"; log: number; checkpointed: number }
  | { type: "failed"; message: string }
  | { type: "stopped" };

const self = globalThis as unknown as {
  onmessage: ((e: MessageEvent) => void) | null;
  postMessage(m: CheckpointerMessage): void;
  close(): void;
};

let db: DatabaseSync | undefined;
let timer: ReturnType<typeof setInterval> | undefined;
let failures = 0;

function checkpoint(): void {
  if (!db) return;
  try {
    const r = db.prepare("PRAGMA wal_checkpoint(PASSIVE)").get() as { log: number; checkpointed: number };
    self.postMessage({ type: "checkpointed", log: r.log, checkpointed: r.checkpointed });
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
  self.postMessage({ type: "stopped" });
  self.close();
};
