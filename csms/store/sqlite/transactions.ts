/**
 * Transactions in SQLite: what the adapters record of starts, stops and the CSMS's own closes. The few
 * writes that must be on disk before a charger is answered (a start, a stop) hand back `durable`, which
 * the adapter awaits. Active transactions are also kept in memory: they are few, and every meter reading
 * needs one.
 *
 * Ids come from the store, not from the CSMS: this engine numbers them itself, in memory from max(id),
 * because its batch writer is the only writer of the file and the id must be known before the batch
 * commits (one round trip fewer on the hot path). An engine with several writers (PostgreSQL) takes them
 * from a sequence instead.
 */
import type { DatabaseSync, StatementSync } from "node:sqlite";
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
import { nullable, type Row, transactionFromRow } from "./rows.ts";
import type { BatchWriter, WriteStatement } from "./writer.ts";
import { queued } from "./written.ts";

/** An active transaction as the store keeps it, with what spotting a replayed sample needs. */
export interface TrackedTransaction extends ActiveTransaction {
  /** Dedupe keys of the newest samples, so that a replay is not published twice (the database has the last word). */
  recentSamples?: string[];
  /**
   * The greatest timestamp among recentSamples (as strings): a sample stamped later is none of them, and
   * is not compared with each (every comparison reads another string somewhere in the heap).
   */
  recentMaxTs?: string;
}

/** Samples remembered per active transaction for spotting replays without a database read. */
export const RECENT_SAMPLES = 16;

function evseKey(chargerId: string, evseId: number): string {
  // An EVSE id is digits: the first space ends it, whatever the charger id holds.
  return `${evseId} ${chargerId}`;
}

export class SqliteTransactions implements TransactionWrites {
  #writer: BatchWriter;
  #active = new Map<number, TrackedTransaction>();
  /**
   * The same, by charger and EVSE: each start looks for a replay and for orphans on its EVSE, and a fleet
   * of thousands starting at once must not scan every active transaction each time.
   */
  #onEvse = new Map<string, TrackedTransaction[]>();
  /** The charger's own ids, where it assigns them (2.0.1), by charger. */
  #byChargerTx = new Map<string, Map<string, TrackedTransaction>>();
  #lastId: number;
  /** A transaction's latest energy reading not written yet (see SqliteStorage: the latest state). */
  #meters = new Map<number, number>();
  #s: Record<"start" | "meter" | "stop" | "close" | "reportStop" | "identify", WriteStatement>;
  #owner: StatementSync;

