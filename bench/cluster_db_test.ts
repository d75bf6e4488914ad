/** The cluster scenario's pure parts: the database's rates, Redis database choice, URLs, its report. */
import assert from "node:assert/strict";
import { dbFigures, type PgCounters, pickEmptyRedisDb, withDatabase, withRedisDb } from "./cluster_db.ts";
import { clusterTables, dbTable } from "./report.ts";
import type { ThroughputRun } from "./throughput.ts";

const counters = (over: Partial<PgCounters> = {}): PgCounters => ({
  xactCommit: 0,
  tupInserted: 0,
  tableInserts: 0,
  tableUpdates: 0,
  walRecords: 0,
  walBytes: 0,
  walSyncs: 0,
  ...over,
});
const latency = { count: 40, p50: 1.5, p90: 2, p99: 3.25, max: 4, mean: 1.6 };

Deno.test("dbFigures: rates over the load, the probe's own commits left out", () => {
  const before = counters({
    xactCommit: 1000,
    tableInserts: 500,
    tableUpdates: 10,
    walBytes: 0,
    walSyncs: 7,
  });
  const after = counters({
    xactCommit: 1000 + 2040,
    tableInserts: 500 + 40_000,
    tableUpdates: 10 + 400,
    walBytes: 4 * 1024 * 1024,
    walSyncs: 7 + 1000,
  });
  const d = dbFigures(before, after, 4, { commits: 40, latency });
  assert.equal(d.seconds, 4);
  assert.equal(d.rowsInsertedPerSecond, 10_000);
  assert.equal(d.rowsUpdatedPerSecond, 100);
  assert.equal(d.commitsPerSecond, 500);
  assert.equal(d.rowsPerCommit, 20);
  assert.equal(d.walSyncsPerSecond, 250);
  assert.equal(d.walMiBPerSecond, 1);
  assert.deepEqual(d.commitLatency, latency);
  assert.match(d.commitLatencyMethod, /INSERT/);
});

Deno.test("dbFigures: no time or counters going backwards give zeros, not negatives or NaN", () => {
  const d = dbFigures(counters({ tableInserts: 10, xactCommit: 5 }), counters(), 0, { commits: 3, latency });
  assert.equal(d.rowsInsertedPerSecond, 0);
  assert.equal(d.commitsPerSecond, 0);
  assert.equal(d.rowsPerCommit, 0);
  const e = dbFigures(counters({ tableInserts: 10 }), counters(), 2, { commits: 0, latency });
  assert.equal(e.rowsInsertedPerSecond, 0);
});

Deno.test("pickEmptyRedisDb: the highest empty number, never 0", () => {
  assert.equal(pickEmptyRedisDb([0, 0, 3, 0, 5]), 3);
  assert.equal(pickEmptyRedisDb([0, 1, 0, 0]), 3);
  assert.equal(pickEmptyRedisDb([0, 2, 2]), undefined);
  assert.equal(pickEmptyRedisDb([0]), undefined);
});

Deno.test("withDatabase and withRedisDb replace only the path", () => {
  assert.equal(
    withDatabase("postgres://postgres:pw@127.0.0.1:5432/test", "cw_bench_1"),
    "postgres://postgres:pw@127.0.0.1:5432/cw_bench_1",
  );
  assert.equal(withRedisDb("redis://127.0.0.1:6379", 15), "redis://127.0.0.1:6379/15");
  assert.equal(withRedisDb("redis://:pw@h:6379/2", 9), "redis://:pw@h:6379/9");
});

const run = (server: ThroughputRun["server"], answeredPerSecond: number): ThroughputRun => ({
  server,
  chargers: 200,
  sent: 1,
  answered: 1,
  answeredPerSecond,
  callErrors: 0,
  timeouts: 0,
  closed: 0,
  rtt: latency,
  serverCpuCores: 1,
  driverCpuCores: 0.5,
  otherCpuCores: 0,
  serverRssKiB: 1024,
  errors: {},
});

Deno.test("clusterTables: the cluster beside the single process, and the database's figures", () => {
  const db = dbFigures(counters(), counters({ tableInserts: 3000, xactCommit: 100 }), 3, {
    commits: 0,
    latency,
  });
  const single = run("chargewire", 10_000);
  const text = clusterTables({
    throughput: {
      bare: run("bare", 40_000),
      chargewire: single,
      runs: [single],
      servers: {},
      ratio: 0.25,
      ratios: {},
      skipped: {},
    },
    cluster: {
      nodes: 2,
      throughput: { run: run("cluster", 5000), db, postgresCpuCores: 0.6, redisCpuCores: 0.1 },
    },
  });
  assert.match(text, /single process \(SQLite\)\s+200\s+10,000/);
  assert.match(text, /cluster \(2 CSMS \+ 1 portal\)\s+200\s+5,000/);
  assert.match(text, /cluster \/ single process = 0\.5/);
  assert.match(text, /rows inserted\/s \(pg_stat_user_tables\.n_tup_ins\)\s+1,000/);
  assert.match(text, /add connections,throughput to --only/); // no single-node connections ran
  assert.match(dbTable(db), /commit latency p50 \/ p99 \/ max ms\s+1\.5 \/ 3\.25 \/ 4/);
  assert.equal(clusterTables({}), "");
});
