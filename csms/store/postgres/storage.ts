/**
 * The PostgreSQL storage engine: CsmsStorage for a CSMS node (openPostgresStorage) and CsmsReads for a
 * portal on its own (openPostgresReads). Several nodes share one database: ids come from it, presence is
 * stored with each node's lease, and every lookup asks it. Both entries migrate the schema first (safe
 * when nodes start at once, see migrations.ts). A CSMS's own reads (`storage.reads`) see every write it
 * was asked for before them; a portal's reads on their own may lag its best-effort writes (FLUSH_EVERY_MS).
 */
import { DEFAULT_STALE_TX_MINUTES } from "../../../shared/deployment.ts";
import type { CsmsReads } from "../../../shared/queries.ts";
import type { CsmsStorage, RefusalRecord } from "../../../shared/storage.ts";
import { Background } from "./background.ts";
import { PostgresChargers, PostgresNodes } from "./chargers.ts";
import { PostgresChargingProfiles } from "./charging_profiles.ts";
import { PostgresDeviceModel } from "./device_model.ts";
import { PostgresConfiguration } from "./configuration.ts";
import { PostgresEvents } from "./events.ts";
import { PostgresIdTokens } from "./id_tokens.ts";
import { PostgresMeter } from "./meter.ts";
import { migrate } from "./migrations.ts";
import { openPool, type Sql } from "./pool.ts";
import { prune } from "./prune.ts";
import { PostgresReads } from "./reads.ts";
import { PostgresRefusals } from "./refusals.ts";
import { PostgresRegistrations } from "./registrations.ts";
import { PostgresLocalLists, PostgresReservations } from "./reservations.ts";
import { PostgresFiles } from "./files.ts";
import { PostgresTransactions } from "./transactions.ts";

export interface PostgresStorageOptions {
  /** postgres://user@host:port/database */
  url: string;
  /** This CSMS node's name: its connections carry it (pg_stat_activity shows which node runs what). */
  node: string;
  staleTxMinutes?: number;
  /** Connections at most (default 10). */
  poolSize?: number;
}

async function migrated(sql: Sql): Promise<Sql> {
  try {
    await migrate(sql);
    return sql;
  } catch (err) {
    await sql.end({ timeout: 5 });
    throw err;
  }
}

export async function openPostgresStorage(options: PostgresStorageOptions): Promise<CsmsStorage> {
  const sql = await migrated(
    openPool(options.url, { max: options.poolSize, applicationName: `chargewire-csms ${options.node}` }),
  );
  const background = new Background();
  const chargers = new PostgresChargers(sql, background);
  const meter = new PostgresMeter(sql);
  const refusals = new PostgresRefusals(sql, background);
  const events = new PostgresEvents(sql, background);
  const staleAfterMs = (options.staleTxMinutes ?? DEFAULT_STALE_TX_MINUTES) * 60_000;
  // The CSMS's own reader shares its pool: its close is a no-op, the storage's close ends the pool. Each
  // of its reads first waits for this storage's writes asked for so far (those of chargers, the meter
  // batches and the best-effort ones, flushed now): it reads what the CSMS has answered, like the SQLite
  // engine's. Nothing pending, nothing to wait for: no query, no timer.
  const sync = async (): Promise<void> => {
    await Promise.all([chargers.settled(), meter.settled(), background.settled()]);
  };
  const reads = new PostgresReads(sql, { staleAfterMs, sync });
  let closing: Promise<void> | undefined;
  return {
    chargers,
    nodes: new PostgresNodes(sql),
    transactions: new PostgresTransactions(sql, meter),
    meter,
    deviceModel: new PostgresDeviceModel(sql),
    configuration: new PostgresConfiguration(sql),
    chargingProfiles: new PostgresChargingProfiles(sql),
    idTokens: new PostgresIdTokens(sql),
    registrations: new PostgresRegistrations(sql),
    reservations: new PostgresReservations(sql),
    localLists: new PostgresLocalLists(sql),
    files: new PostgresFiles(sql),
    recordRefusal: (refusal: RefusalRecord) => refusals.record(refusal),
    appendEvent: (chargerId: string, type: string, at: string, data: unknown) =>
      events.append(chargerId, type, at, data),
    reads,
    prune: (nowMs, meterDays, eventDays, maxRows) => prune(sql, nowMs, meterDays, eventDays, maxRows),
    close: () =>
      closing ??= (async () => {
        // Writes still on their way first, then the batches and best-effort writes, then the pool.
        await chargers.idle();
        await meter.close();
        await background.close();
        await sql.end({ timeout: 5 });
      })(),
  };
}

/** The read model on its own pool (a portal's): close() ends it. */
export async function openPostgresReads(
  url: string,
  options: { staleTxMinutes?: number; poolSize?: number } = {},
): Promise<CsmsReads> {
  const sql = await migrated(
    openPool(url, { max: options.poolSize ?? 4, applicationName: "chargewire-portal" }),
  );
  const staleAfterMs = (options.staleTxMinutes ?? DEFAULT_STALE_TX_MINUTES) * 60_000;
  return new PostgresReads(sql, { staleAfterMs }, () => sql.end({ timeout: 5 }));
}
