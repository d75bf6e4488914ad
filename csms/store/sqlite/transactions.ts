/**
 * The CSMS's write model over SQLite: what the OCPP handlers record. Hot-path
 * writes go through the BatchWriter; the few that must be on disk before the
 * charger is answered (a transaction's start and stop) hand back `durable`.
 * Active transactions are also kept in memory: they are few, and every
 * MeterValues needs one.
 *
 * The latest state of each charger (last frame time, latest sample, a
 * transaction's latest energy reading) is kept in memory and written at most
 * every LATEST_WRITE_EVERY_MS, and whenever someone reads (`writer.sync(true)`)
 * or the CSMS stops: written with every MeterValues it was one more scattered
 * page per charger per commit. The samples themselves are committed before
 * each answer, so after a crash the latest readings are taken from them again.
 */
import type { DatabaseSync, SQLInputValue, StatementSync } from "node:sqlite";
import type { Ocpp16 } from "../../shared/ocpp/actions16.ts";
import type { MeterSample } from "../../shared/events.ts";
import type { IdTagRecord, IdTagStatus } from "../../shared/queries.ts";
import type { BatchWriter, WriteStatement } from "./writer.ts";
import { isoAt } from "../clock.ts";
import { MeterHistory } from "./meter_history.ts";
import { Refusals } from "./refusals.ts";
import { Registrations } from "./registrations.ts";

export interface ActiveTransaction {
  id: number;
  chargerId: string;
  connectorId: number;
  idTag: string;
  meterStartWh: number;
  startedAt: string;
  lastMeterWh?: number;
  /** Dedupe keys of the newest samples, so that a replay is not published twice (the database has the last word). */
  recentSamples?: string[];
  /**
   * The greatest timestamp among recentSamples (as strings): a sample stamped later is none of them, and
   * is not compared with each (every comparison reads another string somewhere in the heap).
   */
  recentMaxTs?: string;
}

/** Samples remembered per active transaction for spotting replays without a database read. */
const RECENT_SAMPLES = 16;

/**
 * A transaction sample's identity: the same reading at the same time on the same connector. A charger
 * replays a MeterValues whose answer it never got; storing the replay again would count it twice.
 */
export function sampleKey(connectorId: number, s: MeterSample): string {
  return JSON.stringify([
    connectorId,
    s.timestamp,
    s.energyWh ?? null,
    s.powerW ?? null,
    s.currentA ?? null,
    s.voltageV ?? null,
    s.socPercent ?? null,
  ]);
}

export interface StoppedTransaction {
  id: number;
  chargerId: string;
  connectorId: number;
  meterStartWh: number;
  meterStopWh: number;
  energyWh: number;
  reason: string;
  stoppedAt: string;
  /** Set when the CSMS closed it (see CsmsStore.closeTransaction). */
  closedBy?: string;
  closeReason?: string;
  supersededBy?: number;
}

/** How the CSMS closes an active transaction on its own authority (a superseding start, an operator). */
export interface CsmsClose {
  /** CSMS_STOP_REASONS: Superseded or ClosedByOperator. */
  reason: string;
  /** The stop time recorded for the transaction. */
  stoppedAt: string;
  /** When the CSMS closed it (its own clock). */
  closedAt: string;
  closedBy?: string;
  closeReason?: string;
  supersededBy?: number;
}

export type StopOutcome =
  | { kind: "stopped"; tx: StoppedTransaction; durable: Promise<void> }
  /**
   * The charger's first StopTransaction for a transaction the CSMS had closed: its figures are kept as the
   * reported stop, the close stands.
   */
  | { kind: "reported-after-close"; connectorId: number; closedBy?: string; durable: Promise<void> }
  /** A resent StopTransaction for one already closed: nothing to change. */
  | { kind: "already-stopped" }
  | { kind: "unknown" }
  | { kind: "other-charger"; ownerId: string };

interface TxOwnerRow {
  charger_id: string;
  connector_id: number;
  closed_at: string | null;
  closed_by: string | null;
  reported_stopped_at: string | null;
}

function connectorKey(chargerId: string, connectorId: number): string {
  // A connector id is digits: the first space ends it, whatever the charger id holds.
  return `${connectorId} ${chargerId}`;
}

