/**
 * The event log in PostgreSQL: lines gathered in memory and written with the best-effort writes
 * (Background), all of a flush in one INSERT. Not awaited by anyone, by design (shared/storage.ts).
 */
import type { Background } from "./background.ts";
import type { Sql } from "./pool.ts";

/** Lines kept while the database does not answer, at most: the oldest go first past it. */
const MAX_PENDING = 10_000;

interface EventRow {
  at: string;
  charger_id: string;
  type: string;
  data: unknown;
  received_at: number;
}

export class PostgresEvents {
  #sql: Sql;
  #background: Background;
  #pending: EventRow[] = [];

  constructor(sql: Sql, background: Background) {
    this.#sql = sql;
    this.#background = background;
    background.add(() => this.#flush());
  }

  append(chargerId: string, type: string, at: string, data: unknown, nowMs = Date.now()): void {
    if (this.#pending.length >= MAX_PENDING) this.#pending.shift();
    // `null` for nothing: an absent key would be SQL NULL, and the column takes JSON only.
    this.#pending.push({ at, charger_id: chargerId, type, data: data ?? null, received_at: nowMs });
    this.#background.pending();
  }

  #flush(): Promise<void> | undefined {
    if (this.#pending.length === 0) return undefined;
    const rows = this.#pending;
    this.#pending = [];
    return this.#sql`
      INSERT INTO events (at, charger_id, type, data, received_at)
      SELECT at, charger_id, type, coalesce(data, 'null'::json), received_at
      FROM jsonb_to_recordset(${this.#sql.json(rows as never)}) AS e(at text, charger_id text, type text,
        data json, received_at bigint)`.then(() => {});
  }
}
