/**
 * The read model (CsmsReads) over PostgreSQL: what a portal reads, from any process, through its own pool
 * or a CSMS's. Online is stored presence: the charger's node is set and that node's lease
 * (nodes.alive_until) has not run out by the database's clock, so every reader agrees, and a node that
 * died leaves no charger online past its lease. An active transaction's staleness is decided from stored
 * data alone (presence, last-seen time, its connector's last status) by csms/orphans.ts.
 */
import { PostgresFileReads } from "./files.ts";
import type { FileWithContent, StoredFile, TransferStatus } from "../../../shared/files.ts";
import {
  type ChargerRefusal,
  type ChargerRegistration,
  type ChargerSummary,
  type ConnectorState,
  type CsmsReads,
  type EventLogEntry,
  type EventLogQuery,
  type IdTagRecord,
  type LocatedSample,
  MAX_RECENT_REFUSALS,
  type TransactionQuery,
  type TransactionRecord,
} from "../../../shared/queries.ts";
import type { RefusalReason } from "../../../shared/events.ts";
import { staleness, type WhereItRuns } from "../../orphans.ts";
import {
  type EnergyDay,
  fillDays,
  fillHours,
  hourBounds,
  type SessionHour,
  type StatsRange,
} from "../../../shared/stats.ts";
import type { ChargingProfileRecord, ConfigurationKey, DeviceVariable } from "../../../shared/domain.ts";
import { configurationKeyFromRow } from "../configuration_row.ts";
import {
  CHARGING_PROFILE_ORDER,
  chargingProfileFromRow,
  type ChargingProfileRow,
} from "../charging_profile_row.ts";
import {
  DEVICE_VARIABLE_ORDER,
  deviceVariableFromRow,
  type DeviceVariableRow,
} from "../device_variable_row.ts";
import type { Fragment, Sql } from "./pool.ts";
import type { LocalListSummary } from "../../../shared/local_list.ts";
import type { ReservationRecord } from "../../../shared/reservation.ts";
import {
  localListFromRow,
  type LocalListRow,
  localListSummary,
  reservationFromRow,
  type ReservationRow,
} from "../reservation_row.ts";
import {
  connectorFromRow,
  idTagFromRow,
  publicRegistrationFromRow,
  type Row,
  sampleFromRow,
  transactionFromRow,
} from "./rows.ts";

export interface ReadOptions {
  /** An active transaction whose charger is offline, or whose connector is Available, this long is stale. */
  staleAfterMs: number;
  /**
   * Awaited before each read: a CSMS's own reads (`storage.reads`) wait for its writes asked for so far,
   * the best-effort ones included, so a page shows what the CSMS has already answered to chargers. A
   * portal on its own has none: it may lag by the best-effort flush (FLUSH_EVERY_MS).
   */
  sync?: () => Promise<void>;
}

type OrphanStatus = NonNullable<WhereItRuns["connector"]>["status"];

function clampLimit(limit: number | undefined, fallback: number, max: number): number {
  if (limit === undefined || !Number.isFinite(limit)) return fallback;
  return Math.min(max, Math.max(0, Math.floor(limit)));
}

export class PostgresReads implements CsmsReads {
  #sql: Sql;
  #options: ReadOptions;
  #sync: (() => Promise<void>) | undefined;
  /** Ends the pool on close: set for a reader that opened its own (a portal's), not for a CSMS's. */
  #end: (() => Promise<void>) | undefined;
  #files: PostgresFileReads;

  constructor(sql: Sql, options: ReadOptions, end?: () => Promise<void>) {
    this.#sql = sql;
    this.#options = options;
    this.#sync = options.sync;
    this.#end = end;
    this.#files = new PostgresFileReads(sql);
  }