function nullable(v: string | number | undefined): SQLInputValue {
  return v === undefined ? null : v;
}

interface IdTagRow {
  id_tag: string;
  status: string;
  expiry_date: string | null;
  parent_id_tag: string | null;
  created_at: string;
}

export function idTagFromRow(r: IdTagRow): IdTagRecord {
  const tag: IdTagRecord = { idTag: r.id_tag, status: r.status as IdTagStatus, createdAt: r.created_at };
  if (r.expiry_date) tag.expiryDate = r.expiry_date;
  if (r.parent_id_tag) tag.parentIdTag = r.parent_id_tag;
  return tag;
}

/**
 * How long a charger's latest state (last-seen time, latest sample, its transaction's latest energy) may
 * wait in memory before it is written: the flush hook's `hookDelayMs` (see csms/server.ts).
 */
export const LATEST_WRITE_EVERY_MS = 5000;

export class CsmsStore {
  readonly db: DatabaseSync;
  readonly writer: BatchWriter;
  /** Which chargers may connect, and how (security profiles and key hashes). */
  readonly registrations: Registrations;
  /** Recent refusals at the handshake, per charge point id. */
  readonly refusals: Refusals;
  #active = new Map<number, ActiveTransaction>();
  /**
   * The same, by charger and connector: each StartTransaction looks for a replay and for orphans on its
   * connector, and a fleet of thousands starting at once must not scan every active transaction each time.
   */
  #onConnector = new Map<string, ActiveTransaction[]>();
  #lastTxId: number;
  /** Latest state not written yet: last frame time and latest sample by charger, energy by transaction. */
  #seen = new Map<string, number>();
  #lastSamples = new Map<string, { sample: MeterSample; connectorId: number; transactionId?: number }>();
  #txMeters = new Map<number, number>();
  /** Writes, run by the writer's thread. */
  #s: Record<
    | "connected"
    | "seen"
    | "booted"
    | "status"
    | "firmware"
    | "diagnostics"
    | "lastSample"
    | "recordTag"
    | "startTx"
    | "txMeter"
    | "stopTx"
    | "closeTx"
    | "reportStop"
    | "sample"
    | "event"
    | "pruneMeterValues"
    | "pruneEvents",
    WriteStatement
  >;
  /** Reads, on the CSMS's own connection. */
  #r: Record<"findTag" | "txOwner", StatementSync>;

