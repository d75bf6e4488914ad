import assert from "node:assert/strict";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { openPortalDb, PORTAL_DB_FILE } from "./portal_db.ts";

/** portal.db as the first release left it (schema version 1): users, sessions, API tokens. */
const VERSION_1 = `
  CREATE TABLE users (username TEXT PRIMARY KEY COLLATE NOCASE, role TEXT NOT NULL, password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL, password_changed_at TEXT NOT NULL);
  CREATE TABLE sessions (id TEXT PRIMARY KEY,
    username TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE ON UPDATE CASCADE,
    csrf_token TEXT NOT NULL, created_at INTEGER NOT NULL, seen_at INTEGER NOT NULL, expires_at INTEGER NOT NULL);
  CREATE INDEX sessions_by_user ON sessions(username);
  CREATE TABLE api_tokens (id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, secret_hash TEXT NOT NULL,
    created_by TEXT NOT NULL, created_at TEXT NOT NULL, last_used_at TEXT, revoked_at TEXT);
  INSERT INTO users VALUES ('admin', 'admin', 'scrypt$hash', '2030-01-01T00:00:00Z', '2030-01-01T00:00:00Z');
  PRAGMA user_version = 1;
`;

Deno.test("portal db: a version-1 file is brought up to date, its users kept; opening again changes nothing", async () => {
  const dir = await Deno.makeTempDir({ prefix: "chargewire_portal_db_" });
  try {
    const old = new DatabaseSync(join(dir, PORTAL_DB_FILE));
    old.exec(VERSION_1);
    old.close();

    const tables = (db: DatabaseSync) =>
      (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {
        name: string;
      }[])
        .map((r) => r.name);
    const version = (db: DatabaseSync) =>
      (db.prepare("PRAGMA user_version").get() as { user_version: number })
        .user_version;
    const db = openPortalDb(dir);
    const migrated = version(db);
    assert.ok(migrated >= 3, `schema version ${migrated}`);
    for (const t of ["users", "sessions", "api_tokens", "login_limits", "audit_log"]) {
      assert.ok(tables(db).includes(t), t);
    }
    assert.deepEqual(db.prepare("SELECT username FROM users").all().map((r) => r.username), ["admin"]);
    db.close();

    // A second connection (the audit log's) finds it current and runs nothing again.
    const again = openPortalDb(dir);
    assert.equal(version(again), migrated);
    again.close();

    // A file from a newer portal is refused rather than half-understood.
    const newer = new DatabaseSync(join(dir, PORTAL_DB_FILE));
    newer.exec(`PRAGMA user_version = ${migrated + 1}`);
    newer.close();
    assert.throws(() => openPortalDb(dir), /newer than this portal knows/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
