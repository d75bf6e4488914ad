/**
 * PostgreSQL helpers for any process sharing the fleet's database: a postgres.js pool configured the way
 * csms/store/postgres/pool.ts configures the CSMS's (int8 as numbers, NOTICEs dropped), and versioned
 * migrations under an advisory lock, as csms/store/postgres/migrations.ts runs the CSMS's. They live in
 * shared/ so the portal (web/) can use them without importing csms/; each owner keeps its own migrations
 * table and lock, so the CSMS's schema and the portal's evolve apart in one database.
 */
import postgres from "postgres";

/** A pool, or inside `sql.begin` one connection's transaction. */
export type Sql = postgres.Sql<{ int8: number }>;
export type TxSql = postgres.TransactionSql<{ int8: number }>;

export interface PoolOptions {
  max?: number;
  /** Shown in pg_stat_activity: who a connection serves. */
  applicationName?: string;
}

export function openPool(url: string, options: PoolOptions = {}): Sql {
  return postgres(url, {
    max: options.max ?? 10,
    ...(options.applicationName !== undefined &&
      { connection: { application_name: options.applicationName } }),
    // IF NOT EXISTS and the like say NOTICE: nothing an operator needs in the log.
    onnotice: () => {},
    // Ids, counts and millisecond times are int8: as numbers (all far below 2^53), not the driver's strings.
    types: {
      int8: {
        to: 20,
        from: [20],
        serialize: (x: number) => String(x),
        parse: (x: string) => Number(x),
      },
    },
  }) as unknown as Sql;
}

export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export interface MigrationSet {
  /** The table recording which versions ran (one per owner: the CSMS's, the portal's). */
  table: string;
  /** The transaction-scoped advisory lock every node takes to migrate this set. */
  lock: number;
  /** Who refuses a newer schema, for the error ("this portal"). */
  owner: string;
  migrations: readonly Migration[];
}

/**
 * Brings `set` up to its newest version in one transaction under its advisory lock: nodes starting at
 * once queue on the lock, and every one after the first finds the schema current. DDL is transactional in
 * PostgreSQL, so a failed migration leaves nothing half made. Refuses a schema newer than `set` knows.
 * Returns the schema version.
 */
export async function migrate(sql: Sql, set: MigrationSet): Promise<number> {
  if (!/^[a-z_][a-z0-9_]*$/.test(set.table)) throw new Error(`bad migrations table name ${set.table}`);
  const latest = set.migrations.at(-1)?.version ?? 0;
  return await sql.begin(async (tx) => {
    // Before anything else, the table's own creation included: two nodes creating it at once would
    // otherwise collide in the catalog.
    await tx`SELECT pg_advisory_xact_lock(${set.lock})`;
    await tx`
      CREATE TABLE IF NOT EXISTS ${tx(set.table)} (
        version integer PRIMARY KEY,
        description text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`;
    const [{ current }] = await tx<{ current: number }[]>`
      SELECT coalesce(max(version), 0) AS current FROM ${tx(set.table)}`;
    if (current > latest) {
      throw new Error(`database schema version ${current} (${set.table}) is newer than ${set.owner} knows`);
    }
    for (const m of set.migrations) {
      if (m.version <= current) continue;
      try {
        // DDL without values: the one place SQL runs as text (several statements, simple protocol).
        await tx.unsafe(m.sql);
      } catch (err) {
        throw new Error(`migration ${m.version} (${m.description}) failed: ${(err as Error).message}`);
      }
      await tx`INSERT INTO ${tx(set.table)} (version, description) VALUES (${m.version}, ${m.description})`;
    }
    return Math.max(current, latest);
  });
}
