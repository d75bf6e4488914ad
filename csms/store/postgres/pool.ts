/**
 * The connection pool of the PostgreSQL engine.
 *
 * Why postgres.js (npm `postgres`) and not `pg` (node-postgres): every query here is a tagged template, so
 * a value can only ever travel as a bound parameter (no string-built SQL, no forgotten `$n`); it prepares
 * each statement once per connection by default, where `pg` re-parses unless every call site names its
 * statement; it pipelines queries on a connection instead of one round trip at a time, which is what a
 * CSMS answering thousands of chargers needs; it pools by itself (`max`), and it is one dependency with
 * none of its own, written for both Node and Deno's node: layer.
 */
import postgres from "postgres";

/** A pool (or, inside `sql.begin`, one connection's transaction): what every module here queries through. */
export type Sql = postgres.Sql<{ int8: number }>;
export type TxSql = postgres.TransactionSql<{ int8: number }>;
/** A piece of a statement (a condition, an ORDER BY), its values bound like any other. */
export type Fragment = postgres.PendingQuery<postgres.Row[]>;

export interface PoolOptions {
  /** Connections at most (default 10): a node's writes are few statements carrying many rows each. */
  max?: number;
  /** Shown in pg_stat_activity: which node (or portal) a connection serves. */
  applicationName?: string;
}

export function openPool(url: string, options: PoolOptions = {}): Sql {
  return postgres(url, {
    max: options.max ?? 10,
    ...(options.applicationName !== undefined &&
      { connection: { application_name: options.applicationName } }),
    // Migrations' IF NOT EXISTS and the like say NOTICE: nothing an operator needs in the CSMS's log.
    onnotice: () => {},
    // Ids (identity columns), counts and millisecond times are int8: as numbers, not the driver's strings.
    // Every int8 here stays far below 2^53 (ids, counts, epoch milliseconds).
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
