/**
 * The portal's own database, `portal.db` in DATA_DIR (node:sqlite, WAL), apart from the CSMS's so the
 * portal can later run as its own process: the SQLite engine of web/store/ (web/store/sqlite.ts; with
 * DATABASE_URL the portal uses PostgreSQL instead, web/store/postgres.ts). Its schema is one list of
 * versioned migrations (users, sessions, tokens, sign-in limits, the audit log), so every connection that
 * opens it finds it at the same version.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";

export const PORTAL_DB_FILE = "portal.db";

/** Migration v+1 is MIGRATIONS[v]; PRAGMA user_version says how many have run. Append only. */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE users (
    username TEXT PRIMARY KEY COLLATE NOCASE,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    password_changed_at TEXT NOT NULL
  );
  CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE ON UPDATE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    seen_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  );
  CREATE INDEX sessions_by_user ON sessions(username);
  CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at TEXT
  );
  `,
  // Sign-in limits, so a restart does not hand a password guesser a fresh set of tries. Keys are the
  // limiter's own (per user name and address: a SHA-256; per address: the address).
  `
  CREATE TABLE login_limits (
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    failures INTEGER NOT NULL,
    locked_until INTEGER NOT NULL,
    last INTEGER NOT NULL,
    PRIMARY KEY (scope, key)
  ) WITHOUT ROWID;
  `,
  // The audit log (web/audit/). AUTOINCREMENT: an id is never reused, even after pruning.
  `
  CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    actor_kind TEXT NOT NULL,
    role TEXT,
    action TEXT NOT NULL,
    target TEXT,
    detail TEXT,
    address TEXT
  );
  CREATE INDEX audit_log_by_at ON audit_log(at);
  CREATE INDEX audit_log_by_actor ON audit_log(actor COLLATE NOCASE, id);
  CREATE INDEX audit_log_by_action ON audit_log(action, id);
  `,
  // Sign-in limits are bounded by dropping the least recently failed keys (web/auth/login_limiter.ts),
  // found by this index rather than by a scan at every counted failure.
  `
  CREATE INDEX login_limits_by_last ON login_limits(scope, last);
  `,
];

/** Opens portal.db (creating DATA_DIR and the file when needed) and brings its schema up to date. */
export function openPortalDb(dataDir: string): DatabaseSync {
  mkdirSync(dataDir, { recursive: true });
  const db = new DatabaseSync(join(dataDir, PORTAL_DB_FILE));
  try {
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("PRAGMA synchronous = NORMAL");
    db.exec("PRAGMA busy_timeout = 5000");
    db.exec("PRAGMA foreign_keys = ON");
    // IMMEDIATE: two connections opening a fresh file at once must not both run the same migration.
    db.exec("BEGIN IMMEDIATE");
    try {
      const version = (db.prepare("PRAGMA user_version").get() as { user_version: number }).user_version;
      if (version > MIGRATIONS.length) {
        throw new Error(`${PORTAL_DB_FILE} is at schema version ${version}, newer than this portal knows`);
      }
      for (let v = version; v < MIGRATIONS.length; v++) db.exec(MIGRATIONS[v]);
      if (version < MIGRATIONS.length) db.exec(`PRAGMA user_version = ${MIGRATIONS.length}`);
      db.exec("COMMIT");
    } catch (err) {
      db.exec("ROLLBACK");
      throw err;
    }
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}