  constructor(db: DatabaseSync, writer: BatchWriter) {
    this.#writer = writer;
    const p = (sql: string) => writer.prepare(sql);
    this.#s = {
      start: p(
        `INSERT INTO transactions (id, charger_tx_id, charger_id, evse_id, connector_id, id_tag, auth_status,
           reservation_id, meter_start_wh, started_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      meter: p("UPDATE transactions SET last_meter_wh = ? WHERE id = ?"),
      // The latest reading still in memory goes with the stop.
      stop: p(
        `UPDATE transactions SET meter_stop_wh = ?, stopped_at = ?, stop_reason = ?, stop_id_tag = ?,
           last_meter_wh = coalesce(?, last_meter_wh)
         WHERE id = ? AND stopped_at IS NULL`,
      ),
      close: p(
        `UPDATE transactions SET meter_stop_wh = ?, stopped_at = ?, stop_reason = ?,
           last_meter_wh = coalesce(?, last_meter_wh), closed_at = ?, closed_by = ?, close_reason = ?,
           superseded_by = ?
         WHERE id = ? AND stopped_at IS NULL`,
      ),
      identify: p(
        "UPDATE transactions SET id_tag = ?, auth_status = ? WHERE id = ? AND stopped_at IS NULL AND id_tag = ''",
      ),
      // Only the first: a resent late stop changes nothing.
      reportStop: p(
        `UPDATE transactions SET reported_meter_stop_wh = ?, reported_stopped_at = ?, reported_stop_reason = ?
         WHERE id = ? AND closed_at IS NOT NULL AND reported_stopped_at IS NULL`,
      ),
    };
    this.#owner = db.prepare("SELECT * FROM transactions WHERE id = ?");
    writer.addFlushHook(() => {
      for (const [id, wh] of this.#meters) writer.coalesce(this.#s.meter, id, [wh, id]);
      this.#meters.clear();
    });
    this.#lastId = (db.prepare("SELECT max(id) AS m FROM transactions").get() as { m: number | null }).m ?? 0;
    const active = db.prepare(
      `SELECT id, charger_tx_id, charger_id, evse_id, connector_id, id_tag, meter_start_wh, started_at,
         last_meter_wh
       FROM transactions WHERE stopped_at IS NULL`,
    ).all() as unknown as Row[];
    for (const r of active) {
      const id = r.id as number;
      const tx: TrackedTransaction = {
        id,
        chargerTransactionId: r.charger_tx_id === null ? String(id) : r.charger_tx_id as string,
        chargerId: r.charger_id as string,
        evseId: r.evse_id as number,
        connectorId: r.connector_id as number,
        idTag: r.id_tag as string,
        meterStartWh: r.meter_start_wh as number,
        startedAt: r.started_at as string,
      };
      if (r.last_meter_wh !== null) tx.lastMeterWh = r.last_meter_wh as number;
      this.#track(tx, r.charger_tx_id !== null);
    }
  }

  active(): IterableIterator<TrackedTransaction> {
    return this.#active.values();
  }

  /** The active transaction `id`, as kept for its meter readings. */
  tracked(id: number): TrackedTransaction | undefined {
    return this.#active.get(id);
  }

  /** The open transactions on one EVSE (a copy): more than none before a start are orphans. */
  activeOn(chargerId: string, evseId: number): Promise<TrackedTransaction[]> {
    return Promise.resolve(this.#activeOn(chargerId, evseId));
  }

  #activeOn(chargerId: string, evseId: number): TrackedTransaction[] {
    return [...this.#onEvse.get(evseKey(chargerId, evseId)) ?? []];
  }

  openWithIdTag(idTag: string): Promise<ActiveTransaction[]> {
    const tag = idTag.toLowerCase();
    return Promise.resolve([...this.#active.values()].filter((tx) => tx.idTag.toLowerCase() === tag));
  }

  // One node holds every open transaction of its engine's database (SQLite is one node's), so the lookups
  // answer from memory; the contract makes them async for engines that share a database.
  findByChargerTransactionId(
    chargerId: string,
    chargerTransactionId: string,
  ): Promise<ActiveTransaction | undefined> {
    return Promise.resolve(this.#findByChargerTransactionId(chargerId, chargerTransactionId));
  }

  #findByChargerTransactionId(
    chargerId: string,
    chargerTransactionId: string,
  ): ActiveTransaction | undefined {
    const own = this.#byChargerTx.get(chargerId)?.get(chargerTransactionId);
    if (own) return own;
    // Where the CSMS assigned the id (1.6), the charger's is the CSMS's as text.
    const id = Number(chargerTransactionId);
    const tx = Number.isSafeInteger(id) ? this.#active.get(id) : undefined;
    return tx && tx.chargerId === chargerId && tx.chargerTransactionId === chargerTransactionId
      ? tx
      : undefined;
  }

  findResentStart(
    start: Omit<StartTransaction, "authStatus" | "reservationId">,
  ): Promise<ActiveTransaction | undefined> {
    return Promise.resolve(
      this.#activeOn(start.chargerId, start.evseId).find((tx) =>
        tx.idTag === start.idTag && tx.meterStartWh === start.meterStartWh &&
        tx.startedAt === start.startedAt &&
        tx.connectorId === start.connectorId &&
        (start.chargerTransactionId === undefined || tx.chargerTransactionId === start.chargerTransactionId)
      ),
    );
  }

  #track(tx: TrackedTransaction, chargerAssigned: boolean): void {
    this.#active.set(tx.id, tx);
    const key = evseKey(tx.chargerId, tx.evseId);
    const list = this.#onEvse.get(key);
    if (list) list.push(tx);
    else this.#onEvse.set(key, [tx]);
    if (chargerAssigned) {
      let own = this.#byChargerTx.get(tx.chargerId);
      if (!own) this.#byChargerTx.set(tx.chargerId, own = new Map());
      own.set(tx.chargerTransactionId, tx);
    }
  }

  #untrack(tx: TrackedTransaction): void {
    this.#active.delete(tx.id);
    this.#meters.delete(tx.id);
    const key = evseKey(tx.chargerId, tx.evseId);
    const rest = this.#onEvse.get(key)?.filter((t) => t !== tx) ?? [];
    if (rest.length > 0) this.#onEvse.set(key, rest);
    else this.#onEvse.delete(key);
    const own = this.#byChargerTx.get(tx.chargerId);
    if (own?.get(tx.chargerTransactionId) === tx) {
      own.delete(tx.chargerTransactionId);
      if (own.size === 0) this.#byChargerTx.delete(tx.chargerId);
    }
  }

  /** Queued and tracked before this returns: a start resent right after it finds it. */
  start(t: StartTransaction): Promise<Written<ActiveTransaction>> {
    const id = ++this.#lastId;
    const tx: TrackedTransaction = {
      id,
      chargerTransactionId: t.chargerTransactionId ?? String(id),
      chargerId: t.chargerId,
      evseId: t.evseId,
      connectorId: t.connectorId,
      idTag: t.idTag,
      meterStartWh: t.meterStartWh,
      startedAt: t.startedAt,
    };
    this.#writer.write(this.#s.start, [
      id,
      nullable(t.chargerTransactionId),
      tx.chargerId,
      tx.evseId,
      tx.connectorId,
      tx.idTag,
      t.authStatus,
      nullable(t.reservationId),
      tx.meterStartWh,
      tx.startedAt,
    ]);
    this.#track(tx, t.chargerTransactionId !== undefined);
    return Promise.resolve(queued(tx as ActiveTransaction, this.#writer));
  }

  /** A transaction's latest energy reading: kept in memory, written with the latest state. */
  recordEnergy(tx: TrackedTransaction, wh: number): void {
    tx.lastMeterWh = wh;
    this.#meters.set(tx.id, wh);
  }

  /** Writes a latest energy reading now (after a crash, caught up from the samples). */
  writeEnergy(id: number, wh: number): void {
    this.#writer.coalesce(this.#s.meter, id, [wh, id]);
  }

  /** The stop is queued before the returned promise's first await: what is written after it follows it. */
  async stop(s: StopTransaction): Promise<StopOutcome> {
    const tx = this.#active.get(s.id);
    if (!tx) {
      await this.#writer.sync(); // so that the lookup sees every stop queued so far
      const row = this.#owner.get(s.id) as Row | undefined;
      if (!row) return { kind: "unknown" };
      if (row.charger_id !== s.chargerId) return { kind: "other-charger", ownerId: row.charger_id as string };
      if (row.closed_at === null || row.reported_stopped_at !== null) return { kind: "already-stopped" };
      this.#writer.write(this.#s.reportStop, [s.meterStopWh, s.stoppedAt, s.reason, s.id]);
      const closed = transactionFromRow(row);
      closed.reportedStop = { meterStopWh: s.meterStopWh, stoppedAt: s.stoppedAt, reason: s.reason };
      return { kind: "reported-after-close", tx: closed, durable: this.#writer.durable() };
    }
    if (tx.chargerId !== s.chargerId) return { kind: "other-charger", ownerId: tx.chargerId };
    this.#untrack(tx);
    this.#writer.write(this.#s.stop, [
      s.meterStopWh,
      s.stoppedAt,
      s.reason,
      nullable(s.idTag),
      nullable(tx.lastMeterWh),
      s.id,
    ]);
    return {
      kind: "stopped",
      tx: this.#stopped(tx, s.meterStopWh, s.stoppedAt, s.reason),
      durable: this.#writer.durable(),
    };
  }

  #stopped(
    tx: TrackedTransaction,
    meterStopWh: number,
    stoppedAt: string,
    reason: string,
  ): StoppedTransaction {
    const stopped: StoppedTransaction = {
      id: tx.id,
      chargerTransactionId: tx.chargerTransactionId,
      chargerId: tx.chargerId,
      evseId: tx.evseId,
      connectorId: tx.connectorId,
      idTag: tx.idTag,
      meterStartWh: tx.meterStartWh,
      meterStopWh,
      startedAt: tx.startedAt,
      stoppedAt,
      stopReason: reason,
      energyWh: meterStopWh - tx.meterStartWh,
    };
    if (tx.lastMeterWh !== undefined) stopped.lastMeterWh = tx.lastMeterWh;
    return stopped;
  }

  identify(id: number, idTag: string, authStatus: IdTokenStatus): Promise<Written<boolean>> {
    const tx = this.#active.get(id);
    if (!tx || tx.idTag !== "") return Promise.resolve(queued(false, this.#writer));
    tx.idTag = idTag;
    this.#writer.write(this.#s.identify, [idTag, authStatus, id]);
    return Promise.resolve(queued(true, this.#writer));
  }

  /**
   * Closes an active transaction on the CSMS's own authority, its latest meter reading (or, without one,
   * its meterStart) as its meterStop: the energy seen so far is kept, none is invented. Queued at once;
   * undefined when it is not active (unknown, or stopped already).
   */
  close(id: number, c: CloseTransaction): Promise<Written<StoppedTransaction> | undefined> {
    const tx = this.#active.get(id);
    if (!tx) return Promise.resolve(undefined);
    this.#untrack(tx);
    const meterStopWh = tx.lastMeterWh ?? tx.meterStartWh;
    this.#writer.write(this.#s.close, [
      meterStopWh,
      c.stoppedAt,
      c.reason,
      nullable(tx.lastMeterWh),
      c.closedAt,
      nullable(c.closedBy),
      nullable(c.closeReason),
      nullable(c.supersededBy),
      id,
    ]);
    const stopped = this.#stopped(tx, meterStopWh, c.stoppedAt, c.reason);
    stopped.closedAt = c.closedAt;
    if (c.closedBy !== undefined) stopped.closedBy = c.closedBy;
    if (c.closeReason !== undefined) stopped.closeReason = c.closeReason;
    if (c.supersededBy !== undefined) stopped.supersededBy = c.supersededBy;
    return Promise.resolve(queued(stopped, this.#writer));
  }
}
