/**
 * The audit log: who did what to what, when and from where, in the portal's store (portal.db's audit_log,
 * or portal_audit_log in PostgreSQL: one log for every portal node). Routes and the Socket.IO bridge record
 * what operators and admins did once it is done; admins read it (GET /api/v1/audit, the Audit page).
 * Entries older than the retention are deleted.
 *
 *   await audit.record({ ...requestActor(c), action: "idtag.delete", target: idTag });
 *
 * A failed write must not turn a done action into an error answer, nor be lost: it goes to stderr,
 * whole, instead; `record` never rejects.
 */
import { openPortalStore, type PortalStoreLocation } from "../store/portal_store.ts";
import type { AuditQuery, AuditStore } from "../store/portal_store.ts";
import { type AuditEntry, type AuditInput, auditRow, DEFAULT_AUDIT_RETENTION_DAYS } from "./entry.ts";
import { logger } from "../../shared/log.ts";

const log = logger("web");

export type { AuditQuery } from "../store/portal_store.ts";

export interface AuditOptions {
  /** Entries older than this many days are deleted; 0 keeps them all (AUDIT_RETENTION_DAYS). */
  retentionDays?: number;
  now?: () => number;
}

export class AuditLog {
  readonly #store: AuditStore;
  readonly #retentionDays: number;
  readonly #now: () => number;

  constructor(store: AuditStore, options: AuditOptions = {}) {
    this.#store = store;
    this.#retentionDays = options.retentionDays ?? DEFAULT_AUDIT_RETENTION_DAYS;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Its own connection to the portal's store (the auth service has another), so either closes on its
   * own. A bare string is DATA_DIR (portal.db).
   */
  static async open(where: PortalStoreLocation | string, options: AuditOptions = {}): Promise<AuditLog> {
    return new AuditLog(
      await openPortalStore(typeof where === "string" ? { dataDir: where } : where),
      options,
    );
  }

  close(): Promise<void> {
    return this.#store.close();
  }

  /** Records an entry; false when the store refused it (the entry then went to stderr). */
  async record(input: AuditInput): Promise<boolean> {
    const row = auditRow(input, new Date(this.#now()));
    try {
      await this.#store.insertAudit(row);
      return true;
    } catch (err) {
      log.error(
        `audit entry not stored (${(err as Error).message}): ${JSON.stringify(row)}`,
      );
      return false;
    }
  }

  /** Entries matching `q`, newest first, and how many match in all. */
  list(q: AuditQuery): Promise<{ total: number; items: AuditEntry[] }> {
    return this.#store.listAudit(q);
  }

  /**
   * Deletes entries past the retention; returns how many. Never rejects: it is housekeeping the sweeper
   * runs again a minute later, so a store that is down for a moment is logged, not fatal.
   */
  async prune(): Promise<number> {
    if (this.#retentionDays <= 0) return 0;
    const cutoff = new Date(this.#now() - this.#retentionDays * 86_400_000).toISOString();
    try {
      return await this.#store.pruneAudit(cutoff);
    } catch (err) {
      log.error(
        `audit log not pruned: ${(err as Error).message}`,
      );
      return 0;
    }
  }
}
