/**
 * The portal's store in the fleet's PostgreSQL (DATABASE_URL), for several portal nodes behind a load
 * balancer without sticky sessions: every node reads and writes the same users, sessions, tokens, sign-in
 * limits and audit log, so a session made on one node works on the others and a revoked token stops on
 * all of them at its next use. Tables are prefixed `portal_` and migrated by their own versions
 * (portal_schema_migrations, own advisory lock), apart from the CSMS's tables in the same database.
 * Queries are tagged templates (postgres.js): values only ever travel as bound parameters.
 */
import type { AuditEntry, AuditRow } from "../audit/entry.ts";
import type { LimiterPersistence, LimiterState } from "../auth/login_limiter.ts";
import type { Role } from "../auth/roles.ts";
import { migrate, type Migration, openPool, type Sql } from "../../db/postgres.ts";
import type { AuditQuery, PortalStore, SessionRecord, TokenRecord, UserRecord } from "./portal_store.ts";
import { auditEntryOf, likeLiteral, type Row, sessionOf, tokenOf, userOf } from "./rows.ts";

/** The portal's migration lock (the CSMS's is another): "CWPT". */
export const PORTAL_MIGRATION_LOCK = 0x43_57_50_54;

/**
 * The same model as portal.db (web/portal_db.ts), in PostgreSQL's types. User names are unique in any
 * case (SQLite's COLLATE NOCASE there, a unique index on lower(username) here); texts whose order matters
 * are COLLATE "C", byte order as in SQLite. Milliseconds since the epoch are bigint.
 */
export const PORTAL_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: "portal users, sessions, API tokens, sign-in limits, audit log",
    sql: `
      CREATE TABLE portal_users (
        username text COLLATE "C" PRIMARY KEY,
        role text NOT NULL,
        password_hash text NOT NULL,
        created_at text NOT NULL,
        password_changed_at text NOT NULL
      );
      CREATE UNIQUE INDEX portal_users_by_lower ON portal_users (lower(username));
      CREATE TABLE portal_sessions (
        id text COLLATE "C" PRIMARY KEY,
        username text COLLATE "C" NOT NULL
          REFERENCES portal_users (username) ON DELETE CASCADE ON UPDATE CASCADE,
        csrf_token text NOT NULL,
        created_at bigint NOT NULL,
        seen_at bigint NOT NULL,
        expires_at bigint NOT NULL
      );
      CREATE INDEX portal_sessions_by_user ON portal_sessions (username);
      CREATE TABLE portal_api_tokens (
        id text COLLATE "C" PRIMARY KEY,
        name text NOT NULL,
        role text NOT NULL,
        secret_hash text NOT NULL,
        created_by text NOT NULL,
        created_at text COLLATE "C" NOT NULL,
        last_used_at text,
        revoked_at text
      );
      -- Keys are the limiter's own (per user name and address: a SHA-256; per address: the address).
      CREATE TABLE portal_login_limits (
        scope text COLLATE "C" NOT NULL,
        key text COLLATE "C" NOT NULL,
        failures integer NOT NULL,
        locked_until bigint NOT NULL,
        last bigint NOT NULL,
        PRIMARY KEY (scope, key)
      );
      CREATE INDEX portal_login_limits_by_last ON portal_login_limits (scope, last);
      -- An identity is never reused, even after pruning (SQLite's AUTOINCREMENT).
      CREATE TABLE portal_audit_log (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at text COLLATE "C" NOT NULL,
        actor text NOT NULL,
        actor_kind text NOT NULL,
        role text,
        action text COLLATE "C" NOT NULL,
        target text,
        detail text,
        address text
      );
      CREATE INDEX portal_audit_log_by_at ON portal_audit_log (at);
      CREATE INDEX portal_audit_log_by_actor ON portal_audit_log (lower(actor), id);
      CREATE INDEX portal_audit_log_by_action ON portal_audit_log (action, id);
    `,
  },
];

const stateOf = (r: Row): LimiterState => ({
  failures: r.failures as number,
  lockedUntil: r.locked_until as number,
  last: r.last as number,
});

export interface PostgresPortalOptions {
  /** Connections at most (default 4): the portal's queries are short, and the CSMS shares the server. */
  max?: number;
}

export class PostgresPortalStore implements PortalStore {
  readonly engine = "postgres";

  private constructor(private readonly sql: Sql) {}

