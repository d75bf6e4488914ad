/**
 * The portal's store in portal.db (web/portal_db.ts), through node:sqlite's synchronous API. Every method
 * does its work before it returns its promise, so a caller that does not wait (or a write racing a read)
 * sees the same order as when this API was synchronous; the promises are only for the shared contract
 * (web/store/portal_store.ts) the PostgreSQL engine also meets.
 */
import type { DatabaseSync } from "node:sqlite";
import type { AuditEntry, AuditRow } from "../audit/entry.ts";
import type { LimiterPersistence, LimiterState } from "../auth/login_limiter.ts";
import type { Role } from "../auth/roles.ts";
import { openPortalDb } from "../portal_db.ts";
import type { AuditQuery, PortalStore, SessionRecord, TokenRecord, UserRecord } from "./portal_store.ts";
import { auditEntryOf, likeLiteral, type Row, sessionOf, tokenOf, userOf } from "./rows.ts";

/** Runs `fn` now and hands back its result (or its exception) as a promise. */
function now<T>(fn: () => T): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (err) {
    return Promise.reject(err);
  }
}

export class SqlitePortalStore implements PortalStore {
  readonly engine = "sqlite";

  private constructor(private readonly db: DatabaseSync) {}

  static open(dataDir: string): SqlitePortalStore {
    return new SqlitePortalStore(openPortalDb(dataDir));
  }

  close(): Promise<void> {
    return now(() => this.db.close());
  }

  // Users

  listUsers(): Promise<UserRecord[]> {
    return now(() => (this.db.prepare("SELECT * FROM users ORDER BY username").all() as Row[]).map(userOf));
  }

  getUser(username: string): Promise<(UserRecord & { passwordHash: string }) | undefined> {
    return now(() => {
      const r = this.db.prepare("SELECT * FROM users WHERE username = ?").get(username) as Row | undefined;
      return r ? { ...userOf(r), passwordHash: r.password_hash as string } : undefined;
    });
  }

  countAdmins(): Promise<number> {
    return now(() =>
      (this.db.prepare("SELECT count(*) AS n FROM users WHERE role = 'admin'").get() as Row).n as number
    );
  }

  insertUser(username: string, role: Role, passwordHash: string): Promise<UserRecord> {
    return now(() => {
      const at = new Date().toISOString();
      this.db.prepare(
        "INSERT INTO users (username, role, password_hash, created_at, password_changed_at) VALUES (?, ?, ?, ?, ?)",
      ).run(username, role, passwordHash, at, at);
      return { username, role, createdAt: at, passwordChangedAt: at };
    });
  }

  setPassword(username: string, passwordHash: string): Promise<boolean> {
    return now(() =>
      this.db.prepare("UPDATE users SET password_hash = ?, password_changed_at = ? WHERE username = ?")
        .run(passwordHash, new Date().toISOString(), username).changes > 0
    );
  }

  setRole(username: string, role: Role): Promise<boolean> {
    return now(() =>
      this.db.prepare("UPDATE users SET role = ? WHERE username = ?").run(role, username).changes > 0
    );
  }

  deleteUser(username: string): Promise<boolean> {
    return now(() => this.db.prepare("DELETE FROM users WHERE username = ?").run(username).changes > 0);
  }

  // Sessions

  insertSession(s: Omit<SessionRecord, "role">): Promise<void> {
    return now(() => {
      this.db.prepare(
        "INSERT INTO sessions (id, username, csrf_token, created_at, seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
      ).run(s.id, s.username, s.csrfToken, s.createdAt, s.seenAt, s.expiresAt);
    });
  }

  getSession(id: string): Promise<SessionRecord | undefined> {
    return now(() => {
      const r = this.db.prepare(
        `SELECT s.*, u.role AS role, u.username AS user FROM sessions s JOIN users u ON u.username = s.username
         WHERE s.id = ?`,
      ).get(id) as Row | undefined;
      if (!r) return undefined;
      return sessionOf(r);
    });
  }

  touchSession(id: string, seenAt: number): Promise<void> {
    return now(() => {
      this.db.prepare("UPDATE sessions SET seen_at = ? WHERE id = ?").run(seenAt, id);
    });
  }

  deleteSession(id: string): Promise<boolean> {
    return now(() => this.db.prepare("DELETE FROM sessions WHERE id = ?").run(id).changes > 0);
  }

  deleteSessionsOf(username: string, keep?: string): Promise<number> {
    return now(() =>
      Number(
        this.db.prepare("DELETE FROM sessions WHERE username = ? AND id IS NOT ?").run(username, keep ?? null)
          .changes,
      )
    );
  }

  deleteStaleSessions(at: number, idleMs: number): Promise<number> {
    return now(() =>
      Number(
        this.db.prepare("DELETE FROM sessions WHERE expires_at <= ? OR seen_at <= ?").run(at, at - idleMs)
          .changes,
      )
    );
  }

  countSessions(): Promise<number> {
    return now(() => (this.db.prepare("SELECT count(*) AS n FROM sessions").get() as Row).n as number);
  }

  // API tokens

