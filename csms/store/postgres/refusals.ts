/**
 * Recent refusals at the handshake, one row per charge point id: its latest reason, status and address,
 * how many times, first and last. At most MAX_RECENT_REFUSALS ids are kept, the most recent, so a flood
 * of made-up ids costs a bounded table. Refusals are counted in memory and written with the best-effort
 * writes (Background): a charger knocking in a tight loop costs one row per flush, not one per attempt.
 */
import { PendingRefusals } from "../pending_refusals.ts";
import { MAX_RECENT_REFUSALS } from "../../../shared/queries.ts";
import type { RefusalRecord } from "../../../shared/storage.ts";
import type { Background } from "./background.ts";
import type { Sql } from "./pool.ts";

export class PostgresRefusals {
  #sql: Sql;
  #background: Background;
  /** Refusals not written yet, by id, the least recently refused first. */
  #pending = new PendingRefusals();

  constructor(sql: Sql, background: Background) {
    this.#sql = sql;
    this.#background = background;
    background.add(() => this.#flush());
  }

  record(refusal: RefusalRecord): void {
    this.#pending.add(refusal);
    this.#background.pending();
  }

  #flush(): Promise<void> | undefined {
    if (this.#pending.size === 0) return undefined;
    const rows = this.#pending.take().map(([id, { latest, attempts, firstAt }]) => ({
      charger_id: id,
      remote_address: latest.remoteAddress,
      reason: latest.reason,
      status: latest.status,
      detail: latest.detail ?? null,
      attempts,
      first_at: firstAt,
      last_at: latest.at,
    }));
    // One transaction, two statements pipelined: the cap is applied to what the upsert just wrote.
    return this.#sql.begin((tx) => [
      tx`
        INSERT INTO charger_refusals (charger_id, remote_address, reason, status, detail, attempts, first_at,
          last_at)
        SELECT * FROM jsonb_to_recordset(${tx.json(rows as never)}) AS r(charger_id text, remote_address text,
          reason text, status integer, detail text, attempts integer, first_at text, last_at text)
        ON CONFLICT (charger_id) DO UPDATE SET remote_address = excluded.remote_address,
          reason = excluded.reason, status = excluded.status, detail = excluded.detail,
          attempts = charger_refusals.attempts + excluded.attempts, last_at = excluded.last_at`,
      tx`
        DELETE FROM charger_refusals WHERE charger_id NOT IN
          (SELECT charger_id FROM charger_refusals ORDER BY last_at DESC, charger_id LIMIT ${MAX_RECENT_REFUSALS})`,
    ]).then(() => {});
  }
}
