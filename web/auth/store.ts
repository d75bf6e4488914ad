/**
 * Operators' credentials in the portal's database (web/portal_db.ts): users, sessions, API tokens, and
 * the sign-in limiters' state. Secrets are never stored in clear: passwords as scrypt hashes, session ids
 * and token secrets as SHA-256 hashes.
 */
import type { DatabaseSync } from "node:sqlite";
import { openPortalDb } from "../portal_db.ts";
import type { LimiterPersistence, LimiterState } from "./login_limiter.ts";
import type { Role } from "./roles.ts";

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
    return new AuthStore(openPortalDb(dataDir));
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

  // Sign-in limits

  /** Where a login limiter keeps its keys' failures and lockouts; `scope` names the limiter. */
  loginLimits(scope: string): LimiterPersistence {
    const db = this.db;
    return {
      load() {
        return (db.prepare("SELECT * FROM login_limits WHERE scope = ? ORDER BY last").all(scope) as Row[])
          .map((r): [string, LimiterState] => [r.key as string, {
            failures: r.failures as number,
            lockedUntil: r.locked_until as number,
            last: r.last as number,
          }]);
      },
      save(key, s) {
        db.prepare(
          `INSERT INTO login_limits (scope, key, failures, locked_until, last) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (scope, key) DO UPDATE SET failures = excluded.failures,
             locked_until = excluded.locked_until, last = excluded.last`,
        ).run(scope, key, s.failures, s.lockedUntil, s.last);
      },
      remove(key) {
        db.prepare("DELETE FROM login_limits WHERE scope = ? AND key = ?").run(scope, key);
      },
    };
  }
}
