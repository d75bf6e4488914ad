/** Opens the CSMS database under DATA_DIR with the settings a busy, crash-safe writer needs. */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { migrate } from "./migrations.ts";

export const DB_FILE = "csms.sqlite";

export function openDatabase(dataDir: string): DatabaseSync {
  mkdirSync(dataDir, { recursive: true });
  const db = new DatabaseSync(join(dataDir, DB_FILE));
  try {
    // WAL: readers never block the writer. synchronous=NORMAL: a commit is safe against a process crash
    // (the WAL is in the OS), and only a power loss may drop the last commits; fsync happens at checkpoints.
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("PRAGMA synchronous = NORMAL");
    db.exec("PRAGMA busy_timeout = 5000");
    db.exec("PRAGMA temp_store = MEMORY");
    migrate(db);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}
