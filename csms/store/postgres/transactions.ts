/**
 * Transactions in PostgreSQL. Ids come from the database (an identity column): several nodes start
 * transactions at once. Every lookup asks the database, through transactions_open (a partial index of the
 * open ones, which are few): in a cluster the charger may have opened its transaction through another
 * node. Each write is one statement, so one round trip and one commit; `durable` has settled when it
 * returns.
 *
 * The one thing kept in process is what this node has itself ended and not yet seen committed (#ending):
 * a lookup must not hand back a transaction whose stop is on its way. That is safe to know locally: the
 * stop's UPDATE only ever moves a transaction from open to stopped, so once sent the transaction is, or
 * is about to be, stopped; and if the statement fails, the id leaves the set and the database answers.
 */
import type { IdTokenStatus } from "../../../shared/domain.ts";
import type {
  ActiveTransaction,
  CloseTransaction,
  StartTransaction,
  StopOutcome,
  StoppedTransaction,
  StopTransaction,
  TransactionWrites,
  Written,
} from "../../../shared/storage.ts";
import type { PostgresMeter } from "./meter.ts";
import type { Sql } from "./pool.ts";
import { ACTIVE_COLUMNS, activeFromRow, type Row, transactionFromRow } from "./rows.ts";
import { committed } from "./written.ts";

/** Digits only, as the CSMS's own ids print: a 1.6 charger's transaction id. */
const OWN_ID = /^[1-9][0-9]{0,14}$/;

export class PostgresTransactions implements TransactionWrites {
  #sql: Sql;
  #meter: PostgresMeter;
  #ending = new Set<number>();

  constructor(sql: Sql, meter: PostgresMeter) {
    this.#sql = sql;
    this.#meter = meter;
  }

  /** The open ones among `rows`, as this node knows them (its own uncommitted readings included). */
  #active(rows: Row[]): ActiveTransaction[] {
    const out: ActiveTransaction[] = [];
    for (const r of rows) {
      if (this.#ending.has(r.id)) continue;
      const tx = activeFromRow(r);
      const wh = this.#meter.uncommittedEnergy(tx.id);
      if (wh !== undefined) tx.lastMeterWh = wh;
      out.push(tx);
    }
    return out;
  }