  /** Connects and migrates the portal's tables (nodes starting at once queue on the migration lock). */
  static async open(url: string, options: PostgresPortalOptions = {}): Promise<PostgresPortalStore> {
    const sql = openPool(url, { max: options.max ?? 4, applicationName: "chargewire-portal" });
    try {
      await migrate(sql, {
        table: "portal_schema_migrations",
        lock: PORTAL_MIGRATION_LOCK,
        owner: "this portal",
        migrations: PORTAL_MIGRATIONS,
      });
    } catch (err) {
      await sql.end();
      throw err;
    }
    return new PostgresPortalStore(sql);
  }

  async close(): Promise<void> {
    await this.sql.end({ timeout: 5 });
  }

  // Users

  async listUsers(): Promise<UserRecord[]> {
    return (await this.sql`SELECT * FROM portal_users ORDER BY lower(username), username`).map(userOf);
  }

  async getUser(username: string): Promise<(UserRecord & { passwordHash: string }) | undefined> {
    const [r] = await this.sql`SELECT * FROM portal_users WHERE lower(username) = lower(${username})`;
    return r ? { ...userOf(r), passwordHash: r.password_hash as string } : undefined;
  }

  async countAdmins(): Promise<number> {
    const [r] = await this.sql`SELECT count(*)::int AS n FROM portal_users WHERE role = 'admin'`;
    return r.n as number;
  }

  async insertUser(username: string, role: Role, passwordHash: string): Promise<UserRecord> {
    const at = new Date().toISOString();
    await this.sql`
      INSERT INTO portal_users (username, role, password_hash, created_at, password_changed_at)
      VALUES (${username}, ${role}, ${passwordHash}, ${at}, ${at})`;
    return { username, role, createdAt: at, passwordChangedAt: at };
  }

  async setPassword(username: string, passwordHash: string): Promise<boolean> {
    const r = await this.sql`
      UPDATE portal_users SET password_hash = ${passwordHash}, password_changed_at = ${
      new Date().toISOString()
    }
      WHERE lower(username) = lower(${username})`;
    return r.count > 0;
  }

  async setRole(username: string, role: Role): Promise<boolean> {
    const r = await this
      .sql`UPDATE portal_users SET role = ${role} WHERE lower(username) = lower(${username})`;
    return r.count > 0;
  }

  async deleteUser(username: string): Promise<boolean> {
    return (await this.sql`DELETE FROM portal_users WHERE lower(username) = lower(${username})`).count > 0;
  }

  // Sessions

  async insertSession(s: Omit<SessionRecord, "role">): Promise<void> {
    await this.sql`
      INSERT INTO portal_sessions (id, username, csrf_token, created_at, seen_at, expires_at)
      VALUES (${s.id}, ${s.username}, ${s.csrfToken}, ${s.createdAt}, ${s.seenAt}, ${s.expiresAt})`;
  }

  async getSession(id: string): Promise<SessionRecord | undefined> {
    const [r] = await this.sql`
      SELECT s.*, u.role AS role, u.username AS user
      FROM portal_sessions s JOIN portal_users u ON u.username = s.username
      WHERE s.id = ${id}`;
    if (!r) return undefined;
    return sessionOf(r);
  }

  async touchSession(id: string, seenAt: number): Promise<void> {
    // GREATEST: two nodes touching at once must not move the time back.
    await this.sql`UPDATE portal_sessions SET seen_at = greatest(seen_at, ${seenAt}) WHERE id = ${id}`;
  }

  async deleteSession(id: string): Promise<boolean> {
    return (await this.sql`DELETE FROM portal_sessions WHERE id = ${id}`).count > 0;
  }

  async deleteSessionsOf(username: string, keep?: string): Promise<number> {
    return (await this.sql`
      DELETE FROM portal_sessions WHERE username = ${username} AND id IS DISTINCT FROM ${keep ?? null}`)
      .count;
  }

  async deleteStaleSessions(at: number, idleMs: number): Promise<number> {
    return (await this.sql`
      DELETE FROM portal_sessions WHERE expires_at <= ${at} OR seen_at <= ${at - idleMs}`).count;
  }

  async countSessions(): Promise<number> {
    return (await this.sql`SELECT count(*)::int AS n FROM portal_sessions`)[0].n as number;
  }

  // API tokens

  async insertToken(t: Omit<TokenRecord, "lastUsedAt" | "revokedAt">, secretHash: string): Promise<void> {
    await this.sql`
      INSERT INTO portal_api_tokens (id, name, role, secret_hash, created_by, created_at)
      VALUES (${t.id}, ${t.name}, ${t.role}, ${secretHash}, ${t.createdBy}, ${t.createdAt})`;
  }