  /**
   * Transactions with what their staleness needs: whether their charger is online, when it was last seen,
   * and the latest status of their connector (or, without one, of their whole EVSE, kept as connector 0).
   */
  #transactions(where: Fragment, tail: Fragment) {
    const sql = this.#sql;
    return sql`
      SELECT t.*, c.last_seen_at AS where_last_seen, coalesce(n.alive_until > now(), false) AS where_online,
        k.status AS where_status, k.updated_at AS where_updated
      FROM transactions t
      LEFT JOIN chargers c ON c.id = t.charger_id
      LEFT JOIN nodes n ON n.id = c.node
      LEFT JOIN LATERAL (
        SELECT status, updated_at FROM connectors k
        WHERE k.charger_id = t.charger_id AND k.evse_id = t.evse_id AND k.connector_id IN (t.connector_id, 0)
        ORDER BY k.connector_id = t.connector_id DESC
        LIMIT 1
      ) k ON t.stopped_at IS NULL
      ${where} ${tail}`;
  }

  /** The record, with `stale` on an active one that looks orphaned. */
  #record(r: Row, nowMs: number): TransactionRecord {
    const t = transactionFromRow(r);
    if (t.stoppedAt !== undefined) return t;
    const where: WhereItRuns = { online: r.where_online === true };
    if (r.where_last_seen !== null) where.lastSeenAt = r.where_last_seen;
    if (r.where_status !== null) {
      // Only "Available" matters to the rule, the same word in the neutral set and in 1.6's.
      where.connector = { status: r.where_status as OrphanStatus, updatedAt: r.where_updated };
    }
    const stale = staleness(where, t.startedAt, nowMs, this.#options.staleAfterMs);
    if (stale) t.stale = stale;
    return t;
  }

  #summary(r: Row, connectors: ConnectorState[], active: TransactionRecord[]): ChargerSummary {
    const s: ChargerSummary = { id: r.id, online: r.online === true, connectors, activeTransactions: active };
    if (s.online) s.node = r.node;
    const fields = [
      ["protocol", "protocol"],
      ["vendor", "vendor"],
      ["model", "model"],
      ["firmwareVersion", "firmware_version"],
      ["serialNumber", "serial_number"],
      ["lastBootAt", "last_boot_at"],
      ["lastSeenAt", "last_seen_at"],
    ] as const;
    for (const [key, column] of fields) if (r[column] !== null) (s as unknown as Row)[key] = r[column];
    if (r.last_sample !== null) s.lastSample = r.last_sample as LocatedSample;
    return s;
  }

  async #chargers(id: string | undefined): Promise<ChargerSummary[]> {
    if (this.#sync) await this.#sync();
    const sql = this.#sql;
    const one = id === undefined ? sql`` : sql`WHERE c.id = ${id}`;
    const oneConnector = id === undefined ? sql`` : sql`WHERE charger_id = ${id}`;
    const oneTx = id === undefined
      ? sql`WHERE t.stopped_at IS NULL`
      : sql`WHERE t.stopped_at IS NULL AND t.charger_id = ${id}`;
    // Three reads pipelined on the pool, not one after another.
    const [chargers, connectorRows, activeRows] = await Promise.all([
      sql`
        SELECT c.*, coalesce(n.alive_until > now(), false) AS online
        FROM chargers c LEFT JOIN nodes n ON n.id = c.node
        ${one} ORDER BY c.id`,
      sql`SELECT * FROM connectors ${oneConnector} ORDER BY charger_id, evse_id, connector_id`,
      this.#transactions(oneTx, sql`ORDER BY t.id`),
    ]);
    const nowMs = Date.now();
    const connectors = new Map<string, ConnectorState[]>();
    for (const r of connectorRows) {
      let list = connectors.get(r.charger_id);
      if (!list) connectors.set(r.charger_id, list = []);
      list.push(connectorFromRow(r));
    }
    const active = new Map<string, TransactionRecord[]>();
    for (const r of activeRows) {
      let list = active.get(r.charger_id);
      if (!list) active.set(r.charger_id, list = []);
      list.push(this.#record(r, nowMs));
    }
    return chargers.map((r) => this.#summary(r, connectors.get(r.id) ?? [], active.get(r.id) ?? []));
  }

  listChargers(): Promise<ChargerSummary[]> {
    return this.#chargers(undefined);
  }

  async getCharger(id: string): Promise<ChargerSummary | undefined> {
    return (await this.#chargers(id))[0];
  }

  async listTransactions(
    query: TransactionQuery = {},
  ): Promise<{ total: number; items: TransactionRecord[] }> {
    if (this.#sync) await this.#sync();
    const sql = this.#sql;
    const limit = clampLimit(query.limit, 50, 1000);
    const offset = clampLimit(query.offset, 0, Number.MAX_SAFE_INTEGER);
    const byCharger = query.chargerId === undefined ? sql`` : sql`AND t.charger_id = ${query.chargerId}`;
    const byState = query.active === undefined && query.stale === undefined
      ? sql``
      : query.active === false
      ? sql`AND t.stopped_at IS NOT NULL`
      : sql`AND t.stopped_at IS NULL`;
    const where = sql`WHERE true ${byCharger} ${byState}`;
    const nowMs = Date.now();
    if (query.stale !== undefined) {
      // Staleness is decided by csms/orphans.ts, not in SQL: for every active transaction (they are few),
      // then paged.
      if (query.active === false) return { total: 0, items: [] };
      const all = (await this.#transactions(where, sql`ORDER BY t.id DESC`))
        .map((r) => this.#record(r, nowMs))
        .filter((t) => (t.stale !== undefined) === query.stale);
      return { total: all.length, items: all.slice(offset, offset + limit) };
    }
    const [[{ n }], rows] = await Promise.all([
      sql<{ n: number }[]>`SELECT count(*) AS n FROM transactions t ${where}`,
      this.#transactions(where, sql`ORDER BY t.id DESC LIMIT ${limit} OFFSET ${offset}`),
    ]);
    return { total: n, items: rows.map((r) => this.#record(r, nowMs)) };
  }

  async getTransaction(id: number): Promise<TransactionRecord | undefined> {
    if (this.#sync) await this.#sync();
    if (!Number.isSafeInteger(id)) return undefined;
    const [row] = await this.#transactions(this.#sql`WHERE t.id = ${id}`, this.#sql``);
    return row ? this.#record(row, Date.now()) : undefined;
  }

  /** The newest `limit` samples (default 1000) of a charger, or of one of its transactions, oldest first. */
  async meterHistory(
    chargerId: string,
    options: { transactionId?: number; since?: string; limit?: number } = {},
  ): Promise<LocatedSample[]> {
    if (this.#sync) await this.#sync();
    const sql = this.#sql;
    const limit = clampLimit(options.limit, 1000, 100_000);
    if (limit === 0) return [];
    const byTx = options.transactionId === undefined
      ? sql``
      : sql`AND transaction_id = ${options.transactionId}`;
    // `ts >= ''` when there is no lower bound: every timestamp is at least the empty string.
    const rows = await sql`
      SELECT * FROM meter_values
      WHERE charger_id = ${chargerId} ${byTx} AND ts >= ${options.since ?? ""}
      ORDER BY id DESC LIMIT ${limit}`;
    return rows.reverse().map(sampleFromRow);
  }

  async listReservations(chargerId: string, options: { limit?: number } = {}): Promise<ReservationRecord[]> {
    if (this.#sync) await this.#sync();
    const rows = await this.#sql`
      SELECT * FROM reservations WHERE charger_id = ${chargerId}
      ORDER BY created_at DESC, reservation_id DESC LIMIT ${options.limit ?? 50}`;
    const nowMs = Date.now();
    return rows.map((r) => reservationFromRow(r as unknown as ReservationRow, nowMs));
  }

  async localList(chargerId: string): Promise<LocalListSummary | undefined> {
    if (this.#sync) await this.#sync();
    const [row] = await this.#sql`SELECT * FROM local_lists WHERE charger_id = ${chargerId}`;
    return row ? localListSummary(localListFromRow(row as unknown as LocalListRow)) : undefined;
  }

  async deviceModel(chargerId: string): Promise<DeviceVariable[]> {
    if (this.#sync) await this.#sync();
    const rows = await this.#sql`
      SELECT * FROM device_variables WHERE charger_id = ${chargerId} ${
      this.#sql.unsafe(DEVICE_VARIABLE_ORDER)
    }`;
    return rows.map((r) => deviceVariableFromRow(r as unknown as DeviceVariableRow));
  }

  async configuration(chargerId: string): Promise<ConfigurationKey[]> {
    if (this.#sync) await this.#sync();
    const rows = await this.#sql`
      SELECT * FROM charger_configuration WHERE charger_id = ${chargerId} ORDER BY key`;
    return rows.map((r) => configurationKeyFromRow(r));
  }

  async chargingProfiles(chargerId: string): Promise<ChargingProfileRecord[]> {
    if (this.#sync) await this.#sync();
    const rows = await this.#sql`
      SELECT * FROM charging_profiles WHERE charger_id = ${chargerId} ${
      this.#sql.unsafe(CHARGING_PROFILE_ORDER)
    }`;
    return rows.map((r) => chargingProfileFromRow(r as unknown as ChargingProfileRow));
  }

  // Timestamps are kept as the charger sent them, with any offset: read as timestamptz and grouped in UTC.
  // A scan of transactions (no index serves a computed UTC day); they are far fewer than meter rows, and
  // the range bounds what comes back.
  async energyByDay(range: StatsRange): Promise<EnergyDay[]> {
    if (this.#sync) await this.#sync();
    // The energy as rows.ts's transactionFromRow computes it: stop - start, or last reading - start.
    const rows = await this.#sql`
      SELECT day, sum(energy)::float8 AS energy, count(*)::int AS n FROM (
        SELECT to_char(coalesce(stopped_at, started_at)::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
          CASE WHEN meter_stop_wh IS NOT NULL THEN meter_stop_wh - meter_start_wh
            WHEN last_meter_wh IS NOT NULL THEN greatest(0, last_meter_wh - meter_start_wh)
            ELSE 0 END AS energy
        FROM transactions
      ) t WHERE day BETWEEN ${range.from} AND ${range.to} GROUP BY day`;
    return fillDays(range, rows.map((r) => ({ day: r.day, energyWh: r.energy, transactions: r.n })));
  }

  async sessionsByHour(range: StatsRange): Promise<SessionHour[]> {
    if (this.#sync) await this.#sync();
    const { first, last } = hourBounds(range);
    const rows = await this.#sql`
      SELECT hour, count(*)::int AS n FROM (
        SELECT to_char(started_at::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24') AS hour FROM transactions
      ) t WHERE hour BETWEEN ${first} AND ${last} GROUP BY hour`;
    return fillHours(range, rows.map((r) => ({ hour: r.hour, sessions: r.n })));
  }

  async listIdTags(): Promise<IdTagRecord[]> {
    if (this.#sync) await this.#sync();
    const rows = await this.#sql`SELECT * FROM id_tags ORDER BY lower(id_tag), id_tag`;
    return rows.map(idTagFromRow);
  }

  async getIdTag(idTag: string): Promise<IdTagRecord | undefined> {
    if (this.#sync) await this.#sync();
    const [row] = await this.#sql`SELECT * FROM id_tags WHERE lower(id_tag) = lower(${idTag})`;
    return row ? idTagFromRow(row) : undefined;
  }

  async listRegistrations(): Promise<ChargerRegistration[]> {
    if (this.#sync) await this.#sync();
    const rows = await this.#sql`
      SELECT id, security_profile, key_hash IS NOT NULL AS has_key, boot_status, created_at
      FROM charger_registrations ORDER BY id`;
    return rows.map(publicRegistrationFromRow);
  }

  async getRegistration(id: string): Promise<ChargerRegistration | undefined> {
    if (this.#sync) await this.#sync();
    const [row] = await this.#sql`
      SELECT id, security_profile, key_hash IS NOT NULL AS has_key, boot_status, created_at
      FROM charger_registrations WHERE id = ${id}`;
    return row ? publicRegistrationFromRow(row) : undefined;
  }

  /** Recent refusals at the handshake, one per charge point id, the latest first (`limit` default 100). */
  async listRefusals(options: { limit?: number } = {}): Promise<ChargerRefusal[]> {
    if (this.#sync) await this.#sync();
    const limit = clampLimit(options.limit, 100, MAX_RECENT_REFUSALS);
    const rows = await this.#sql`
      SELECT f.*, EXISTS (SELECT 1 FROM charger_registrations r WHERE r.id = f.charger_id) AS registered
      FROM charger_refusals f
      ORDER BY f.last_at DESC, f.charger_id
      LIMIT ${limit}`;
    return rows.map((r) => {
      const refusal: ChargerRefusal = {
        chargerId: r.charger_id,
        reason: r.reason as RefusalReason,
        status: r.status,
        remoteAddress: r.remote_address,
        attempts: r.attempts,
        firstAt: r.first_at,
        lastAt: r.last_at,
        registered: r.registered === true,
      };
      if (r.detail !== null) refusal.detail = r.detail;
      return refusal;
    });
  }

  /**
   * The newest `limit` entries (default 200) of the event log, one charger's or all, in the order they
   * happened: the same as the SQLite engine's (see the report on shared/queries.ts's "newest first").
   */
  async eventLog(options: EventLogQuery = {}): Promise<EventLogEntry[]> {
    if (this.#sync) await this.#sync();
    const sql = this.#sql;
    const limit = clampLimit(options.limit, 200, 10_000);
    const byCharger = options.chargerId === undefined ? sql`TRUE` : sql`charger_id = ${options.chargerId}`;
    const byType = options.typePrefix ? sql`starts_with(type, ${options.typePrefix})` : sql`TRUE`;
    const before = options.beforeId === undefined ? sql`TRUE` : sql`id < ${options.beforeId}`;
    const rows = await sql`
      SELECT * FROM events WHERE ${byCharger} AND ${byType} AND ${before} ORDER BY id DESC LIMIT ${limit}`;
    return rows.reverse().map((r) => ({
      id: r.id,
      at: r.at,
      chargerId: r.charger_id,
      type: r.type,
      data: r.data,
    }));
  }

  // Kept files (csms/store/postgres/files.ts).
  async listFirmware(): Promise<StoredFile[]> {
    await this.#sync?.();
    return this.#files.listFirmware();
  }

  async listUploads(chargerId: string): Promise<StoredFile[]> {
    await this.#sync?.();
    return this.#files.listUploads(chargerId);
  }

  async fileContent(id: number): Promise<FileWithContent | undefined> {
    await this.#sync?.();
    return this.#files.fileContent(id);
  }

  async transferStatuses(chargerId: string): Promise<TransferStatus[]> {
    await this.#sync?.();
    return this.#files.transferStatuses(chargerId);
  }

  async ping(): Promise<void> {
    await this.#sql`SELECT 1`;
  }

  async close(): Promise<void> {
    const end = this.#end;
    this.#end = undefined;
    await end?.();
  }
}
