/**
 * PostgreSQL plumbing for every store on the fleet's database, the CSMS's (csms/store/postgres/) and the
 * portal's (web/store/postgres.ts): the postgres.js pool (int8 as numbers, NOTICEs dropped) and versioned
 * migrations under an advisory lock. Engine code, so neither in shared/ (the contract) nor in one of its
 * users; each owner keeps its own migrations table and lock, so the CSMS's schema and the portal's evolve
 * apart in one database.
 *
 * Why postgres.js (npm `postgres`) and not `pg` (node-postgres): every query is a tagged template, so a
 * value can only ever travel as a bound parameter (no string-built SQL, no forgotten `$n`); it prepares
 * each statement once per connection by default, where `pg` re-parses unless every call site names its
 * statement; it pipelines queries on a connection instead of one round trip at a time, which is what a
 * CSMS answering thousands of chargers needs; it pools by itself (`max`), and it is one dependency with
 * none of its own, written for both Node and Deno's node: layer.
 */
import postgres from "postgres";

/** A pool, or inside `sql.begin` one connection's transaction. */
export type Sql = postgres.Sql<{ int8: number }>;
export type TxSql = postgres.TransactionSql<{ int8: number }>;
/** A piece of a statement (a condition, an ORDER BY), its values bound like any other. */
export type Fragment = postgres.PendingQuery<postgres.Row[]>;

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
      throw new Error(`database schema version ${current} is newer than ${set.owner} knows (${set.table})`);
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
