/**
 * Writes that update many chargers' rows in one statement (the meter batch's latest samples, the frame-time
 * flush) run concurrently on different connections. PostgreSQL locks the rows of an UPDATE ... FROM in
 * whatever order its plan reaches them, so two such statements could each hold a row the other waits for:
 * a deadlock, which PostgreSQL breaks by failing one of them (a meter batch's chargers are then answered
 * InternalError): PostgreSQL logged exactly that under the bench's closed loop on one node (384 of ~80,000
 * MeterValues failed, `bench --only cluster --nodes 1` at c48cea6). Each of
 * those writes first takes its rows' locks in one order, by id, inside its transaction.
 */
import type { TxSql } from "./pool.ts";

/** Locks these chargers' rows in id order; call first inside the transaction that updates them. */
export async function lockChargersInOrder(tx: TxSql, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await tx`SELECT 1 FROM chargers WHERE id = ANY(${ids}::text[]) ORDER BY id FOR UPDATE`;
}
