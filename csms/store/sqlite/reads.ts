/**
 * The read model (CsmsReads) over SQLite. A CSMS node's own reads (`storage.reads`) share its connection
 * and first wait until whatever the writer holds is committed, the latest readings kept in memory
 * included (`sync(true)`), so a page always shows what the CSMS has already answered to chargers. A
 * portal on its own (openReads) reads its own read-only connection, and may lag the CSMS's latest readings
 * by the batch writer's latest-state flush (LATEST_WRITE_EVERY_MS).
 *
 * Online state is stored presence: the charger's node is set and that node's lease is alive, so a crashed
 * node's chargers go offline when its lease lapses.
 */
import { DEFAULT_STALE_TX_MINUTES } from "../../../shared/deployment.ts";
import type { DatabaseSync, StatementSync } from "node:sqlite";
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
import { staleness } from "../../orphans.ts";
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
import { MeterHistory } from "./meter_history.ts";
import type { LocalListSummary } from "../../../shared/local_list.ts";
import type { ReservationRecord } from "../../../shared/reservation.ts";
import {
  localListFromRow,
  type LocalListRow,
  localListSummary,
  reservationFromRow,
  type ReservationRow,
} from "../reservation_row.ts";
import { SqliteFileReads } from "./files.ts";
import type { FileWithContent, StoredFile, TransferStatus } from "../../../shared/files.ts";
import { LIST_REFUSALS_SQL, refusalFromRow, type RefusalRow } from "./refusals.ts";
import { publicRegistration, registrationFromRow, type RegistrationRow } from "./registrations.ts";
import { connectorFromRow, idTagFromRow, type IdTagRow, type Row, transactionFromRow } from "./rows.ts";

export interface ReadOptions {
  /** An active transaction whose charger is offline, or whose connector is Available, this long is stale. */
  staleTxMinutes?: number;
  /** Awaited before each read: a CSMS's own reads wait for its pending writes. */
  sync?: () => Promise<void>;
  /** Closes the connection, for a reader that owns it. */
  close?: () => void;
  /** The clock that decides leases and staleness (tests move it). */
  now?: () => number;
}

function clampLimit(limit: number | undefined, fallback: number, max: number): number {
  if (limit === undefined || !Number.isFinite(limit)) return fallback;
  return Math.min(max, Math.max(0, Math.floor(limit)));
}

/** What a read knows of presence: the nodes alive at its start. */
interface Presence {
  alive: ReadonlySet<string>;
  nowMs: number;
}

export class SqliteReads implements CsmsReads {
  #db: DatabaseSync;
  #history: MeterHistory;
  #files: SqliteFileReads;
  #statements = new Map<string, StatementSync>();
  #staleAfterMs: number;
  #sync?: () => Promise<void>;
  #close?: () => void;
  #now: () => number;

  constructor(db: DatabaseSync, options: ReadOptions = {}) {
    this.#db = db;
    this.#history = new MeterHistory(db);
    this.#files = new SqliteFileReads(db);
    this.#staleAfterMs = (options.staleTxMinutes ?? DEFAULT_STALE_TX_MINUTES) * 60_000;
    this.#sync = options.sync;
    this.#close = options.close;
    this.#now = options.now ?? Date.now;
  }

  /** Runs a read once every write queued so far (the latest readings included) is committed. */
  async #read<T>(fn: () => T): Promise<T> {
    if (this.#sync) await this.#sync();
    return fn();
  }

