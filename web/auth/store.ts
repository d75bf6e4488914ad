/**
 * The portal's own database, `portal.db` in DATA_DIR (node:sqlite, WAL): users, sessions and API tokens.
 * It is apart from the CSMS's database so the portal can later run as its own process. Secrets are never
 * stored in clear: passwords as scrypt hashes, session ids and token secrets as SHA-256 hashes.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import type { Role } from "./roles.ts";

export const PORTAL_DB_FILE = "portal.db";

export interface UserRecord {
  username: string;
  role: Role;
  createdAt: string;
  passwordChangedAt: string;
}

export interface SessionRecord {
  /** SHA-256 of the cookie's value. */
  id: string;
  username: string;
  /** The user's role now (sessions follow role changes at once). */
  role: Role;
  csrfToken: string;
  createdAt: number;
  seenAt: number;
  expiresAt: number;
}

export interface TokenRecord {
  id: string;
  name: string;
  role: Role;
  createdBy: string;
  createdAt: string;
  lastUsedAt?: string;
  revokedAt?: string;
}

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
];

type Row = Record<string, unknown>;

function userOf(r: Row): UserRecord {
  return {
    username: r.username as string,
    role: r.role as Role,
    createdAt: r.created_at as string,
    passwordChangedAt: r.password_changed_at as string,
  };
}

function tokenOf(r: Row): TokenRecord {
  return {
    id: r.id as string,
    name: r.name as string,
    role: r.role as Role,
    createdBy: r.created_by as string,
    createdAt: r.created_at as string,
    ...(r.last_used_at ? { lastUsedAt: r.last_used_at as string } : {}),
    ...(r.revoked_at ? { revokedAt: r.revoked_at as string } : {}),
  };
}

export class AuthStore {
  private constructor(private readonly db: DatabaseSync) {}

  static open(dataDir: string): AuthStore {
    mkdirSync(dataDir, { recursive: true });
    const db = new DatabaseSync(join(dataDir, PORTAL_DB_FILE));
    try {
      db.exec("PRAGMA journal_mode = WAL");
      db.exec("PRAGMA synchronous = NORMAL");
      db.exec("PRAGMA busy_timeout = 5000");
      db.exec("PRAGMA foreign_keys = ON");
      const version = (db.prepare("PRAGMA user_version").get() as Row).user_version as number;
      for (let v = version; v < MIGRATIONS.length; v++) {
        db.exec("BEGIN");
        try {
          db.exec(MIGRATIONS[v]);
          db.exec(`PRAGMA user_version = ${v + 1}`);
          db.exec("COMMIT");
        } catch (err) {
          db.exec("ROLLBACK");
          throw err;
        }
      }
    } catch (err) {
      db.close();
      throw err;
    }
    return new AuthStore(db);
  }

  close(): void {
    this.db.close();
  }

  // Users

  listUsers(): UserRecord[] {
    return (this.db.prepare("SELECT * FROM users ORDER BY username").all() as Row[]).map(userOf);
  }

  getUser(username: string): (UserRecord & { passwordHash: string }) | undefined {
    const r = this.db.prepare("SELECT * FROM users WHERE username = ?").get(username) as Row | undefined;
    return r ? { ...userOf(r), passwordHash: r.password_hash as string } : undefined;
  }

  countAdmins(): number {
    return (this.db.prepare("SELECT count(*) AS n FROM users WHERE role = 'admin'").get() as Row).n as number;
  }

  insertUser(username: string, role: Role, passwordHash: string): UserRecord {
    const now = new Date().toISOString();
    this.db.prepare(
      "INSERT INTO users (username, role, password_hash, created_at, password_changed_at) VALUES (?, ?, ?, ?, ?)",
    ).run(username, role, passwordHash, now, now);
    return { username, role, createdAt: now, passwordChangedAt: now };
  }

  setPassword(username: string, passwordHash: string): boolean {
    return this.db.prepare("UPDATE users SET password_hash = ?, password_changed_at = ? WHERE username = ?")
      .run(passwordHash, new Date().toISOString(), username).changes > 0;
  }

  setRole(username: string, role: Role): boolean {
    return this.db.prepare("UPDATE users SET role = ? WHERE username = ?").run(role, username).changes > 0;
  }

  /** Deletes the user and, by cascade, their sessions. */
  deleteUser(username: string): boolean {
    return this.db.prepare("DELETE FROM users WHERE username = ?").run(username).changes > 0;
  }

  // Sessions

  insertSession(s: Omit<SessionRecord, "role">): void {
    this.db.prepare(
      "INSERT INTO sessions (id, username, csrf_token, created_at, seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
    ).run(s.id, s.username, s.csrfToken, s.createdAt, s.seenAt, s.expiresAt);
  }

  getSession(id: string): SessionRecord | undefined {
    const r = this.db.prepare(
      `SELECT s.*, u.role AS role, u.username AS user FROM sessions s JOIN users u ON u.username = s.username
       WHERE s.id = ?`,
    ).get(id) as Row | undefined;
    if (!r) return undefined;
    return {
      id: r.id as string,
      username: r.user as string,
      role: r.role as Role,
      csrfToken: r.csrf_token as string,
      createdAt: r.created_at as number,
      seenAt: r.seen_at as number,
      expiresAt: r.expires_at as number,
    };
  }

  touchSession(id: string, seenAt: number): void {
    this.db.prepare("UPDATE sessions SET seen_at = ? WHERE id = ?").run(seenAt, id);
  }

  deleteSession(id: string): boolean {
    return this.db.prepare("DELETE FROM sessions WHERE id = ?").run(id).changes > 0;
  }

  /** Ends every session of a user but `keep` (the one that asked, when a user changes their own password). */
  deleteSessionsOf(username: string, keep?: string): number {
    return Number(
      this.db.prepare("DELETE FROM sessions WHERE username = ? AND id IS NOT ?").run(username, keep ?? null)
        .changes,
    );
  }

  /** Deletes sessions past their absolute expiry or idle for longer than `idleMs`. */
  deleteStaleSessions(now: number, idleMs: number): number {
    return Number(
      this.db.prepare("DELETE FROM sessions WHERE expires_at <= ? OR seen_at <= ?").run(now, now - idleMs)
        .changes,
    );
  }

  countSessions(): number {
    return (this.db.prepare("SELECT count(*) AS n FROM sessions").get() as Row).n as number;
  }

  // API tokens

  insertToken(t: Omit<TokenRecord, "lastUsedAt" | "revokedAt">, secretHash: string): void {
    this.db.prepare(
      "INSERT INTO api_tokens (id, name, role, secret_hash, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)",
    ).run(t.id, t.name, t.role, secretHash, t.createdBy, t.createdAt);
  }

  getToken(id: string): (TokenRecord & { secretHash: string }) | undefined {
    const r = this.db.prepare("SELECT * FROM api_tokens WHERE id = ?").get(id) as Row | undefined;
    return r ? { ...tokenOf(r), secretHash: r.secret_hash as string } : undefined;
  }

  listTokens(): TokenRecord[] {
    return (this.db.prepare("SELECT * FROM api_tokens ORDER BY created_at, id").all() as Row[]).map(tokenOf);
  }

  revokeToken(id: string): boolean {
    return this.db.prepare("UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")
      .run(new Date().toISOString(), id).changes > 0;
  }

  touchToken(id: string, at: string): void {
    this.db.prepare("UPDATE api_tokens SET last_used_at = ? WHERE id = ?").run(at, id);
  }
}
