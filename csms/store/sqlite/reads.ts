/**
 * CsmsQueries over the SQLite store: the portal's read and admin model. Reads
 * first wait until whatever the writer holds is committed, the latest readings
 * kept in memory included (`sync(true)`), so a page always shows what the CSMS
 * has already answered to chargers; they run on the CSMS's own connection, and
 * writes go through the writer's thread like every other write. Online state
 * comes from the live sockets, never from the database, so a crash cannot leave
 * phantom online chargers.
 */
import type { StatementSync } from "node:sqlite";
import type { ChargePointErrorCode16, ChargePointStatus16 } from "../../shared/ocpp/actions16.ts";
import {
  type ChargerRefusal,
  type ChargerRegistration,
  type ChargerSummary,
  type CloseTransactionResult,
  type ConnectorState,
  CSMS_STOP_REASONS,
  type CsmsQueries,
  type IdTagRecord,
  type IdTagStatus,
  MAX_CLOSE_REASON_LENGTH,
  MAX_RECENT_REFUSALS,
  type RegisterChargerOptions,
  type TransactionQuery,
  type TransactionRecord,
} from "../../shared/queries.ts";
import { isoNow } from "../clock.ts";
import type { EventSink } from "../event_sink.ts";
import type { FrameEntry } from "../frame_log.ts";
import { staleness } from "../orphans.ts";
import { MeterHistory, type StoredSample } from "./meter_history.ts";
import { publicRegistration } from "./registrations.ts";
import { type CsmsStore, idTagFromRow } from "./store.ts";
import type { WriteStatement } from "./writer.ts";

export interface LiveView {
  isOnline(chargerId: string): boolean;
  recentFrames(chargerId: string, limit?: number): FrameEntry[];
  /** Closes the charger's live connection, if any: its access was withdrawn. */
  disconnect(chargerId: string, reason: string): void;
}

/** One persisted event-log entry (connections, boots, statuses, transactions, commands, notifications). */
export interface EventLogEntry {
  id: number;
  at: string;
  chargerId: string;
  type: string;
  data: unknown;
}

const ID_TAG_STATUSES: readonly IdTagStatus[] = ["Accepted", "Blocked", "Expired", "Invalid"];
/** OCPP 1.6 IdToken is CiString20Type. */
const MAX_ID_TAG_LENGTH = 20;

type Row = Record<string, string | number | null>;

function opt<T>(v: T | null): T | undefined {
  return v === null ? undefined : v;
}

function transactionFromRow(r: Row): TransactionRecord {
  const start = r.meter_start_wh as number;
  const stop = opt(r.meter_stop_wh as number | null);
  const last = opt(r.last_meter_wh as number | null);
  const t: TransactionRecord = {
    id: r.id as number,
    chargerId: r.charger_id as string,
    connectorId: r.connector_id as number,
    idTag: r.id_tag as string,
    meterStartWh: start,
    startedAt: r.started_at as string,
    energyWh: stop !== undefined ? stop - start : last !== undefined ? Math.max(0, last - start) : 0,
  };
  if (stop !== undefined) t.meterStopWh = stop;
  if (last !== undefined) t.lastMeterWh = last;
  else if (stop !== undefined) t.lastMeterWh = stop;
  if (r.stopped_at !== null) t.stoppedAt = r.stopped_at as string;
  if (r.stop_reason !== null) t.stopReason = r.stop_reason as string;
  if (r.closed_at !== null) t.closedAt = r.closed_at as string;
  if (r.closed_by !== null) t.closedBy = r.closed_by as string;
  if (r.close_reason !== null) t.closeReason = r.close_reason as string;
  if (r.superseded_by !== null) t.supersededBy = r.superseded_by as number;
  if (r.reported_stopped_at !== null) {
    t.reportedStop = {
      meterStopWh: r.reported_meter_stop_wh as number,
      stoppedAt: r.reported_stopped_at as string,
      reason: r.reported_stop_reason as string,
    };
  }
  return t;
}

function connectorFromRow(r: Row): ConnectorState {
  const c: ConnectorState = {
    connectorId: r.connector_id as number,
    status: r.status as ChargePointStatus16,
    errorCode: r.error_code as ChargePointErrorCode16,
    updatedAt: r.updated_at as string,
  };
  if (r.info !== null) c.info = r.info as string;
  return c;
}

/** Runs a synchronous read as a promise: a failure rejects instead of throwing at the caller. */
function attempt<T>(fn: () => T): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (err) {
    return Promise.reject(err);
  }
}

