/**
 * Reads stored meter samples: a transaction's, or a charger's newest. There is no index of every sample
 * by charger (migration 4): under load it cost a scattered page write per charger per commit. A charger's
 * samples are found through its transactions (meter_values_by_transaction) and, for the few sent outside
 * any transaction, through meter_values_outside_transactions.
 */
import type { DatabaseSync, StatementSync } from "node:sqlite";
import type { LocatedSample } from "../../../shared/queries.ts";

export type StoredSample = LocatedSample;

type Row = Record<string, string | number | null>;

export function sampleFromRow(r: Row): StoredSample {
  const s: StoredSample = {
    timestamp: r.ts as string,
    evseId: r.evse_id as number,
  };
  if (r.transaction_id !== null) s.transactionId = r.transaction_id as number;
  if (r.energy_wh !== null) s.energyWh = r.energy_wh as number;
  if (r.power_w !== null) s.powerW = r.power_w as number;
  if (r.current_a !== null) s.currentA = r.current_a as number;
  if (r.voltage_v !== null) s.voltageV = r.voltage_v as number;
  if (r.soc_percent !== null) s.socPercent = r.soc_percent as number;
  if (typeof r.readings === "string") s.readings = JSON.parse(r.readings);
  return s;
}

export class MeterHistory {
  #s: Record<"ofTransaction" | "outside" | "transactions" | "newestOf", StatementSync>;

  constructor(db: DatabaseSync) {
    // `ts >= ?` with "" when there is no lower bound: every timestamp is at least the empty string.
    this.#s = {
      ofTransaction: db.prepare(
        `SELECT * FROM meter_values WHERE transaction_id = ? AND charger_id = ? AND ts >= ?
         ORDER BY id DESC LIMIT ?`,
      ),
      outside: db.prepare(
        `SELECT * FROM meter_values WHERE charger_id = ? AND transaction_id IS NULL AND ts >= ?
         ORDER BY id DESC LIMIT ?`,
      ),
      transactions: db.prepare("SELECT id FROM transactions WHERE charger_id = ? ORDER BY id DESC"),
      newestOf: db.prepare(
        "SELECT id FROM meter_values WHERE transaction_id = ? AND charger_id = ? ORDER BY id DESC LIMIT 1",
      ),
    };
  }

  /** The newest `limit` rows of a charger (of one of its transactions), newest first. */
  rows(chargerId: string, options: { transactionId?: number; since?: string; limit: number }): Row[] {
    const since = options.since ?? "";
    const limit = options.limit;
    if (limit <= 0) return [];
    if (options.transactionId !== undefined) {
      return this.#s.ofTransaction.all(options.transactionId, chargerId, since, limit) as Row[];
    }
    let rows = this.#s.outside.all(chargerId, since, limit) as Row[];
    const txs = this.#s.transactions.all(chargerId) as Array<{ id: number }>;
    for (const { id } of txs) {
      if (rows.length >= limit) {
        // Full already: only a transaction with a sample newer than the oldest kept one can change that.
        // Not a stop condition: an older transaction's late samples (replayed after a reconnect) may be newer.
        const newest = this.#s.newestOf.get(id, chargerId) as { id: number } | undefined;
        if (!newest || newest.id <= (rows[limit - 1].id as number)) continue;
      }
      const more = this.#s.ofTransaction.all(id, chargerId, since, limit) as Row[];
      if (more.length === 0) continue;
      rows = rows.concat(more).sort((a, b) => (b.id as number) - (a.id as number));
      if (rows.length > limit) rows.length = limit;
    }
    return rows;
  }

  /** The newest `limit` samples of a charger (of one of its transactions), oldest first. */
  samples(
    chargerId: string,
    options: { transactionId?: number; since?: string; limit: number },
  ): StoredSample[] {
    return this.rows(chargerId, options).reverse().map(sampleFromRow);
  }
}
