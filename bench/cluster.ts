/**
 * Scenario `cluster`: the connections and throughput scenarios again, against CSMS nodes (csms/main.ts,
 * `deno task csms`) on PostgreSQL and Redis instead of the single SQLite process, the drivers spreading
 * their chargers over the nodes; for throughput, a portal node (web/main.ts) with the same fleet-view
 * client as the single-node run. Each cluster gets a fresh database (cw_bench_<random>, dropped after)
 * and an empty Redis database number (its keys deleted after). During the throughput load the database's
 * own figures are read: rows written a second, commits, WAL flushes and commit latency (bench/cluster_db.ts).
 */
import { progress } from "./common.ts";
import { type ConnectionsOptions, type ConnectionsResult, runConnectionsOn } from "./connections.ts";
import {
  claimRedisDb,
  createBenchDatabase,
  type DbFigures,
  DbWatch,
  processCpuSeconds,
} from "./cluster_db.ts";
import { ChildProc, freePort, onInterrupt, waitForPort } from "./procs.ts";
import type { RunningSystem } from "./system.ts";
import { runThroughputOnSystem, type ThroughputOptions, type ThroughputRun } from "./throughput.ts";

const STARTUP_MS = 120_000;
const SERVICES = ["postgres", "redis-server"];

export interface ClusterOptions {
  nodes: number;
  /** Admin URL of the PostgreSQL the cluster's database is made on. */
  pgUrl: string;
  /** Redis URL (its database number is replaced by an empty one). */
  redisUrl: string;
  connections: ConnectionsOptions;
  throughput: ThroughputOptions;
  v8Flags?: string;
}

export interface ClusterThroughput {
  run: ThroughputRun;
  db: DbFigures;
  /** CPU of every postgres and redis-server process of the machine during the load, in cores. */
  postgresCpuCores: number;
  redisCpuCores: number;
}

export interface ClusterResult {
  nodes: number;
  connections?: ConnectionsResult;
  throughput?: ClusterThroughput;
}

/**
 * Starts `nodes` CSMS nodes (and a portal node with `portal`) on a fresh database and Redis database
 * number, all at once (their migrations race, as two nodes starting together would in production).
 */
export async function startCluster(
  opts: Pick<ClusterOptions, "nodes" | "pgUrl" | "redisUrl" | "v8Flags">,
  portal: boolean,
  /** More environment for every node (e.g. HEARTBEAT_INTERVAL). */
  env: Record<string, string> = {},
): Promise<RunningSystem> {
  const db = await createBenchDatabase(opts.pgUrl);
  const redis = await claimRedisDb(opts.redisUrl).catch(async (err) => {
    await db.drop();
    throw err;
  });
  const dataDir = await Deno.makeTempDir({ prefix: "chargewire-bench-cluster-" });
  const shared = { HOST: "127.0.0.1", DATABASE_URL: db.url, REDIS_URL: redis.url, DATA_DIR: dataDir, ...env };
  const denoFlags = opts.v8Flags ? [`--v8-flags=${opts.v8Flags}`] : [];
  const procs: ChildProc[] = [];
  const ports: number[] = [];
  const release = async () => {
    await Promise.allSettled([db.drop(), redis.release()]);
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  };
  // Interrupted (Ctrl-C), the bench exits without reaching `stop`: the database and keys go anyway.
  const forget = onInterrupt(release);
  const stop = async () => {
    await Promise.allSettled(procs.map((p) => p.stop(10_000)));
    await release();
    forget();
  };
  try {
    for (let i = 1; i <= opts.nodes; i++) {
      const port = freePort();
      ports.push(port);
      procs.push(
        new ChildProc(`csms node ${i}`, {
          args: ["csms/main.ts"],
          env: { ...shared, CSMS_PORT: String(port), NODE_ID: `bench-csms-${i}` },
          raiseFileLimit: true,
          denoFlags,
        }),
      );
    }
    const webPort = portal ? freePort() : undefined;
    const adminPassword = portal ? `bench-${crypto.randomUUID()}` : undefined;
    if (webPort) {
      procs.push(
        new ChildProc("portal node", {
          args: ["web/main.ts"],
          env: { ...shared, WEB_PORT: String(webPort), ADMIN_PASSWORD: adminPassword! },
          raiseFileLimit: true,
          denoFlags,
        }),
      );
    }
    await Promise.all(ports.map((port, i) => waitForPort(port, procs[i], STARTUP_MS)));
    if (webPort) await waitForPort(webPort, procs[procs.length - 1], STARTUP_MS);
    // Listening is not ready: each node must reach the database and the bus.
    for (
      const url of [
        ...ports.map((p) => `http://127.0.0.1:${p}`),
        ...(webPort ? [`http://127.0.0.1:${webPort}`] : []),
      ]
    ) {
      const res = await fetch(`${url}/readyz`);
      await res.body?.cancel();
      if (!res.ok) throw new Error(`${url}/readyz answered ${res.status}`);
    }
    progress(
      `cluster: ${opts.nodes} CSMS nodes${portal ? " and a portal node" : ""} on ${
        new URL(db.url).pathname.slice(1)
      } and Redis db ${new URL(redis.url).pathname.slice(1)}`,
    );
    return {
      kind: "cluster",
      proc: procs[0],
      procs,
      ocppUrl: `ws://127.0.0.1:${ports[0]}/ocpp`,
      ocppUrls: ports.map((p) => `ws://127.0.0.1:${p}/ocpp`),
      webUrl: webPort ? `http://127.0.0.1:${webPort}` : undefined,
      adminPassword,
      dbUrl: db.url,
      redisUrl: redis.url,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

export async function runClusterConnections(opts: ClusterOptions): Promise<ConnectionsResult> {
  // Every node gets a driver at least, so that each holds a share of the fleet.
  const drivers = Math.min(opts.connections.count, Math.max(opts.connections.drivers, opts.nodes));
  return await runConnectionsOn(
    "cluster",
    { ...opts.connections, drivers, heap: false },
    () => startCluster(opts, false),
  );
}

export async function runClusterThroughput(opts: ClusterOptions): Promise<ClusterThroughput> {
  let watch: DbWatch | undefined;
  let pg0 = 0, redis0 = 0, t0 = 0;
  try {
    const { run, extra } = await runThroughputOnSystem(
      "cluster",
      { ...opts.throughput, profileDir: undefined },
      () => startCluster(opts, true),
      {
        async before(sys) {
          watch = new DbWatch(sys.dbUrl!);
          progress("cluster: letting PostgreSQL's statistics settle before the load");
          await watch.start();
          pg0 = processCpuSeconds([SERVICES[0]]);
          redis0 = processCpuSeconds([SERVICES[1]]);
          t0 = performance.now();
        },
        async after(_sys, r) {
          const seconds = (performance.now() - t0) / 1000;
          const cores = (s: number) => Math.round((s / seconds) * 100) / 100;
          const postgresCpuCores = cores(processCpuSeconds([SERVICES[0]]) - pg0);
          const redisCpuCores = cores(processCpuSeconds([SERVICES[1]]) - redis0);
          // measureLoad counted PostgreSQL and Redis among "others": they are the cluster's own.
          r.otherCpuCores = Math.max(
            0,
            Math.round((r.otherCpuCores - postgresCpuCores - redisCpuCores) * 100) / 100,
          );
          progress("cluster: letting PostgreSQL's statistics settle after the load");
          const db = await watch!.finish();
          return { db, postgresCpuCores, redisCpuCores };
        },
      },
    );
    return { run, ...extra! };
  } finally {
    await watch?.close();
  }
}