  insertToken(t: Omit<TokenRecord, "lastUsedAt" | "revokedAt">, secretHash: string): Promise<void> {
    return now(() => {
      this.db.prepare(
        "INSERT INTO api_tokens (id, name, role, secret_hash, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)",
      ).run(t.id, t.name, t.role, secretHash, t.createdBy, t.createdAt);
    });
  }

  getToken(id: string): Promise<(TokenRecord & { secretHash: string }) | undefined> {
    return now(() => {
      const r = this.db.prepare("SELECT * FROM api_tokens WHERE id = ?").get(id) as Row | undefined;
      return r ? { ...tokenOf(r), secretHash: r.secret_hash as string } : undefined;
    });
  }

  listTokens(): Promise<TokenRecord[]> {
    return now(() =>
      (this.db.prepare("SELECT * FROM api_tokens ORDER BY created_at, id").all() as Row[]).map(tokenOf)
    );
  }

  revokeToken(id: string): Promise<boolean> {
    return now(() =>
      this.db.prepare("UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")
        .run(new Date().toISOString(), id).changes > 0
    );
  }

  touchToken(id: string, at: string): Promise<void> {
    return now(() => {
      this.db.prepare("UPDATE api_tokens SET last_used_at = ? WHERE id = ?").run(at, id);
    });
  }

  // Sign-in limits

  loginLimits(scope: string): LimiterPersistence {
    const db = this.db;
    const stateOf = (r: Row): LimiterState => ({
      failures: r.failures as number,
      lockedUntil: r.locked_until as number,
      last: r.last as number,
    });
    return {
      get: (key) =>
        now(() => {
          const r = db.prepare("SELECT * FROM login_limits WHERE scope = ? AND key = ?").get(scope, key) as
            | Row
            | undefined;
          return r && stateOf(r);
        }),
      // One connection, synchronous: nothing runs between the read and the write. The transaction is for
      // the bound's DELETE to land with the write it follows.
      update: (key, next, maxKeys) =>
        now(() => {
          db.exec("BEGIN IMMEDIATE");
          try {
            const r = db.prepare("SELECT * FROM login_limits WHERE scope = ? AND key = ?").get(scope, key) as
              | Row
              | undefined;
            const s = next(r && stateOf(r));
            db.prepare(
              `INSERT INTO login_limits (scope, key, failures, locked_until, last) VALUES (?, ?, ?, ?, ?)
               ON CONFLICT (scope, key) DO UPDATE SET failures = excluded.failures,
                 locked_until = excluded.locked_until, last = excluded.last`,
            ).run(scope, key, s.failures, s.lockedUntil, s.last);
            db.prepare(
              `DELETE FROM login_limits WHERE scope = ? AND key IN (
                 SELECT key FROM login_limits WHERE scope = ? ORDER BY last DESC, key DESC LIMIT -1 OFFSET ?)`,
            ).run(scope, scope, maxKeys);
            db.exec("COMMIT");
            return s;
          } catch (err) {
            db.exec("ROLLBACK");
            throw err;
          }
        }),
      remove: (key) =>
        now(() => {
          db.prepare("DELETE FROM login_limits WHERE scope = ? AND key = ?").run(scope, key);
        }),
      forget: (before) =>
        now(() =>
          Number(
            db.prepare("DELETE FROM login_limits WHERE scope = ? AND last <= ?").run(scope, before).changes,
          )
        ),
      load: () =>
        now(() =>
          (db.prepare("SELECT * FROM login_limits WHERE scope = ? ORDER BY last, key").all(scope) as Row[])
            .map((r): [string, LimiterState] => [r.key as string, stateOf(r)])
        ),
    };
  }

  // The audit log

  insertAudit(row: AuditRow): Promise<void> {
    return now(() => {
      this.db.prepare(
        `INSERT INTO audit_log (at, actor, actor_kind, role, action, target, detail, address)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        row.at,
        row.actor,
        row.actorKind,
        row.role ?? null,
        row.action,
        row.target ?? null,
        row.detail ?? null,
        row.address ?? null,
      );
    });
  }

  listAudit(q: AuditQuery): Promise<{ total: number; items: AuditEntry[] }> {
    return now(() => {
      const where: string[] = [];
      const args: (string | number)[] = [];
      if (q.actor) {
        where.push("actor = ? COLLATE NOCASE");
        args.push(q.actor);
      }
      if (q.action) {
        where.push("(action = ? OR action LIKE ? ESCAPE '\\')");
        args.push(q.action, `${likeLiteral(q.action)}.%`);
      }
      if (q.target) {
        where.push("target = ?");
        args.push(q.target);
      }
      const clause = where.length > 0 ? `WHERE ${where.join(" AND ")}` : "";
      const total = (this.db.prepare(`SELECT count(*) AS n FROM audit_log ${clause}`).get(...args) as Row)
        .n as number;
      const items = (this.db.prepare(
        `SELECT * FROM audit_log ${clause} ORDER BY id DESC LIMIT ? OFFSET ?`,
      ).all(...args, q.limit, q.offset) as Row[]).map(auditEntryOf);
      return { total, items };
    });
  }

  pruneAudit(cutoff: string): Promise<number> {
    return now(() => Number(this.db.prepare("DELETE FROM audit_log WHERE at < ?").run(cutoff).changes));
  }
}
