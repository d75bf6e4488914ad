/**
 * The audit log: who did what to what, when and from where, in the portal's database (table audit_log).
 * Routes and the Socket.IO bridge record what operators and admins did once it is done; admins read it
 * (GET /api/v1/audit, the Audit page). Entries older than the retention are deleted.
 *
 *   audit.record({ ...requestActor(c), action: "idtag.delete", target: idTag });
 *
 * A failed write must not turn a done action into an error answer, nor be lost: it goes to stderr,
 * whole, instead.
 */
import type { DatabaseSync } from "node:sqlite";
import type { Role } from "../auth/roles.ts";
import { openPortalDb } from "../portal_db.ts";
import {
  type ActorKind,
  type AuditEntry,
  type AuditInput,
  auditRow,
  DEFAULT_AUDIT_RETENTION_DAYS,
} from "./entry.ts";

export interface AuditOptions {
  /** Entries older than this many days are deleted; 0 keeps them all (AUDIT_RETENTION_DAYS). */
  retentionDays?: number;
  now?: () => number;
}

export interface AuditQuery {
  /** A user's or token's name (any case). */
  actor?: string;
  /** An action ("user.delete"), or a family of them ("user" matches every "user.*"). */
  action?: string;
  target?: string;
  limit: number;
  offset: number;
}

type Row = Record<string, unknown>;

function entryOf(r: Row): AuditEntry {
  return {
    id: r.id as number,
    at: r.at as string,
    actor: r.actor as string,
    actorKind: r.actor_kind as ActorKind,
    ...(r.role ? { role: r.role as Role } : {}),
    action: r.action as string,
    ...(r.target ? { target: r.target as string } : {}),
    ...(r.detail ? { detail: JSON.parse(r.detail as string) } : {}),
    ...(r.address ? { address: r.address as string } : {}),
  };
}

/** `text` for a LIKE pattern, its wildcards taken literally (escape character `\`). */
const likeLiteral = (text: string) => text.replace(/[\\%_]/g, (ch) => `\\${ch}`);

export class AuditLog {
  readonly #db: DatabaseSync;
  readonly #retentionDays: number;
  readonly #now: () => number;

  constructor(db: DatabaseSync, options: AuditOptions = {}) {
    this.#db = db;
    this.#retentionDays = options.retentionDays ?? DEFAULT_AUDIT_RETENTION_DAYS;
    this.#now = options.now ?? Date.now;
  }

  /** Its own connection to portal.db (the auth store has another), so either closes on its own. */
  static open(dataDir: string, options: AuditOptions = {}): AuditLog {
    return new AuditLog(openPortalDb(dataDir), options);
  }

  close(): void {
    this.#db.close();
  }

  /** Records an entry; false when the database refused it (the entry then went to stderr). */
  record(input: AuditInput): boolean {
    const row = auditRow(input, new Date(this.#now()));
    try {
      this.#db.prepare(
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
      return true;
    } catch (err) {
      console.error(`web: audit entry not stored (${(err as Error).message}): ${JSON.stringify(row)}`);
      return false;
    }
  }

  /** Entries matching `q`, newest first, and how many match in all. */
  list(q: AuditQuery): { total: number; items: AuditEntry[] } {
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
    const total = (this.#db.prepare(`SELECT count(*) AS n FROM audit_log ${clause}`).get(...args) as Row)
      .n as number;
    const items = (this.#db.prepare(
      `SELECT * FROM audit_log ${clause} ORDER BY id DESC LIMIT ? OFFSET ?`,
    ).all(...args, q.limit, q.offset) as Row[]).map(entryOf);
    return { total, items };
  }

  /** Deletes entries past the retention; returns how many. */
  prune(): number {
    if (this.#retentionDays <= 0) return 0;
    const cutoff = new Date(this.#now() - this.#retentionDays * 86_400_000).toISOString();
    return Number(this.#db.prepare("DELETE FROM audit_log WHERE at < ?").run(cutoff).changes);
  }
}
