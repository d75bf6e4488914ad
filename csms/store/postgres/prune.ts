/**
 * Retention: meter values and events past their days go, at most `maxRows` per call, so that one call
 * holds no long transaction; the caller comes back while there is more. Both tables are appended in
 * received order (identity ids), so the boundary is the first id young enough, found walking the primary
 * key from its start, and the delete is one range of ids.
 */
import type { Sql } from "./pool.ts";

export async function prune(
  sql: Sql,
  nowMs: number,
  meterDays: number,
  eventDays: number,
  maxRows = 20_000,
): Promise<number> {
  let deleted = 0;
  for (const [table, days] of [["meter_values", meterDays], ["events", eventDays]] as const) {
    if (days <= 0 || deleted >= maxRows) continue;
    const cutoff = Math.floor(nowMs - days * 86_400_000);
    const left = maxRows - deleted;
    // `ORDER BY id LIMIT 1` walks the id order and stops at the first young row (min() would read all).
    const result = await sql`
      WITH bounds AS (
        SELECT (SELECT min(id) FROM ${sql(table)}) AS first,
          (SELECT id FROM ${sql(table)} WHERE received_at >= ${cutoff} ORDER BY id LIMIT 1) AS young
      )
      DELETE FROM ${sql(table)}
      WHERE id < (SELECT least(coalesce(young, first + ${left}), first + ${left}) FROM bounds)`;
    deleted += result.count;
  }
  return deleted;
}