  async getToken(id: string): Promise<(TokenRecord & { secretHash: string }) | undefined> {
    const [r] = await this.sql`SELECT * FROM portal_api_tokens WHERE id = ${id}`;
    return r ? { ...tokenOf(r), secretHash: r.secret_hash as string } : undefined;
  }

  async listTokens(): Promise<TokenRecord[]> {
    return (await this.sql`SELECT * FROM portal_api_tokens ORDER BY created_at, id`).map(tokenOf);
  }

  async revokeToken(id: string): Promise<boolean> {
    return (await this.sql`
      UPDATE portal_api_tokens SET revoked_at = ${new Date().toISOString()}
      WHERE id = ${id} AND revoked_at IS NULL`).count > 0;
  }

  async touchToken(id: string, at: string): Promise<void> {
    await this.sql`UPDATE portal_api_tokens SET last_used_at = ${at} WHERE id = ${id}`;
  }

  // Sign-in limits

  loginLimits(scope: string): LimiterPersistence {
    const sql = this.sql;
    return {
      async get(key) {
        const [r] = await sql`SELECT * FROM portal_login_limits WHERE scope = ${scope} AND key = ${key}`;
        return r && stateOf(r);
      },
      async update(key, next, maxKeys) {
        return await sql.begin(async (tx) => {
          // A row to lock even for a new key: nodes counting a failure on one key at once queue on the
          // row, so every failure is counted (the placeholder's last = 0 reads as a forgotten key).
          await tx`
            INSERT INTO portal_login_limits (scope, key, failures, locked_until, last)
            VALUES (${scope}, ${key}, 0, 0, 0) ON CONFLICT (scope, key) DO NOTHING`;
          const [r] = await tx`
            SELECT * FROM portal_login_limits WHERE scope = ${scope} AND key = ${key} FOR UPDATE`;
          const current = stateOf(r);
          const s = next(current.last === 0 && current.failures === 0 ? undefined : current);
          await tx`
            UPDATE portal_login_limits SET failures = ${s.failures}, locked_until = ${s.lockedUntil},
              last = ${s.last}
            WHERE scope = ${scope} AND key = ${key}`;
          await tx`
            DELETE FROM portal_login_limits WHERE scope = ${scope} AND key IN (
              SELECT key FROM portal_login_limits WHERE scope = ${scope}
              ORDER BY last DESC, key DESC OFFSET ${maxKeys})`;
          return s;
        });
      },
      async remove(key) {
        await sql`DELETE FROM portal_login_limits WHERE scope = ${scope} AND key = ${key}`;
      },
      async forget(before) {
        return (await sql`DELETE FROM portal_login_limits WHERE scope = ${scope} AND last <= ${before}`)
          .count;
      },
      async load() {
        return (await sql`SELECT * FROM portal_login_limits WHERE scope = ${scope} ORDER BY last, key`)
          .map((r): [string, LimiterState] => [r.key as string, stateOf(r)]);
      },
    };
  }

  // The audit log

  async insertAudit(row: AuditRow): Promise<void> {
    await this.sql`
      INSERT INTO portal_audit_log (at, actor, actor_kind, role, action, target, detail, address)
      VALUES (${row.at}, ${row.actor}, ${row.actorKind}, ${row.role ?? null}, ${row.action},
        ${row.target ?? null}, ${row.detail ?? null}, ${row.address ?? null})`;
  }

  async listAudit(q: AuditQuery): Promise<{ total: number; items: AuditEntry[] }> {
    const sql = this.sql;
    // As portal.db matches: the actor in any case, an action family by a LIKE without wildcards of its
    // own (ILIKE: SQLite's LIKE ignores ASCII case).
    const conditions = [
      ...(q.actor ? [sql`lower(actor) = lower(${q.actor})`] : []),
      ...(q.action
        ? [sql`(action = ${q.action} OR action ILIKE ${`${likeLiteral(q.action)}.%`} ESCAPE '\\')`]
        : []),
      ...(q.target ? [sql`target = ${q.target}`] : []),
    ];
    const where = conditions.length === 0
      ? sql``
      : sql`WHERE ${conditions.reduce((all, c) => sql`${all} AND ${c}`)}`;
    const [{ n }] = await sql`SELECT count(*)::int AS n FROM portal_audit_log ${where}`;
    const rows = await sql`
      SELECT * FROM portal_audit_log ${where} ORDER BY id DESC LIMIT ${q.limit} OFFSET ${q.offset}`;
    return { total: n as number, items: rows.map(auditEntryOf) };
  }

  async pruneAudit(cutoff: string): Promise<number> {
    return (await this.sql`DELETE FROM portal_audit_log WHERE at < ${cutoff}`).count;
  }
}
