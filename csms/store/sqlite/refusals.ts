/**
 * Recent refusals at the handshake, one row per charge point id: its latest reason, status and address,
 * how many times, first and last. At most MAX_RECENT_REFUSALS ids are kept, the most recent, so a flood
 * of made-up ids costs a bounded table. Refusals are counted in memory and written with the latest state
 * (the writer's flush hook: every few seconds, and before any read), so a charger knocking in a tight
 * loop costs one row write per flush, not one per attempt.
 */
import { PendingRefusals } from "../pending_refusals.ts";
import type { RefusalReason } from "../../../shared/events.ts";
import { type ChargerRefusal, MAX_RECENT_REFUSALS } from "../../../shared/queries.ts";
import type { RefusalRecord } from "../../../shared/storage.ts";
import type { BatchWriter, WriteStatement } from "./writer.ts";

export type { RefusalRecord } from "../../../shared/storage.ts";

export interface RefusalRow {
  charger_id: string;
  remote_address: string;
  reason: string;
  status: number;
  detail: string | null;
  attempts: number;
  first_at: string;
  last_at: string;
  registered: number;
}

export function refusalFromRow(r: RefusalRow): ChargerRefusal {
  const refusal: ChargerRefusal = {
    chargerId: r.charger_id,
    reason: r.reason as RefusalReason,
    status: r.status,
    remoteAddress: r.remote_address,
    attempts: r.attempts,
    firstAt: r.first_at,
    lastAt: r.last_at,
    registered: r.registered === 1,
  };
  if (r.detail !== null) refusal.detail = r.detail;
  return refusal;
}

/** The most recently refused ids, the latest first, with whether each is registered now (`?`: a limit). */
export const LIST_REFUSALS_SQL = `SELECT f.*, r.id IS NOT NULL AS registered FROM charger_refusals f
    LEFT JOIN charger_registrations r ON r.id = f.charger_id
  ORDER BY f.last_at DESC, f.charger_id LIMIT ?`;

export class Refusals {
  #writer: BatchWriter;
  /** Refusals not written yet, by id, the least recently refused first. */
  #pending = new PendingRefusals();
  #s: Record<"upsert" | "prune", WriteStatement>;

  constructor(writer: BatchWriter) {
    this.#writer = writer;
    this.#s = {
      upsert: writer.prepare(
        `INSERT INTO charger_refusals (charger_id, remote_address, reason, status, detail, attempts, first_at,
           last_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (charger_id) DO UPDATE SET remote_address = excluded.remote_address,
           reason = excluded.reason, status = excluded.status, detail = excluded.detail,
           attempts = attempts + excluded.attempts, last_at = excluded.last_at`,
      ),
      prune: writer.prepare(
        `DELETE FROM charger_refusals WHERE charger_id NOT IN
           (SELECT charger_id FROM charger_refusals ORDER BY last_at DESC, charger_id LIMIT ?)`,
      ),
    };
    writer.addFlushHook(() => this.#flush());
  }

  /** Counts one refusal; it is written with the next flush of the latest state. */
  record(refusal: RefusalRecord): void {
    this.#pending.add(refusal);
    this.#writer.hookPending();
  }

  #flush(): void {
    if (this.#pending.size === 0) return;
    for (const [id, { latest, attempts, firstAt }] of this.#pending.take()) {
      this.#writer.write(this.#s.upsert, [
        id,
        latest.remoteAddress,
        latest.reason,
        latest.status,
        latest.detail ?? null,
        attempts,
        firstAt,
        latest.at,
      ]);
    }
    this.#writer.write(this.#s.prune, [MAX_RECENT_REFUSALS]);
  }
}
