/**
 * The cluster scenario's PostgreSQL and Redis: a fresh database and an empty Redis database number for
 * each cluster the bench starts (dropped and emptied after), and the database's own figures during a
 * load: rows written a second from the statistics views, and commit latency from a probe.
 *
 * Statistics views: PostgreSQL 15 backends flush their counters to shared memory at most once a second
 * while busy, and an idle backend's last counters up to 10 s later, so a reading is only exact once every
 * backend has been idle that long; the bench waits `STATS_SETTLE_MS` before each of its two readings.
 *
 * Commit latency: pg_stat_statements needs `shared_preload_libraries` (a server restart), which a bench
 * must not ask of a shared PostgreSQL. So it is measured: one connection of the bench's own inserts a row
 * (one autocommitted transaction, so one WAL flush like a CSMS batch's) every PROBE_INTERVAL_MS during the
 * load, and the time from sending the statement to its answer is recorded.
 */
import postgres from "postgres";
import { Redis } from "ioredis";
import { type LatencySummary, newHistogram, recordMs, summarize } from "./stats.ts";
import { sleep } from "./wait.ts";

export const DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/test";
export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";
/** Longer than PostgreSQL 15's idle stats flush (PGSTAT_IDLE_INTERVAL, 10 s). */
export const STATS_SETTLE_MS = 11_000;
const PROBE_INTERVAL_MS = 100;
const PROBE_TABLE = "bench_commit_probe";
/** The Redis bus's key prefix (shared/bus_redis.ts): what a cluster leaves in its database number. */
export const BUS_PREFIX = "chargewire:";

/** The counters the bench reads before and after a load. */
export interface PgCounters {
  /** pg_stat_database of the bench's database. */
  xactCommit: number;
  tupInserted: number;
  /** pg_stat_user_tables of the bench's database, summed, the probe's own table left out. */
  tableInserts: number;
  tableUpdates: number;
  /** pg_stat_wal: the whole server's (other databases on it count too). */
  walRecords: number;
  walBytes: number;
  walSyncs: number;
}

export interface DbFigures {
  /** The seconds the rates are over: the load (warm-up + measured window). */
  seconds: number;
  /** Rows inserted into the CSMS's tables a second (pg_stat_user_tables.n_tup_ins). */
  rowsInsertedPerSecond: number;
  /** Rows updated a second (n_tup_upd): latest charger and transaction state. */
  rowsUpdatedPerSecond: number;
  /** Transactions committed a second in the database (pg_stat_database.xact_commit: reads included). */
  commitsPerSecond: number;
  /** WAL flushes a second (pg_stat_wal.wal_sync): commits per flush show group commit at work. */
  walSyncsPerSecond: number;
  walMiBPerSecond: number;
  /** Inserted rows per commit (the probe's commits left out). */
  rowsPerCommit: number;
  /** Round trip of a one-row autocommitted INSERT on the bench's own connection during the load. */
  commitLatency: LatencySummary;
  commitLatencyMethod: string;
}

const round = (x: number, digits = 0) => Math.round(x * 10 ** digits) / 10 ** digits;

/** The rates between two readings `seconds` apart, less what the probe itself did. */
export function dbFigures(
  before: PgCounters,
  after: PgCounters,
  seconds: number,
  probe: { commits: number; latency: LatencySummary },
): DbFigures {
  const per = (d: number) => seconds > 0 ? Math.max(0, d) / seconds : 0;
  const inserts = after.tableInserts - before.tableInserts;
  const commits = Math.max(0, after.xactCommit - before.xactCommit - probe.commits);
  return {
    seconds: round(seconds, 1),
    rowsInsertedPerSecond: round(per(inserts)),
    rowsUpdatedPerSecond: round(per(after.tableUpdates - before.tableUpdates)),
    commitsPerSecond: round(per(commits)),
    walSyncsPerSecond: round(per(after.walSyncs - before.walSyncs)),
    walMiBPerSecond: round(per(after.walBytes - before.walBytes) / 1024 / 1024, 2),
    rowsPerCommit: commits > 0 ? round(Math.max(0, inserts) / commits, 1) : 0,
    commitLatency: probe.latency,
    commitLatencyMethod: `one-row INSERT, autocommitted, every ${PROBE_INTERVAL_MS} ms on the bench's own ` +
      "connection (pg_stat_statements is not preloaded)",
  };
}

/** `url` with its database (path) replaced. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** `url` with its Redis database number set to `db`. */
export function withRedisDb(url: string, db: number): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

/**
 * The database number a cluster takes: the highest one holding no key (others' tests use 0 with key
 * prefixes), or undefined when none is empty. `sizes[i]` is DBSIZE of database i.
 */
export function pickEmptyRedisDb(sizes: number[]): number | undefined {
  for (let i = sizes.length - 1; i >= 1; i--) if (sizes[i] === 0) return i;
  return undefined;
}

function plain(url: string, max = 1) {
  return postgres(url, { max, connect_timeout: 5, onnotice: () => {}, idle_timeout: 0 });
}

/** Why the cluster cannot run here (PostgreSQL or Redis not answering), or undefined when it can. */
export async function clusterUnavailable(pgUrl: string, redisUrl: string): Promise<string | undefined> {
  const sql = plain(pgUrl);
  try {
    await sql`SELECT 1`;
  } catch (err) {
    return `no PostgreSQL answers at ${new URL(pgUrl).host}: ${(err as Error).message}`;
  } finally {
    await sql.end({ timeout: 1 }).catch(() => {});
  }
  const r = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  r.on("error", () => {});
  try {
    await r.connect();
    await r.ping();
  } catch (err) {
    return `no Redis answers at ${new URL(redisUrl).host}: ${(err as Error).message}`;
  } finally {
    r.disconnect();
  }
  return undefined;
}

