/** Opens the CSMS database under DATA_DIR with the settings a busy, crash-safe writer needs. */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { migrate } from "./migrations.ts";

export const DB_FILE = "csms.sqlite";

export function databasePath(dataDir: string): string {
  return join(dataDir, DB_FILE);
}

/**
 * Per-connection settings, for every connection to the database (the CSMS's own, the writer's and the
 * checkpointer's threads).
 */
export function tuneConnection(db: DatabaseSync, busyTimeoutMs = 5000): void {
  // synchronous=NORMAL under WAL: a commit is in the WAL file, in the operating system's hands, when it
  // returns, so it survives the CSMS process crashing or being killed (SIGKILL: what the crash-recovery
  // tests do), and an answer sent after the commit is never lost that way. Only a power loss or kernel
  // crash may drop the last commits (the WAL is fsynced at each checkpoint, not at each commit); FULL
  // would fsync every commit, hundreds a second under load.
  db.exec("PRAGMA synchronous = NORMAL");
  db.exec(`PRAGMA busy_timeout = ${busyTimeoutMs}`);
  db.exec("PRAGMA temp_store = MEMORY");
}

export function openDatabase(dataDir: string): DatabaseSync {
  mkdirSync(dataDir, { recursive: true });
  const db = new DatabaseSync(databasePath(dataDir));
  try {
    // WAL: readers never block the writer, and the writer (its own thread) never blocks readers.
    db.exec("PRAGMA journal_mode = WAL");
    tuneConnection(db);
    migrate(db);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}