function clampLimit(limit: number | undefined, fallback: number, max: number): number {
  if (limit === undefined || !Number.isFinite(limit)) return fallback;
  return Math.min(max, Math.max(0, Math.floor(limit)));
}

export interface QueryOptions {
  /** An active transaction whose charger is offline, or whose connector is Available, this long is stale. */
  staleAfterMs: number;
}

export class SqliteQueries implements CsmsQueries {
  #history: MeterHistory;
  #upsertTag: WriteStatement;
  #deleteTag: WriteStatement;

  constructor(
    private readonly store: CsmsStore,
    private readonly live: LiveView,
    /** Where a transaction closed by hand is announced and logged, like any stop. */
    private readonly sink: EventSink,
    private readonly options: QueryOptions,
  ) {
    this.#history = new MeterHistory(store.db);
    this.#upsertTag = store.writer.prepare(
      `INSERT INTO id_tags (id_tag, status, expiry_date, parent_id_tag, created_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (id_tag) DO UPDATE SET status = excluded.status, expiry_date = excluded.expiry_date,
         parent_id_tag = excluded.parent_id_tag`,
    );
    this.#deleteTag = store.writer.prepare("DELETE FROM id_tags WHERE id_tag = ?");
  }

  #statements = new Map<string, StatementSync>();

  /** Runs a read once every write queued so far (the latest readings included) is committed. */
  async #read<T>(fn: () => T): Promise<T> {
    await this.store.writer.sync(true);
    return fn();
  }

  #all(sql: string, ...params: Array<string | number | null>): Row[] {
    let stmt = this.#statements.get(sql);
    if (!stmt) this.#statements.set(sql, stmt = this.store.db.prepare(sql));
    return stmt.all(...params) as Row[];
  }

  #summary(r: Row, connectors: ConnectorState[], active: TransactionRecord[]): ChargerSummary {
    const id = r.id as string;
    const s: ChargerSummary = {
      id,
      online: this.live.isOnline(id),
      connectors,
      activeTransactions: active,
    };
    const fields = [
      ["protocol", "protocol"],
      ["vendor", "vendor"],
      ["model", "model"],
      ["firmwareVersion", "firmware_version"],
      ["serialNumber", "serial_number"],
      ["lastBootAt", "last_boot_at"],
      ["lastSeenAt", "last_seen_at"],
    ] as const;
    for (const [key, column] of fields) if (r[column] !== null) s[key] = r[column] as string;
    if (r.last_sample !== null) s.lastSample = JSON.parse(r.last_sample as string);
    return s;
  }

  /** Marks the active ones among `items` that look orphaned; reads their charger's last-seen time and connector. */
  #markStale(items: TransactionRecord[], nowMs = Date.now()): TransactionRecord[] {
    for (const t of items) {
      if (t.stoppedAt !== undefined) continue;
      const online = this.live.isOnline(t.chargerId);
      const [charger] = online
        ? []
        : this.#all("SELECT last_seen_at FROM chargers WHERE id = ?", t.chargerId);
      const [connector] = this.#all(
        "SELECT status, updated_at FROM connectors WHERE charger_id = ? AND connector_id = ?",
        t.chargerId,
        t.connectorId,
      );
      const stale = staleness(
        {
          online,
          ...(charger?.last_seen_at != null && { lastSeenAt: charger.last_seen_at as string }),
          ...(connector && {
            connector: {
              status: connector.status as ChargePointStatus16,
              updatedAt: connector.updated_at as string,
            },
          }),
        },
        t.startedAt,
        nowMs,
        this.options.staleAfterMs,
      );
      if (stale) t.stale = stale;
    }
    return items;
  }

  #activeByCharger(chargerId?: string): Map<string, TransactionRecord[]> {
    const rows = chargerId === undefined
      ? this.#all("SELECT * FROM transactions WHERE stopped_at IS NULL ORDER BY id")
      : this.#all(
        "SELECT * FROM transactions WHERE stopped_at IS NULL AND charger_id = ? ORDER BY id",
        chargerId,
      );
    const by = new Map<string, TransactionRecord[]>();
    for (const t of this.#markStale(rows.map(transactionFromRow))) {
      let list = by.get(t.chargerId);
      if (!list) by.set(t.chargerId, list = []);
      list.push(t);
    }
    return by;
  }

  listChargers(): Promise<ChargerSummary[]> {
    return this.#read(() => {
      const chargers = this.#all("SELECT * FROM chargers ORDER BY id");
      const connectors = new Map<string, ConnectorState[]>();
      for (const r of this.#all("SELECT * FROM connectors ORDER BY charger_id, connector_id")) {
        const id = r.charger_id as string;
        let list = connectors.get(id);
        if (!list) connectors.set(id, list = []);
        list.push(connectorFromRow(r));
      }
      const active = this.#activeByCharger();
      return chargers.map((r) =>
        this.#summary(r, connectors.get(r.id as string) ?? [], active.get(r.id as string) ?? [])
      );
    });
  }

  getCharger(id: string): Promise<ChargerSummary | undefined> {
    return this.#read(() => {
      const [row] = this.#all("SELECT * FROM chargers WHERE id = ?", id);
      if (!row) return undefined;
      const connectors = this.#all("SELECT * FROM connectors WHERE charger_id = ? ORDER BY connector_id", id)
        .map(connectorFromRow);
      return this.#summary(row, connectors, this.#activeByCharger(id).get(id) ?? []);
    });
  }

  listTransactions(query: TransactionQuery = {}): Promise<{ total: number; items: TransactionRecord[] }> {
    return this.#read(() => {
      const where: string[] = [];
      const params: Array<string | number> = [];
      if (query.chargerId !== undefined) {
        where.push("charger_id = ?");
        params.push(query.chargerId);
      }
      if (query.active !== undefined || query.stale !== undefined) {
        where.push(query.active === false ? "stopped_at IS NOT NULL" : "stopped_at IS NULL");
      }
      const clause = where.length ? `WHERE ${where.join(" AND ")}` : "";
      const limit = clampLimit(query.limit, 50, 1000);
      const offset = clampLimit(query.offset, 0, Number.MAX_SAFE_INTEGER);
      if (query.stale !== undefined) {
        // Staleness hangs on live state, not on a column: decided for every active transaction (they are
        // few; see CsmsStore), then paged.
        if (query.active === false) return { total: 0, items: [] };
        const all = this.#markStale(
          this.#all(`SELECT * FROM transactions ${clause} ORDER BY id DESC`, ...params).map(
            transactionFromRow,
          ),
        ).filter((t) => (t.stale !== undefined) === query.stale);
        return { total: all.length, items: all.slice(offset, offset + limit) };
      }
      const total = this.#all(`SELECT count(*) AS n FROM transactions ${clause}`, ...params)[0].n as number;
      const items = this.#all(
        `SELECT * FROM transactions ${clause} ORDER BY id DESC LIMIT ? OFFSET ?`,
        ...params,
        limit,
        offset,
      ).map(transactionFromRow);
      return { total, items: this.#markStale(items) };
    });
  }

  getTransaction(id: number): Promise<TransactionRecord | undefined> {
    return this.#read(() => {
      const [row] = this.#all("SELECT * FROM transactions WHERE id = ?", id);
      return row ? this.#markStale([transactionFromRow(row)])[0] : undefined;
    });
  }

  /**
   * Closes an active transaction by hand: stopped now, its last meter reading as meterStop, with who and
   * why. Announced and logged like any stop once it is on disk. A StopTransaction the charger sends later is
   * still answered, and kept beside the close (see the StopTransaction handler).
   */
  async closeTransaction(id: number, close: { by: string; reason: string }): Promise<CloseTransactionResult> {
    const reason = typeof close.reason === "string" ? close.reason.trim() : "";
    if (reason.length === 0 || reason.length > MAX_CLOSE_REASON_LENGTH) {
      throw new RangeError(`reason must be 1 to ${MAX_CLOSE_REASON_LENGTH} characters`);
    }
    const at = isoNow();
    const closed = this.store.closeTransaction(id, {
      reason: CSMS_STOP_REASONS.operator,
      stoppedAt: at,
      closedAt: at,
      closedBy: close.by,
      closeReason: reason,
    });
    if (!closed) {
      const existing = await this.getTransaction(id);
      return existing
        ? { ok: false, error: "already_stopped", message: `transaction ${id} was stopped already` }
        : { ok: false, error: "not_found", message: `no transaction ${id}` };
    }
    await this.store.writer.durable();
    this.sink.transactionStopped(closed, isoNow());
    return { ok: true, transaction: (await this.getTransaction(id))! };
  }

  /** The newest `limit` samples (default 1000) matching, oldest first. */
  meterHistory(
    chargerId: string,
    options: { transactionId?: number; since?: string; limit?: number } = {},
  ): Promise<StoredSample[]> {
    return this.#read(() => {
      return this.#history.samples(chargerId, {
        transactionId: options.transactionId,
        since: options.since,
        limit: clampLimit(options.limit, 1000, 100_000),
      });
    });
  }

  recentFrames(chargerId: string, limit?: number): Promise<FrameEntry[]> {
    return attempt(() => this.live.recentFrames(chargerId, limit));
  }

  listIdTags(): Promise<IdTagRecord[]> {
    return this.#read(() =>
      this.#all("SELECT * FROM id_tags ORDER BY id_tag").map((r) => idTagFromRow(r as never))
    );
  }

  getIdTag(idTag: string): Promise<IdTagRecord | undefined> {
    return this.#read(() => this.store.findIdTag(idTag));
  }

  /** Creates or changes a tag; rejects with a RangeError saying which field is invalid. */
  async upsertIdTag(tag: Omit<IdTagRecord, "createdAt">): Promise<IdTagRecord> {
    {
      if (typeof tag.idTag !== "string" || tag.idTag.length === 0 || tag.idTag.length > MAX_ID_TAG_LENGTH) {
        throw new RangeError(`idTag must be 1 to ${MAX_ID_TAG_LENGTH} characters`);
      }
      if (!ID_TAG_STATUSES.includes(tag.status)) {
        throw new RangeError(`status must be one of ${ID_TAG_STATUSES.join(", ")}`);
      }
      if (tag.expiryDate !== undefined && Number.isNaN(Date.parse(tag.expiryDate))) {
        throw new RangeError("expiryDate must be an ISO 8601 date-time");
      }
      if (
        tag.parentIdTag !== undefined &&
        (typeof tag.parentIdTag !== "string" || tag.parentIdTag.length > MAX_ID_TAG_LENGTH)
      ) {
        throw new RangeError(`parentIdTag must be at most ${MAX_ID_TAG_LENGTH} characters`);
      }
    }
    const expiry = tag.expiryDate === undefined ? null : new Date(tag.expiryDate).toISOString();
    await this.store.writer.run(this.#upsertTag, [
      tag.idTag,
      tag.status,
      expiry,
      tag.parentIdTag || null,
      new Date().toISOString(),
    ]);
    return this.store.findIdTag(tag.idTag)!;
  }

  async deleteIdTag(idTag: string): Promise<boolean> {
    return await this.store.writer.run(this.#deleteTag, [idTag]) > 0;
  }

  /**
   * Registers a charger or changes its registration (see Registrations.register for the defaults). The
   * live connection, if any, stays: it was authenticated, and the new key reaches the charger through
   * ChangeConfiguration AuthorizationKey before it reconnects.
   */
  registerCharger(
    id: string,
    options?: RegisterChargerOptions,
  ): Promise<{ registration: ChargerRegistration; authorizationKey?: string }> {
    return this.store.registrations.register(id, options);
  }

  listRegistrations(): Promise<ChargerRegistration[]> {
    return this.#read(() => this.store.registrations.list().map(publicRegistration));
  }

  getRegistration(id: string): Promise<ChargerRegistration | undefined> {
    return this.#read(() => {
      const r = this.store.registrations.find(id);
      return r && publicRegistration(r);
    });
  }

  /** Removes a registration and closes the charger's connection, so that the removal holds at once. */
  async unregisterCharger(id: string): Promise<boolean> {
    const removed = await this.store.registrations.unregister(id);
    if (removed) this.live.disconnect(id, "registration removed");
    return removed;
  }

  /** Recent refusals at the handshake, one per charge point id, the latest first (`limit` default 100). */
  listRefusals(options: { limit?: number } = {}): Promise<ChargerRefusal[]> {
    return this.#read(() => this.store.refusals.list(clampLimit(options.limit, 100, MAX_RECENT_REFUSALS)));
  }

  /** The newest `limit` entries of the persisted event log (one charger's, or all), oldest first. */
  eventLog(options: { chargerId?: string; limit?: number } = {}): Promise<EventLogEntry[]> {
    return this.#read(() => {
      const limit = clampLimit(options.limit, 200, 10_000);
      const rows = options.chargerId === undefined
        ? this.#all("SELECT * FROM events ORDER BY id DESC LIMIT ?", limit)
        : this.#all(
          "SELECT * FROM events WHERE charger_id = ? ORDER BY id DESC LIMIT ?",
          options.chargerId,
          limit,
        );
      return rows.reverse().map((r) => ({
        id: r.id as number,
        at: r.at as string,
        chargerId: r.charger_id as string,
        type: r.type as string,
        data: JSON.parse(r.data as string),
      }));
    });
  }
}