/** A fresh database `cw_bench_<random>` made through `adminUrl`'s; `drop()` removes it. */
export async function createBenchDatabase(adminUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `cw_bench_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
  const admin = plain(adminUrl);
  try {
    await admin`CREATE DATABASE ${admin(name)}`;
  } finally {
    await admin.end({ timeout: 5 });
  }
  return {
    url: withDatabase(adminUrl, name),
    async drop() {
      const a = plain(adminUrl);
      try {
        await a`DROP DATABASE IF EXISTS ${a(name)} WITH (FORCE)`;
      } finally {
        await a.end({ timeout: 5 });
      }
    },
  };
}

/** An empty Redis database number for one cluster; `release()` deletes the bus's keys there. */
export async function claimRedisDb(baseUrl: string): Promise<{ url: string; release(): Promise<void> }> {
  const r = new Redis(withRedisDb(baseUrl, 0));
  let db: number | undefined;
  try {
    const count = Number((await r.config("GET", "databases") as string[])[1] ?? 16);
    const sizes: number[] = [];
    for (let i = 0; i < count; i++) {
      await r.select(i);
      sizes.push(await r.dbsize());
    }
    db = pickEmptyRedisDb(sizes);
  } finally {
    r.disconnect();
  }
  if (db === undefined) throw new Error("no empty Redis database number to run the cluster on");
  const url = withRedisDb(baseUrl, db);
  return {
    url,
    async release() {
      const c = new Redis(url);
      try {
        let cursor = "0";
        do {
          const [next, keys] = await c.scan(cursor, "MATCH", `${BUS_PREFIX}*`, "COUNT", 1000);
          cursor = next;
          if (keys.length > 0) await c.del(...keys);
        } while (cursor !== "0");
      } finally {
        c.disconnect();
      }
    },
  };
}

/** Reads the counters and probes commit latency on the bench's database during a load. */
export class DbWatch {
  readonly #sql: ReturnType<typeof plain>;
  readonly #probe: ReturnType<typeof plain>;
  #before?: PgCounters;
  #probing?: Promise<void>;
  #stop = false;
  #commits = 0;
  readonly #histogram = newHistogram();
  #started = 0;

  constructor(url: string) {
    this.#sql = plain(url);
    this.#probe = plain(url);
  }

  async counters(): Promise<PgCounters> {
    const [db] = await this.#sql`
      SELECT xact_commit::float8 AS c, tup_inserted::float8 AS i FROM pg_stat_database
      WHERE datname = current_database()`;
    const [t] = await this.#sql`
      SELECT coalesce(sum(n_tup_ins), 0)::float8 AS ins, coalesce(sum(n_tup_upd), 0)::float8 AS upd
      FROM pg_stat_user_tables WHERE relname <> ${PROBE_TABLE}`;
    const [w] = await this.#sql`
      SELECT wal_records::float8 AS r, wal_bytes::float8 AS b, wal_sync::float8 AS s FROM pg_stat_wal`;
    return {
      xactCommit: db.c,
      tupInserted: db.i,
      tableInserts: t.ins,
      tableUpdates: t.upd,
      walRecords: w.r,
      walBytes: w.b,
      walSyncs: w.s,
    };
  }

  /** Waits for the counters to settle, reads them, and starts the probe. */
  async start(): Promise<void> {
    await this.#probe`CREATE TABLE IF NOT EXISTS ${this.#probe(PROBE_TABLE)} (at timestamptz NOT NULL)`;
    await sleep(STATS_SETTLE_MS);
    this.#before = await this.counters();
    this.#started = performance.now();
    this.#probing = (async () => {
      while (!this.#stop) {
        const t0 = performance.now();
        await this.#probe`INSERT INTO ${this.#probe(PROBE_TABLE)} (at) VALUES (clock_timestamp())`;
        recordMs(this.#histogram, performance.now() - t0);
        this.#commits++;
        await sleep(Math.max(0, PROBE_INTERVAL_MS - (performance.now() - t0)));
      }
    })();
  }

  /** Stops the probe, waits for the counters to settle, and returns the figures over `seconds`. */
  async finish(seconds?: number): Promise<DbFigures> {
    this.#stop = true;
    await this.#probing;
    const elapsed = (performance.now() - this.#started) / 1000;
    await sleep(STATS_SETTLE_MS);
    const after = await this.counters();
    return dbFigures(this.#before!, after, seconds ?? elapsed, {
      commits: this.#commits,
      latency: summarize(this.#histogram),
    });
  }

  async close(): Promise<void> {
    this.#stop = true;
    await this.#probing?.catch(() => {});
    await Promise.allSettled([this.#sql.end({ timeout: 2 }), this.#probe.end({ timeout: 2 })]);
  }
}

/** CPU seconds used by every process of the machine named `names` (/proc/PID/comm), e.g. postgres. */
export function processCpuSeconds(names: string[]): number {
  let total = 0;
  for (const e of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    try {
      const comm = Deno.readTextFileSync(`/proc/${e.name}/comm`).trim();
      if (!names.includes(comm)) continue;
      const stat = Deno.readTextFileSync(`/proc/${e.name}/stat`);
      const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      total += (Number(rest[11]) + Number(rest[12])) / 100;
    } catch {
      // gone meanwhile
    }
  }
  return total;
}
