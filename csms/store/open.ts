/**
 * Where the storage engine is chosen: PostgreSQL when DATABASE_URL is set (csms/store/postgres/), else
 * SQLite in DATA_DIR (csms/store/sqlite/). Nothing outside csms/store/ names an engine.
 */
import { existsSync } from "node:fs";
import { DatabaseSync } from "node:sqlite";
import type { CsmsReads } from "../../shared/queries.ts";
import type { CsmsStorage } from "../../shared/storage.ts";
import { withoutPassword } from "../../shared/deployment.ts";
import { openPostgresReads, openPostgresStorage } from "./postgres/storage.ts";
import { databasePath } from "./sqlite/db.ts";
import { MIGRATIONS, schemaVersion } from "./sqlite/migrations.ts";
import { SqliteReads } from "./sqlite/reads.ts";
import { openSqliteStorage } from "./sqlite/storage.ts";

export interface StorageConfig {
  dataDir: string;
  /** DATABASE_URL: PostgreSQL instead of SQLite in dataDir. */
  databaseUrl?: string;
  /** STALE_TX_MINUTES, for the read model. */
  staleTransactionMinutes: number;
}

/** The CSMS node `node`'s storage, migrated and ready; rejects with a one-line message when it cannot be opened. */
export async function openStorage(config: StorageConfig, node: string): Promise<CsmsStorage> {
  if (config.databaseUrl === undefined) {
    return await openSqliteStorage({
      dataDir: config.dataDir,
      staleTxMinutes: config.staleTransactionMinutes,
    });
  }
  try {
    return await openPostgresStorage({
      url: config.databaseUrl,
      node,
      staleTxMinutes: config.staleTransactionMinutes,
    });
  } catch (err) {
    throw new Error(`cannot open the database at ${withoutPassword(config.databaseUrl)}: ${oneLine(err)}`);
  }
}

function oneLine(err: unknown): string {
  return String((err as Error)?.message ?? err).split("\n")[0];
}

/**
 * The read model for a portal that runs without a CSMS in its process: on PostgreSQL, its own pool; on
 * SQLite, see openSqliteReads.
 */
export async function openReads(
  config: Omit<StorageConfig, "staleTransactionMinutes"> & { staleTransactionMinutes?: number },
): Promise<CsmsReads> {
  const options = { staleTxMinutes: config.staleTransactionMinutes };
  if (config.databaseUrl === undefined) return await openSqliteReads(config.dataDir, options);
  try {
    return await openPostgresReads(config.databaseUrl, options);
  } catch (err) {
    throw new Error(`cannot open the database at ${withoutPassword(config.databaseUrl)}: ${oneLine(err)}`);
  }
}

/**
 * A read-only CsmsReads on its own connection to the CSMS's database in `dataDir`, for a portal that runs
 * without a CSMS in its process. It migrates nothing: it fails with a clear message when there is no CSMS
 * database yet, or one of another schema version. Its answers may lag the CSMS's in-memory latest state
 * (last-seen times, latest samples) by the batch writer's latest-state flush, a few seconds.
 */
export function openSqliteReads(
  dataDir: string,
  options: { staleTxMinutes?: number } = {},
): Promise<CsmsReads> {
  const path = databasePath(dataDir);
  if (!existsSync(path)) {
    return Promise.reject(
      new Error(`no CSMS database at ${path}: start the CSMS once with DATA_DIR=${dataDir} to create it`),
    );
  }
  let db: DatabaseSync | undefined;
  try {
    db = new DatabaseSync(path, { readOnly: true });
    db.exec("PRAGMA busy_timeout = 5000");
    const version = schemaVersion(db);
    const latest = MIGRATIONS.at(-1)!.version;
    if (version !== latest) {
      throw new Error(
        `the CSMS database at ${path} has schema version ${version}, this portal reads version ${latest}: ` +
          (version < latest ? "start the CSMS of this version once to migrate it" : "upgrade the portal"),
      );
    }
    const opened = db;
    return Promise.resolve(new SqliteReads(opened, { ...options, close: () => opened.close() }));
  } catch (err) {
    db?.close();
    return Promise.reject(err);
  }
}