  async activeOn(chargerId: string, evseId: number): Promise<ActiveTransaction[]> {
    const rows = await this.#sql`
      SELECT ${this.#sql(ACTIVE_COLUMNS)} FROM transactions
      WHERE charger_id = ${chargerId} AND evse_id = ${evseId} AND stopped_at IS NULL
      ORDER BY id`;
    return this.#active(rows);
  }

  async openWithIdTag(idTag: string): Promise<ActiveTransaction[]> {
    const rows = await this.#sql`
      SELECT ${this.#sql(ACTIVE_COLUMNS)} FROM transactions
      WHERE lower(id_tag) = lower(${idTag}) AND stopped_at IS NULL
      ORDER BY id`;
    return this.#active(rows);
  }

  async findByChargerTransactionId(
    chargerId: string,
    chargerTransactionId: string,
  ): Promise<ActiveTransaction | undefined> {
    const sql = this.#sql;
    // Where the CSMS assigned the id (1.6, charger_tx_id NULL), the charger's is the CSMS's as text.
    const own = OWN_ID.test(chargerTransactionId)
      ? sql`OR (id = ${Number(chargerTransactionId)} AND charger_tx_id IS NULL)`
      : sql``;
    const rows = await sql`
      SELECT ${sql(ACTIVE_COLUMNS)} FROM transactions
      WHERE charger_id = ${chargerId} AND stopped_at IS NULL
        AND (charger_tx_id = ${chargerTransactionId} ${own})
      ORDER BY id`;
    return this.#active(rows)[0];
  }

  async findResentStart(
    start: Omit<StartTransaction, "authStatus" | "reservationId">,
  ): Promise<ActiveTransaction | undefined> {
    const sql = this.#sql;
    const own = start.chargerTransactionId === undefined
      ? sql``
      : sql`AND charger_tx_id = ${start.chargerTransactionId}`;
    const rows = await sql`
      SELECT ${sql(ACTIVE_COLUMNS)} FROM transactions
      WHERE charger_id = ${start.chargerId} AND evse_id = ${start.evseId} AND stopped_at IS NULL
        AND connector_id = ${start.connectorId} AND id_tag = ${start.idTag}
        AND meter_start_wh = ${start.meterStartWh} AND started_at = ${start.startedAt} ${own}
      ORDER BY id`;
    return this.#active(rows)[0];
  }

  async start(t: StartTransaction): Promise<Written<ActiveTransaction>> {
    const [row] = await this.#sql`
      INSERT INTO transactions (charger_tx_id, charger_id, evse_id, connector_id, id_tag, auth_status,
        reservation_id, meter_start_wh, started_at)
      VALUES (${t.chargerTransactionId ?? null}, ${t.chargerId}, ${t.evseId}, ${t.connectorId}, ${t.idTag},
        ${t.authStatus}, ${t.reservationId ?? null}, ${t.meterStartWh}, ${t.startedAt})
      RETURNING ${this.#sql(ACTIVE_COLUMNS)}`;
    return committed(activeFromRow(row));
  }

  /**
   * One statement decides and writes: it stops the transaction if it is open and the charger's, keeps the
   * charger's figures beside the CSMS's close if the CSMS closed it (the first time only), and hands back
   * the row as it was otherwise, for the outcomes that change nothing. The statement is sent before the
   * first await, so what this node writes after it follows it.
   */
  async stop(s: StopTransaction): Promise<StopOutcome> {
    const sql = this.#sql;
    const wh = this.#meter.uncommittedEnergy(s.id) ?? null;
    this.#ending.add(s.id);
    let rows: Row[];
    try {
      rows = await sql`
        WITH stopped AS (
          UPDATE transactions SET meter_stop_wh = ${s.meterStopWh}, stopped_at = ${s.stoppedAt},
            stop_reason = ${s.reason}, stop_id_tag = ${s.idTag ?? null},
            last_meter_wh = coalesce(${wh}::float8, last_meter_wh)
          WHERE id = ${s.id} AND charger_id = ${s.chargerId} AND stopped_at IS NULL
          RETURNING *
        ), reported AS (
          UPDATE transactions SET reported_meter_stop_wh = ${s.meterStopWh},
            reported_stopped_at = ${s.stoppedAt}, reported_stop_reason = ${s.reason}
          WHERE id = ${s.id} AND charger_id = ${s.chargerId} AND closed_at IS NOT NULL
            AND reported_stopped_at IS NULL
          RETURNING *
        )
        SELECT 'stopped' AS outcome, * FROM stopped
        UNION ALL SELECT 'reported' AS outcome, * FROM reported
        UNION ALL SELECT 'unchanged' AS outcome, * FROM transactions
          WHERE id = ${s.id} AND NOT EXISTS (SELECT 1 FROM stopped) AND NOT EXISTS (SELECT 1 FROM reported)
      `.execute(); // sent now, not at the first await: this node's writes after it go after it
    } finally {
      this.#ending.delete(s.id);
    }
    const [row] = rows;
    if (!row) return { kind: "unknown" };
    if (row.outcome === "stopped") {
      this.#meter.forget(s.id);
      return {
        kind: "stopped",
        tx: transactionFromRow(row) as StoppedTransaction,
        durable: Promise.resolve(),
      };
    }
    if (row.outcome === "reported") {
      return { kind: "reported-after-close", tx: transactionFromRow(row), durable: Promise.resolve() };
    }
    if (row.charger_id !== s.chargerId) return { kind: "other-charger", ownerId: row.charger_id };
    return { kind: "already-stopped" };
  }

  async identify(id: number, idTag: string, authStatus: IdTokenStatus): Promise<Written<boolean>> {
    const rows = await this.#sql`
      UPDATE transactions SET id_tag = ${idTag}, auth_status = ${authStatus}
      WHERE id = ${id} AND stopped_at IS NULL AND id_tag = '' RETURNING id`;
    return committed(rows.length > 0);
  }

  /**
   * Closes an open transaction on the CSMS's own authority, its latest meter reading (or, without one, its
   * meterStart) as its meterStop: the energy seen so far is kept, none is invented.
   */
  async close(id: number, c: CloseTransaction): Promise<Written<StoppedTransaction> | undefined> {
    const wh = this.#meter.uncommittedEnergy(id) ?? null;
    this.#ending.add(id);
    let rows: Row[];
    try {
      rows = await this.#sql`
        UPDATE transactions SET
          meter_stop_wh = coalesce(${wh}::float8, last_meter_wh, meter_start_wh),
          last_meter_wh = coalesce(${wh}::float8, last_meter_wh),
          stopped_at = ${c.stoppedAt}, stop_reason = ${c.reason}, closed_at = ${c.closedAt},
          closed_by = ${c.closedBy ?? null}, close_reason = ${c.closeReason ?? null},
          superseded_by = ${c.supersededBy ?? null}
        WHERE id = ${id} AND stopped_at IS NULL
        RETURNING *`;
    } finally {
      this.#ending.delete(id);
    }
    if (rows.length === 0) return undefined;
    this.#meter.forget(id);
    return committed(transactionFromRow(rows[0]) as StoppedTransaction);
  }
}