  #all(sql: string, ...params: Array<string | number | null>): Row[] {
    let stmt = this.#statements.get(sql);
    if (!stmt) this.#statements.set(sql, stmt = this.#db.prepare(sql));
    return stmt.all(...params) as Row[];
  }

  #presence(): Presence {
    const nowMs = this.#now();
    const alive = new Set(
      this.#all("SELECT id FROM nodes WHERE alive_until > ?", nowMs).map((r) => r.id as string),
    );
    return { alive, nowMs };
  }

  #online(node: string | number | null | undefined, p: Presence): boolean {
    return typeof node === "string" && p.alive.has(node);
  }

  #summary(r: Row, connectors: ConnectorState[], active: TransactionRecord[], p: Presence): ChargerSummary {
    const online = this.#online(r.node, p);
    const s: ChargerSummary = { id: r.id as string, online, connectors, activeTransactions: active };
    if (online) s.node = r.node as string;
    if (r.protocol !== null) s.protocol = r.protocol as ChargerSummary["protocol"];
    const fields = [
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

  /** Marks the active ones among `items` that look orphaned, from their charger's presence and connector. */
  #markStale(items: TransactionRecord[], p: Presence): TransactionRecord[] {
    for (const t of items) {
      if (t.stoppedAt !== undefined) continue;
      const [charger] = this.#all("SELECT node, last_seen_at FROM chargers WHERE id = ?", t.chargerId);
      const online = this.#online(charger?.node, p);
      const [connector] = this.#all(
        "SELECT status, updated_at FROM connectors WHERE charger_id = ? AND evse_id = ? AND connector_id = ?",
        t.chargerId,
        t.evseId,
        t.connectorId,
      );
      const stale = staleness(
        {
          online,
          ...(!online && charger?.last_seen_at != null && { lastSeenAt: charger.last_seen_at as string }),
          ...(connector && {
            connector: {
              status: connector.status as ConnectorState["status"],
              updatedAt: connector.updated_at as string,
            },
          }),
        },
        t.startedAt,
        p.nowMs,
        this.#staleAfterMs,
      );
      if (stale) t.stale = stale;
    }
    return items;
  }

  #activeByCharger(p: Presence, chargerId?: string): Map<string, TransactionRecord[]> {
    const rows = chargerId === undefined
      ? this.#all("SELECT * FROM transactions WHERE stopped_at IS NULL ORDER BY id")
      : this.#all(
        "SELECT * FROM transactions WHERE stopped_at IS NULL AND charger_id = ? ORDER BY id",
        chargerId,
      );
    const by = new Map<string, TransactionRecord[]>();
    for (const t of this.#markStale(rows.map(transactionFromRow), p)) {
      let list = by.get(t.chargerId);
      if (!list) by.set(t.chargerId, list = []);
      list.push(t);
    }
    return by;
  }

  listChargers(): Promise<ChargerSummary[]> {
    return this.#read(() => {
      const p = this.#presence();
      const chargers = this.#all("SELECT * FROM chargers ORDER BY id");
      const connectors = new Map<string, ConnectorState[]>();
      for (const r of this.#all("SELECT * FROM connectors ORDER BY charger_id, evse_id, connector_id")) {
        const id = r.charger_id as string;
        let list = connectors.get(id);
        if (!list) connectors.set(id, list = []);
        list.push(connectorFromRow(r));
      }
      const active = this.#activeByCharger(p);
      return chargers.map((r) =>
        this.#summary(r, connectors.get(r.id as string) ?? [], active.get(r.id as string) ?? [], p)
      );
    });
  }

  getCharger(id: string): Promise<ChargerSummary | undefined> {
    return this.#read(() => {
      const [row] = this.#all("SELECT * FROM chargers WHERE id = ?", id);
      if (!row) return undefined;
      const p = this.#presence();
      const connectors = this.#all(
        "SELECT * FROM connectors WHERE charger_id = ? ORDER BY evse_id, connector_id",
        id,
      ).map(connectorFromRow);
      return this.#summary(row, connectors, this.#activeByCharger(p, id).get(id) ?? [], p);
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
      const p = this.#presence();
      if (query.stale !== undefined) {
        // Staleness hangs on presence and time, not on a column: decided for every active transaction
        // (they are few), then paged.
        if (query.active === false) return { total: 0, items: [] };
        const all = this.#markStale(
          this.#all(`SELECT * FROM transactions ${clause} ORDER BY id DESC`, ...params).map(
            transactionFromRow,
          ),
          p,
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
      return { total, items: this.#markStale(items, p) };
    });
  }

  getTransaction(id: number): Promise<TransactionRecord | undefined> {
    return this.#read(() => {
      const [row] = this.#all("SELECT * FROM transactions WHERE id = ?", id);
      return row ? this.#markStale([transactionFromRow(row)], this.#presence())[0] : undefined;
    });
  }

  /** The newest `limit` samples (default 1000) matching, oldest first. */
  meterHistory(
    chargerId: string,
    options: { transactionId?: number; since?: string; limit?: number } = {},
  ): Promise<LocatedSample[]> {
    return this.#read(() =>
      this.#history.samples(chargerId, {
        transactionId: options.transactionId,
        since: options.since,
        limit: clampLimit(options.limit, 1000, 100_000),
      })
    );
  }

  listReservations(chargerId: string, options: { limit?: number } = {}): Promise<ReservationRecord[]> {
    return this.#read(() => {
      const nowMs = this.#now();
      return this.#all(
        "SELECT * FROM reservations WHERE charger_id = ? ORDER BY created_at DESC, reservation_id DESC LIMIT ?",
        chargerId,
        options.limit ?? 50,
      ).map((r) => reservationFromRow(r as unknown as ReservationRow, nowMs));
    });
  }

  localList(chargerId: string): Promise<LocalListSummary | undefined> {
    return this.#read(() => {
      const [row] = this.#all("SELECT * FROM local_lists WHERE charger_id = ?", chargerId);
      return row ? localListSummary(localListFromRow(row as unknown as LocalListRow)) : undefined;
    });
  }

  deviceModel(chargerId: string): Promise<DeviceVariable[]> {
    return this.#read(() =>
      this.#all(`SELECT * FROM device_variables WHERE charger_id = ? ${DEVICE_VARIABLE_ORDER}`, chargerId)
        .map((r) => deviceVariableFromRow(r as unknown as DeviceVariableRow))
    );
  }

  configuration(chargerId: string): Promise<ConfigurationKey[]> {
    return this.#read(() =>
      this.#all("SELECT * FROM charger_configuration WHERE charger_id = ? ORDER BY key", chargerId)
        .map((r) => configurationKeyFromRow(r))
    );
  }

  chargingProfiles(chargerId: string): Promise<ChargingProfileRecord[]> {
    return this.#read(() =>
      this.#all(`SELECT * FROM charging_profiles WHERE charger_id = ? ${CHARGING_PROFILE_ORDER}`, chargerId)
        .map((r) => chargingProfileFromRow(r as unknown as ChargingProfileRow))
    );
  }

  // SQLite's date functions read a timestamp's offset and answer in UTC: chargers send theirs with any
  // offset, so the text itself cannot be grouped on. A scan of transactions (no index serves a computed
  // UTC day); they are far fewer than meter rows, and the range bounds what comes back.
  energyByDay(range: StatsRange): Promise<EnergyDay[]> {
    return this.#read(() => {
      // The energy as rows.ts's transactionFromRow computes it: stop - start, or last reading - start.
      const rows = this.#all(
        `SELECT day, sum(energy) AS energy, count(*) AS n FROM (
          SELECT strftime('%Y-%m-%d', coalesce(stopped_at, started_at)) AS day,
            CASE WHEN meter_stop_wh IS NOT NULL THEN meter_stop_wh - meter_start_wh
              WHEN last_meter_wh IS NOT NULL THEN max(0, last_meter_wh - meter_start_wh)
              ELSE 0 END AS energy
          FROM transactions
        ) WHERE day BETWEEN ? AND ? GROUP BY day`,
        range.from,
        range.to,
      );
      return fillDays(
        range,
        rows.map((r) => ({
          day: r.day as string,
          energyWh: r.energy as number,
          transactions: r.n as number,
        })),
      );
    });
  }

  sessionsByHour(range: StatsRange): Promise<SessionHour[]> {
    return this.#read(() => {
      const { first, last } = hourBounds(range);
      const rows = this.#all(
        `SELECT hour, count(*) AS n FROM (
          SELECT strftime('%Y-%m-%dT%H', started_at) AS hour FROM transactions
        ) WHERE hour BETWEEN ? AND ? GROUP BY hour`,
        first,
        last,
      );
      return fillHours(range, rows.map((r) => ({ hour: r.hour as string, sessions: r.n as number })));
    });
  }

  listIdTags(): Promise<IdTagRecord[]> {
    return this.#read(() =>
      this.#all("SELECT * FROM id_tags ORDER BY id_tag").map((r) => idTagFromRow(r as unknown as IdTagRow))
    );
  }

  getIdTag(idTag: string): Promise<IdTagRecord | undefined> {
    return this.#read(() => {
      const [row] = this.#all("SELECT * FROM id_tags WHERE id_tag = ?", idTag);
      return row ? idTagFromRow(row as unknown as IdTagRow) : undefined;
    });
  }

  listRegistrations(): Promise<ChargerRegistration[]> {
    return this.#read(() =>
      this.#all("SELECT * FROM charger_registrations ORDER BY id").map((r) =>
        publicRegistration(registrationFromRow(r as unknown as RegistrationRow))
      )
    );
  }

  getRegistration(id: string): Promise<ChargerRegistration | undefined> {
    return this.#read(() => {
      const [row] = this.#all("SELECT * FROM charger_registrations WHERE id = ?", id);
      return row ? publicRegistration(registrationFromRow(row as unknown as RegistrationRow)) : undefined;
    });
  }

  /** Recent refusals at the handshake, one per charge point id, the latest first (`limit` default 100). */
  listRefusals(options: { limit?: number } = {}): Promise<ChargerRefusal[]> {
    return this.#read(() =>
      this.#all(LIST_REFUSALS_SQL, clampLimit(options.limit, 100, MAX_RECENT_REFUSALS)).map((r) =>
        refusalFromRow(r as unknown as RefusalRow)
      )
    );
  }

  /** The newest `limit` entries of the persisted event log (one charger's, or all), oldest first. */
  eventLog(options: EventLogQuery = {}): Promise<EventLogEntry[]> {
    return this.#read(() => {
      const limit = clampLimit(options.limit, 200, 10_000);
      const where: string[] = [];
      const params: (string | number)[] = [];
      if (options.chargerId !== undefined) where.push("charger_id = ?"), params.push(options.chargerId);
      if (options.typePrefix) {
        // Not LIKE: a prefix with "_" or "%" means those characters.
        where.push("substr(type, 1, ?) = ?"), params.push(options.typePrefix.length, options.typePrefix);
      }
      if (options.beforeId !== undefined) where.push("id < ?"), params.push(options.beforeId);
      const rows = this.#all(
        `SELECT * FROM events ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id DESC LIMIT ?`,
        ...params,
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

  // Kept files (csms/store/sqlite/files.ts).
  listFirmware(): Promise<StoredFile[]> {
    return this.#read(() => this.#files.listFirmware());
  }

  listUploads(chargerId: string): Promise<StoredFile[]> {
    return this.#read(() => this.#files.listUploads(chargerId));
  }

  fileContent(id: number): Promise<FileWithContent | undefined> {
    return this.#read(() => this.#files.fileContent(id));
  }

  transferStatuses(chargerId: string): Promise<TransferStatus[]> {
    return this.#read(() => this.#files.transferStatuses(chargerId));
  }

  ping(): Promise<void> {
    try {
      this.#db.prepare("SELECT 1").get();
      return Promise.resolve();
    } catch (err) {
      return Promise.reject(err);
    }
  }

  close(): Promise<void> {
    try {
      this.#close?.();
      this.#close = undefined;
      return Promise.resolve();
    } catch (err) {
      return Promise.reject(err);
    }
  }
}
