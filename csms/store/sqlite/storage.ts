/**
 * The SQLite engine behind CsmsStorage: one database file in DATA_DIR, written by a batch writer on its
 * own thread (writer.ts) and checkpointed by another (checkpointer.ts), read on the CSMS's own connection.
 *
 * The latest state of each charger (last frame time, latest sample, a transaction's latest energy reading,
 * refusal counts) is kept in memory by the repositories and written at most every LATEST_WRITE_EVERY_MS
 * (the writer's flush hooks), and whenever someone reads (`sync(true)`) or the CSMS stops: written with
 * every MeterValues it was one more scattered page per charger per commit. The samples themselves are
 * committed before each answer that waits for them, so after a crash the latest readings are taken from
 * them again (SqliteMeter.catchUp).
 */
import type { DatabaseSync } from "node:sqlite";
import type { CsmsStorage, RefusalRecord } from "../../../shared/storage.ts";
import { SqliteChargers, SqliteNodes } from "./chargers.ts";
import { FALLBACK_CHECKPOINT_PAGES, startCheckpointer } from "./checkpointer.ts";
import { databasePath, openDatabase } from "./db.ts";
import { SqliteChargingProfiles } from "./charging_profiles.ts";
import { SqliteDeviceModel } from "./device_model.ts";
import { SqliteConfiguration } from "./configuration.ts";
import { SqliteFiles } from "./files.ts";
import { SqliteIdTokens } from "./id_tokens.ts";
import { SqliteMeter } from "./meter.ts";
import { SqliteReads } from "./reads.ts";
import { Refusals } from "./refusals.ts";
import { Registrations } from "./registrations.ts";
import { SqliteLocalLists, SqliteReservations } from "./reservations.ts";
import { SqliteTransactions } from "./transactions.ts";
import { BatchWriter, type WriterOptions, type WriteStatement } from "./writer.ts";

/**
 * How long a charger's latest state (last-seen time, latest sample, its transaction's latest energy) may
 * wait in memory before it is written: the flush hook's `hookDelayMs`.
 */
export const LATEST_WRITE_EVERY_MS = 5000;

export interface SqliteStorageOptions {
  /** STALE_TX_MINUTES, for the read model. */
  staleTxMinutes?: number;
  /** Tests and benchmarks move the clock that decides leases and staleness. */
  now?: () => number;
}

export class SqliteStorage implements CsmsStorage {
  readonly db: DatabaseSync;
  readonly writer: BatchWriter;
  readonly chargers: SqliteChargers;
  readonly nodes: SqliteNodes;
  readonly transactions: SqliteTransactions;
  readonly meter: SqliteMeter;
  readonly deviceModel: SqliteDeviceModel;
  readonly configuration: SqliteConfiguration;
  readonly chargingProfiles: SqliteChargingProfiles;
  readonly idTokens: SqliteIdTokens;
  readonly registrations: Registrations;
  readonly reservations: SqliteReservations;
  readonly localLists: SqliteLocalLists;
  readonly files: SqliteFiles;
  readonly refusals: Refusals;
  readonly reads: SqliteReads;
  #s: Record<"event" | "pruneMeterValues" | "pruneEvents", WriteStatement>;
  #onClose: () => Promise<void>;

  /** Over an open, migrated database and its writer; `onClose` ends what they need (threads, connection). */
  constructor(
    db: DatabaseSync,
    writer: BatchWriter,
    options: SqliteStorageOptions = {},
    onClose?: () => Promise<void>,
  ) {
    this.db = db;
    this.writer = writer;
    this.chargers = new SqliteChargers(writer);
    this.nodes = new SqliteNodes(writer);
    this.transactions = new SqliteTransactions(db, writer);
    this.meter = new SqliteMeter(writer, this.transactions);
    this.deviceModel = new SqliteDeviceModel(writer);
    this.configuration = new SqliteConfiguration(writer);
    this.chargingProfiles = new SqliteChargingProfiles(writer);
    this.idTokens = new SqliteIdTokens(db, writer);
    this.registrations = new Registrations(db, writer);
    this.reservations = new SqliteReservations(db, writer);
    this.localLists = new SqliteLocalLists(db, writer);
    this.files = new SqliteFiles(db, writer);
    this.refusals = new Refusals(writer);
    this.reads = new SqliteReads(db, {
      staleTxMinutes: options.staleTxMinutes,
      sync: () => writer.sync(true),
      ...(options.now && { now: options.now }),
    });
    this.#s = {
      event: writer.prepare(
        "INSERT INTO events (at, charger_id, type, data, received_at) VALUES (?, ?, ?, ?, ?)",
      ),
      // Both tables are appended in received order: the boundary is an id (see prune).
      pruneMeterValues: writer.prepare("DELETE FROM meter_values WHERE id < ?"),
      pruneEvents: writer.prepare("DELETE FROM events WHERE id < ?"),
    };
    this.#onClose = onClose ?? (() => writer.close());
    this.meter.catchUp(db);
  }

  recordRefusal(refusal: RefusalRecord): void {
    this.refusals.record(refusal);
  }

  appendEvent(chargerId: string, type: string, at: string, data: unknown, nowMs = Date.now()): void {
    this.writer.write(this.#s.event, [at, chargerId, type, JSON.stringify(data), nowMs]);
  }

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

  #closed?: Promise<void>;

  close(): Promise<void> {
    return this.#closed ??= this.#onClose();
  }
}

export interface SqliteConfig extends SqliteStorageOptions {
  dataDir: string;
  /** Writer tuning (tests and benchmarks); the hook delay defaults to LATEST_WRITE_EVERY_MS. */
  writer?: Omit<WriterOptions, "autocheckpointPages">;
}

/**
 * Opens (and migrates) the database in `dataDir` with its writer's and checkpointer's threads; rejects
 * with a one-line message when it cannot.
 */
export async function openSqliteStorage(config: SqliteConfig): Promise<SqliteStorage> {
  let db: DatabaseSync;
  try {
    db = openDatabase(config.dataDir);
  } catch (err) {
    throw new Error(`cannot open the database in ${config.dataDir}: ${(err as Error).message}`);
  }
  // The writer's and the checkpointer's threads start before the storage is handed out: the first charger
  // must find it whole.
  const path = databasePath(config.dataDir);
  const checkpointer = await startCheckpointer(path);
  const writer = new BatchWriter(path, {
    hookDelayMs: LATEST_WRITE_EVERY_MS,
    ...config.writer,
    autocheckpointPages: checkpointer.running ? FALLBACK_CHECKPOINT_PAGES : 1000,
  });
  // In this order: the writer's last batch commits before its checkpoints and the connection end.
  const close = async (): Promise<void> => {
    await writer.close();
    await checkpointer.stop();
    db.close();
  };
  try {
    await writer.ready();
    return new SqliteStorage(db, writer, config, close);
  } catch (err) {
    await close();
    throw new Error(`cannot open the database in ${config.dataDir}: ${(err as Error).message}`);
  }
}