  constructor(db: DatabaseSync, writer: BatchWriter) {
    this.db = db;
    this.writer = writer;
    this.registrations = new Registrations(db, writer);
    this.refusals = new Refusals(db, writer);
    const p = (sql: string) => writer.prepare(sql);
    this.#r = {
      findTag: db.prepare("SELECT * FROM id_tags WHERE id_tag = ?"),
      txOwner: db.prepare(
        "SELECT charger_id, connector_id, closed_at, closed_by, reported_stopped_at FROM transactions WHERE id = ?",
      ),
    };
    this.#s = {
      connected: p(
        `INSERT INTO chargers (id, protocol, first_seen_at, last_seen_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET protocol = excluded.protocol, last_seen_at = excluded.last_seen_at`,
      ),
      seen: p("UPDATE chargers SET last_seen_at = ? WHERE id = ?"),
      booted: p(
        `UPDATE chargers SET vendor = ?, model = ?, serial_number = ?, firmware_version = ?, iccid = ?, imsi = ?,
           meter_type = ?, meter_serial_number = ?, last_boot_at = ? WHERE id = ?`,
      ),
      status: p(
        `INSERT INTO connectors (charger_id, connector_id, status, error_code, info, vendor_id, vendor_error_code,
           updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (charger_id, connector_id) DO UPDATE SET status = excluded.status,
           error_code = excluded.error_code, info = excluded.info, vendor_id = excluded.vendor_id,
           vendor_error_code = excluded.vendor_error_code, updated_at = excluded.updated_at`,
      ),
      firmware: p("UPDATE chargers SET firmware_status = ? WHERE id = ?"),
      diagnostics: p("UPDATE chargers SET diagnostics_status = ? WHERE id = ?"),
      lastSample: p("UPDATE chargers SET last_sample = ? WHERE id = ?"),
      recordTag: p("INSERT OR IGNORE INTO id_tags (id_tag, status, created_at) VALUES (?, 'Accepted', ?)"),
      startTx: p(
        `INSERT INTO transactions (id, charger_id, connector_id, id_tag, auth_status, reservation_id,
           meter_start_wh, started_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      txMeter: p("UPDATE transactions SET last_meter_wh = ? WHERE id = ?"),
      // The latest reading still in memory goes with the stop.
      stopTx: p(
        `UPDATE transactions SET meter_stop_wh = ?, stopped_at = ?, stop_reason = ?, stop_id_tag = ?,
           last_meter_wh = coalesce(?, last_meter_wh)
         WHERE id = ? AND stopped_at IS NULL`,
      ),
      closeTx: p(
        `UPDATE transactions SET meter_stop_wh = ?, stopped_at = ?, stop_reason = ?,
           last_meter_wh = coalesce(?, last_meter_wh), closed_at = ?, closed_by = ?, close_reason = ?,
           superseded_by = ?
         WHERE id = ? AND stopped_at IS NULL`,
      ),
      // Only the first: a resent late stop changes nothing.
      reportStop: p(
        `UPDATE transactions SET reported_meter_stop_wh = ?, reported_stopped_at = ?, reported_stop_reason = ?
         WHERE id = ? AND closed_at IS NOT NULL AND reported_stopped_at IS NULL`,
      ),
      // A replayed transaction sample hits meter_values_dedupe and is skipped.
      sample: p(
        `INSERT INTO meter_values (charger_id, connector_id, transaction_id, ts, energy_wh, power_w, current_a,
           voltage_v, soc_percent, received_at, dedupe_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT DO NOTHING`,
      ),
      event: p("INSERT INTO events (at, charger_id, type, data, received_at) VALUES (?, ?, ?, ?, ?)"),
      // Both tables are appended in received order: the boundary is an id (see prune).
      pruneMeterValues: p("DELETE FROM meter_values WHERE id < ?"),
      pruneEvents: p("DELETE FROM events WHERE id < ?"),
    };
    writer.addFlushHook(() => {
      for (const [id, ms] of this.#seen) writer.coalesce(this.#s.seen, id, [isoAt(ms), id]);
      this.#seen.clear();
      for (const [id, { sample, connectorId, transactionId }] of this.#lastSamples) {
        writer.coalesce(this.#s.lastSample, id, [
          JSON.stringify({ ...sample, connectorId, transactionId }),
          id,
        ]);
      }
      this.#lastSamples.clear();
      for (const [id, wh] of this.#txMeters) writer.coalesce(this.#s.txMeter, id, [wh, id]);
      this.#txMeters.clear();
    });
    this.#lastTxId = (db.prepare("SELECT max(id) AS m FROM transactions").get() as { m: number | null }).m ??
      0;
    const active = db.prepare(
      `SELECT id, charger_id, connector_id, id_tag, meter_start_wh, started_at, last_meter_wh
       FROM transactions WHERE stopped_at IS NULL`,
    ).all() as unknown as Array<Record<string, string | number | null>>;
    for (const r of active) {
      const tx: ActiveTransaction = {
        id: r.id as number,
        chargerId: r.charger_id as string,
        connectorId: r.connector_id as number,
        idTag: r.id_tag as string,
        meterStartWh: r.meter_start_wh as number,
        startedAt: r.started_at as string,
      };
      if (r.last_meter_wh !== null) tx.lastMeterWh = r.last_meter_wh as number;
      this.#track(tx);
    }
    this.#catchUpLatest();
  }

  /**
   * After a crash the latest readings, written every few seconds, may lag behind the samples, which are
   * committed before each answer: the active transactions' (and their chargers') are read back from them.
   */
  #catchUpLatest(): void {
    if (this.#active.size === 0) return;
    const history = new MeterHistory(this.db);
    const newestEnergy = this.db.prepare(
      `SELECT energy_wh FROM meter_values WHERE transaction_id = ? AND charger_id = ? AND energy_wh IS NOT NULL
       ORDER BY id DESC LIMIT 1`,
    );
    const chargers = new Set<string>();
    for (const tx of this.#active.values()) {
      chargers.add(tx.chargerId);
      const row = newestEnergy.get(tx.id, tx.chargerId) as { energy_wh: number } | undefined;
      if (row && row.energy_wh !== tx.lastMeterWh) {
        tx.lastMeterWh = row.energy_wh;
        this.writer.coalesce(this.#s.txMeter, tx.id, [row.energy_wh, tx.id]);
      }
    }
    for (const id of chargers) {
      const [newest] = history.samples(id, { limit: 1 });
      if (newest) this.writer.coalesce(this.#s.lastSample, id, [JSON.stringify(newest), id]);
    }
    this.writer.flush();
  }

  // --- chargers -------------------------------------------------------------------------------------------

  chargerConnected(id: string, protocol: string, at: string): void {
    this.writer.write(this.#s.connected, [id, protocol, at, at]);
  }

  /** Notes that a frame arrived: written with the latest state, or with the next batch if `force`. */
  chargerSeen(id: string, nowMs: number, force = false): void {
    if (force) {
      this.#seen.delete(id);
      this.writer.coalesce(this.#s.seen, id, [isoAt(nowMs), id]);
      return;
    }
    this.#seen.set(id, nowMs);
    this.writer.hookPending();
  }

  /** The charger has gone: its last-seen time is written now. */
  chargerGone(id: string, nowMs: number): void {
    this.chargerSeen(id, nowMs, true);
  }

  chargerBooted(id: string, req: Ocpp16.BootNotificationRequest, at: string): void {
    this.writer.write(this.#s.booted, [
      req.chargePointVendor,
      req.chargePointModel,
      nullable(req.chargePointSerialNumber ?? req.chargeBoxSerialNumber),
      nullable(req.firmwareVersion),
      nullable(req.iccid),
      nullable(req.imsi),
      nullable(req.meterType),
      nullable(req.meterSerialNumber),
      at,
      id,
    ]);
  }

  connectorStatus(id: string, req: Ocpp16.StatusNotificationRequest, at: string): void {
    this.writer.write(this.#s.status, [
      id,
      req.connectorId,
      req.status,
      req.errorCode,
      nullable(req.info),
      nullable(req.vendorId),
      nullable(req.vendorErrorCode),
      at,
    ]);
  }

  firmwareStatus(id: string, status: string): void {
    this.writer.coalesce(this.#s.firmware, id, [status, id]);
  }

  diagnosticsStatus(id: string, status: string): void {
    this.writer.coalesce(this.#s.diagnostics, id, [status, id]);
  }

  // --- id tags --------------------------------------------------------------------------------------------

  findIdTag(idTag: string): IdTagRecord | undefined {
    const row = this.#r.findTag.get(idTag) as IdTagRow | undefined;
    return row ? idTagFromRow(row) : undefined;
  }

  recordUnknownIdTag(idTag: string, at: string): void {
    this.writer.write(this.#s.recordTag, [idTag, at]);
  }

  // --- transactions ---------------------------------------------------------------------------------------

  activeTransactions(): IterableIterator<ActiveTransaction> {
    return this.#active.values();
  }

  /**
   * A StartTransaction the charger resends because our answer was lost looks
   * exactly like the first one: answer with the same transaction.
   */
  findResentStart(
    chargerId: string,
    connectorId: number,
    idTag: string,
    meterStartWh: number,
    startedAt: string,
  ): ActiveTransaction | undefined {
    return this.activeOn(chargerId, connectorId).find((tx) =>
      tx.idTag === idTag && tx.meterStartWh === meterStartWh && tx.startedAt === startedAt
    );
  }

  /** The active transactions on one connector (a copy): more than none before a StartTransaction are orphans. */
  activeOn(chargerId: string, connectorId: number): ActiveTransaction[] {
    return [...this.#onConnector.get(connectorKey(chargerId, connectorId)) ?? []];
  }

  #track(tx: ActiveTransaction): void {
    this.#active.set(tx.id, tx);
    const key = connectorKey(tx.chargerId, tx.connectorId);
    const list = this.#onConnector.get(key);
    if (list) list.push(tx);
    else this.#onConnector.set(key, [tx]);
  }

  #untrack(tx: ActiveTransaction): void {
    this.#active.delete(tx.id);
    const key = connectorKey(tx.chargerId, tx.connectorId);
    const rest = this.#onConnector.get(key)?.filter((t) => t !== tx) ?? [];
    if (rest.length > 0) this.#onConnector.set(key, rest);
    else this.#onConnector.delete(key);
  }

  startTransaction(
    t: Omit<ActiveTransaction, "id" | "lastMeterWh"> & { authStatus: string; reservationId?: number },
  ): { tx: ActiveTransaction; durable: Promise<void> } {
    const tx: ActiveTransaction = {
      id: ++this.#lastTxId,
      chargerId: t.chargerId,
      connectorId: t.connectorId,
      idTag: t.idTag,
      meterStartWh: t.meterStartWh,
      startedAt: t.startedAt,
    };
    this.writer.write(this.#s.startTx, [
      tx.id,
      tx.chargerId,
      tx.connectorId,
      tx.idTag,
      t.authStatus,
      nullable(t.reservationId),
      tx.meterStartWh,
      tx.startedAt,
    ]);
    this.#track(tx);
    return { tx, durable: this.writer.durable() };
  }

  /** The stop is queued before this returns (before its first await): what follows is written after it. */
  async stopTransaction(
    s: {
      id: number;
      chargerId: string;
      meterStopWh: number;
      stoppedAt: string;
      reason: string;
      idTag?: string;
    },
  ): Promise<StopOutcome> {
    const tx = this.#active.get(s.id);
    if (!tx) {
      await this.writer.sync(); // so that the lookup sees every stop queued so far
      const row = this.#r.txOwner.get(s.id) as TxOwnerRow | undefined;
      if (!row) return { kind: "unknown" };
      if (row.charger_id !== s.chargerId) return { kind: "other-charger", ownerId: row.charger_id };
      if (row.closed_at === null || row.reported_stopped_at !== null) return { kind: "already-stopped" };
      this.writer.write(this.#s.reportStop, [s.meterStopWh, s.stoppedAt, s.reason, s.id]);
      return {
        kind: "reported-after-close",
        connectorId: row.connector_id,
        ...(row.closed_by !== null && { closedBy: row.closed_by }),
        durable: this.writer.durable(),
      };
    }
    if (tx.chargerId !== s.chargerId) return { kind: "other-charger", ownerId: tx.chargerId };
    this.#untrack(tx);
    this.#txMeters.delete(s.id);
    this.writer.write(this.#s.stopTx, [
      s.meterStopWh,
      s.stoppedAt,
      s.reason,
      nullable(s.idTag),
      nullable(tx.lastMeterWh),
      s.id,
    ]);
    return {
      kind: "stopped",
      tx: {
        id: tx.id,
        chargerId: tx.chargerId,
        connectorId: tx.connectorId,
        meterStartWh: tx.meterStartWh,
        meterStopWh: s.meterStopWh,
        energyWh: s.meterStopWh - tx.meterStartWh,
        reason: s.reason,
        stoppedAt: s.stoppedAt,
      },
      durable: this.writer.durable(),
    };
  }

  /**
   * Closes an active transaction on the CSMS's own authority, its latest meter reading (or, without one,
   * its meterStart) as its meterStop: the energy seen so far is kept, none is invented. Queued at once;
   * undefined when it is not active (unknown, or stopped already). The caller awaits `writer.durable()`.
   */
  closeTransaction(id: number, c: CsmsClose): StoppedTransaction | undefined {
    const tx = this.#active.get(id);
    if (!tx) return undefined;
    this.#untrack(tx);
    this.#txMeters.delete(id);
    const meterStopWh = tx.lastMeterWh ?? tx.meterStartWh;
    this.writer.write(this.#s.closeTx, [
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
    const stopped: StoppedTransaction = {
      id,
      chargerId: tx.chargerId,
      connectorId: tx.connectorId,
      meterStartWh: tx.meterStartWh,
      meterStopWh,
      energyWh: meterStopWh - tx.meterStartWh,
      reason: c.reason,
      stoppedAt: c.stoppedAt,
    };
    if (c.closedBy !== undefined) stopped.closedBy = c.closedBy;
    if (c.closeReason !== undefined) stopped.closeReason = c.closeReason;
    if (c.supersededBy !== undefined) stopped.supersededBy = c.supersededBy;
    return stopped;
  }

  // --- meter values ---------------------------------------------------------------------------------------

  /**
   * Records samples; those of a transaction are keyed so that a replay is stored once. Returns the
   * samples not already seen (a replay of a recent MeterValues returns none): what is worth publishing.
   */
  meterSamples(
    chargerId: string,
    connectorId: number,
    transactionId: number | undefined,
    samples: readonly MeterSample[],
    receivedAtMs: number,
  ): MeterSample[] {
    if (samples.length === 0) return [];
    const txId = nullable(transactionId);
    const active = transactionId === undefined ? undefined : this.#active.get(transactionId);
    const tx = active && active.chargerId === chargerId ? active : undefined;
    const fresh: MeterSample[] = [];
    for (const s of samples) {
      const key = transactionId === undefined ? null : sampleKey(connectorId, s);
      if (key !== null && tx) {
        const later = tx.recentMaxTs === undefined || s.timestamp > tx.recentMaxTs;
        if (!later && tx.recentSamples?.includes(key)) continue;
        if (later) tx.recentMaxTs = s.timestamp;
        (tx.recentSamples ??= []).push(key);
        if (tx.recentSamples.length > RECENT_SAMPLES) tx.recentSamples.shift();
      }
      fresh.push(s);
      this.writer.write(this.#s.sample, [
        chargerId,
        connectorId,
        txId,
        s.timestamp,
        nullable(s.energyWh),
        nullable(s.powerW),
        nullable(s.currentA),
        nullable(s.voltageV),
        nullable(s.socPercent),
        receivedAtMs,
        key,
      ]);
    }
    if (fresh.length === 0) return fresh;
    // Serialized only when the latest state is written: of many samples meanwhile, only the newest is.
    this.#lastSamples.set(chargerId, { sample: fresh[fresh.length - 1], connectorId, transactionId });
    this.writer.hookPending();
    if (tx) {
      for (let i = fresh.length - 1; i >= 0; i--) {
        const e = fresh[i].energyWh;
        if (e !== undefined) {
          tx.lastMeterWh = e;
          this.#txMeters.set(tx.id, e);
          break;
        }
      }
    }
    return fresh;
  }

  // --- event log ------------------------------------------------------------------------------------------

  appendEvent(chargerId: string, type: string, at: string, data: unknown, nowMs = Date.now()): void {
    this.writer.write(this.#s.event, [at, chargerId, type, JSON.stringify(data), nowMs]);
  }

  // --- retention ------------------------------------------------------------------------------------------

  /**
   * Deletes at most `maxRows` meter values and events older than their retention; returns how many rows
   * went, so that the caller can come back soon when there is more. Rows are appended in received order,
   * so the boundary is the first id young enough, found walking from the start of the table.
   */
  async prune(nowMs: number, meterDays: number, eventDays: number, maxRows = 20_000): Promise<number> {
    await this.writer.sync();
    let deleted = 0;
    for (const [table, days] of [["meter_values", meterDays], ["events", eventDays]] as const) {
      if (days <= 0) continue;
      const cutoff = nowMs - days * 86_400_000;
      const first = this.db.prepare(`SELECT min(id) AS id FROM ${table}`).get() as { id: number | null };
      if (first.id === null) continue;
      // ORDER BY id LIMIT 1 walks the rowid order and stops at the first young row (min() would scan all).
      const young = this.db.prepare(`SELECT id FROM ${table} WHERE received_at >= ? ORDER BY id LIMIT 1`)
        .get(cutoff) as { id: number } | undefined;
      const boundary = Math.min(young?.id ?? Number.MAX_SAFE_INTEGER, first.id + (maxRows - deleted));
      const stmt = table === "meter_values" ? this.#s.pruneMeterValues : this.#s.pruneEvents;
      deleted += await this.writer.run(stmt, [boundary]);
      if (deleted >= maxRows) break;
    }
    return deleted;
  }
}
