/**
 * `deno task bench`: fleet scale, throughput and latency of Chargewire on this machine, against the
 * bare limit of the same machine. Every server, driver and portal client runs as its own process on
 * 127.0.0.1; every loop is bounded; the run ends with one JSON line holding every figure.
 * See docs/benchmarks.md for what each scenario measures and the latest figures.
 */
import { parseArgs } from "node:util";
import { progress } from "./common.ts";
import { type ClusterOptions, runClusterConnections, runClusterThroughput } from "./cluster.ts";
import { clusterUnavailable, DEFAULT_PG_URL, DEFAULT_REDIS_URL, STATS_SETTLE_MS } from "./cluster_db.ts";
import type { ConnectionsByServer } from "./compare.ts";
import { type ConnectionsOptions, runConnections } from "./connections.ts";
import { type LatencyOptions, runLatency } from "./latency.ts";
import { stopAllChildren } from "./procs.ts";
import {
  clusterTables,
  comparisonTable,
  connectionsTable,
  heapTable,
  judgeTargets,
  latencyTable,
  memoryTable,
  profileText,
  type Results,
  scaleTables,
  targetsTable,
  throughputTable,
} from "./report.ts";
import {
  DEFAULT_AUTO_PCT,
  HEARTBEAT_S,
  MAX_CHARGERS_PER_SIM,
  runScale,
  SAMPLE_INTERVAL_S,
  type ScaleOptions,
} from "./scale.ts";
import { missingParts } from "./system.ts";
import { runThroughput, type ThroughputOptions } from "./throughput.ts";
import { runWorkers, type WorkersOptions, workersTable } from "./workers.ts";
import { errorText } from "../shared/ocpp/errors.ts";
import { withoutPassword } from "../shared/deployment.ts";
import { MAX_WORKERS } from "../csms/config.ts";

const SCENARIOS = ["connections", "throughput", "workers", "latency", "cluster", "scale"] as const;
type Scenario = (typeof SCENARIOS)[number];
/** Run without --only. Not `scale`: a fleet of 50,000 is asked for by name. */
const DEFAULT_SCENARIOS: readonly Scenario[] = ["connections", "throughput", "workers", "latency", "cluster"];

const HELP = `deno task bench [options]

Scenarios (all but scale by default):
  connections   N booted chargers held by one CSMS process, and by each reference server (bare Deno,
                the ocpp-rpc strict peer on Node, bare npm ws on Node): connect time, resident memory
                in all and per idle booted charger, and Chargewire's above bare Deno's
  throughput    closed-loop MeterValues from a fleet: answered msg/s, CALL round trips and server CPU
                per answered message, in alternating rounds of bare Deno, the ocpp-rpc peer, the whole
                system (persistence + portal bridge) and bare Node; medians of the rounds compared
  workers       the throughput load on the whole system once per CSMS_WORKERS count (--workers), in
                alternating rounds: answered msg/s and CPU per message against one event loop's
  latency       steady MeterValues rate: charger send -> socket.io-client receive, fleet and detail views
  cluster       connections and throughput again against --nodes CSMS nodes (deno task csms) on PostgreSQL
                + Redis, the chargers split over the nodes, a portal node for the fleet-view client; with
                the database's rows/s, commits/s, WAL flushes and commit latency. Needs PostgreSQL at
                BENCH_DATABASE_URL (default ${DEFAULT_PG_URL}; a fresh database is made
                through it and dropped) and Redis at BENCH_REDIS_URL (default ${DEFAULT_REDIS_URL};
                an empty database number is used and emptied); skipped when either does not answer
  scale         only with --only scale: --scale-chargers simulated chargers (charger/main.ts --count, at
                most ${
  MAX_CHARGERS_PER_SIM.toLocaleString("en")
} a process) over --nodes CSMS nodes on PostgreSQL + Redis as for
                'cluster', at realistic rates (${HEARTBEAT_S} s heartbeats, ${SAMPLE_INTERVAL_S} s MeterValueSampleInterval, --auto-share
                of the chargers running --auto); once all are booted, a --hold window: memory per
                charger (nodes, simulators), CPU of every part, presence churn from the bus, OCPP
                frames/s from the nodes' /metrics, PostgreSQL rows/s and commits/s

Options:
  --quick               every scenario small and short (under two minutes), for development
  --only LIST           comma-separated scenarios to run, e.g. --only throughput,latency
  --connections N       chargers for 'connections' (default 10000; quick 500)
  --drivers N           driver processes for 'connections' (default 2)
  --chargers N          fleet for 'throughput' and 'latency' (default 1000; quick 200)
  --rate N              MeterValues/s for 'latency' (default 1000; quick 200)
  --watch N             chargers watched in detail for 'latency' (default 100; quick 20)
  --duration S          measured seconds per load (default 15; quick 3)
  --warmup S            unmeasured seconds before each load (default 3; quick 1)
  --nodes N             CSMS nodes for 'cluster' (default 2) and 'scale' (default 5; quick 2)
  --scale-chargers N    chargers for 'scale' (default 50000; quick 1000)
  --auto-share PCT      % of each node's chargers that run --auto in 'scale' (default ${DEFAULT_AUTO_PCT})
  --hold S              measured seconds once the 'scale' fleet is booted (default 180; quick 25; at
                        least ${STATS_SETTLE_MS / 1000}, PostgreSQL's statistics settle time)
  --workers LIST        CSMS_WORKERS counts for 'workers', e.g. 1,2,4 (default 1 to the number of cores)
  --rounds N            throughput rounds of (bare, peer, chargewire, node); the median of each
                        server's rounds counts (default 3; quick 1)
  --profile DIR         take CPU profiles of the system under load (throughput, latency) into DIR, and
                        read the Deno servers' live JS heap per connection, with heap snapshots of
                        what each connection keeps (connections)
  --v8-flags FLAGS      V8 flags for the servers under test (bare and chargewire), e.g.
                        --v8-flags=--max-semi-space-size=1
  --help                this text

Environment:
  NODE                  the node program for the ocpp-rpc peer and bare Node ws (default: node on PATH;
                        without one, those two are skipped with one line). They load ocpp-rpc and ws from
                        node_modules/, which deno install fills from deno.lock.
`;

interface BenchOptions {
  quick: boolean;
  scenarios: Scenario[];
  connections: ConnectionsOptions;
  throughput: ThroughputOptions;
  latency: LatencyOptions;
  cluster: ClusterOptions;
  scale: ScaleOptions;
  workers: WorkersOptions;
}

class UsageError extends Error {}

function positiveInt(name: string, v: string | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v) || Number(v) < 1) {
    throw new UsageError(`--${name} must be a positive integer, got ${JSON.stringify(v)}`);
  }
  return Number(v);
}

function positiveSeconds(name: string, v: string | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  if (!/^\d+(\.\d+)?$/.test(v) || Number(v) <= 0) {
    throw new UsageError(`--${name} must be a positive number of seconds, got ${JSON.stringify(v)}`);
  }
  return Number(v);
}

export function parseBenchArgs(args: string[]): BenchOptions | "help" {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        quick: { type: "boolean" },
        only: { type: "string" },
        connections: { type: "string" },
        drivers: { type: "string" },
        chargers: { type: "string" },
        rate: { type: "string" },
        watch: { type: "string" },
        duration: { type: "string" },
        warmup: { type: "string" },
        rounds: { type: "string" },
        nodes: { type: "string" },
        "scale-chargers": { type: "string" },
        "auto-share": { type: "string" },
        hold: { type: "string" },
        workers: { type: "string" },
        profile: { type: "string" },
        "v8-flags": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (err) {
    throw new UsageError((err as Error).message.split("\n")[0]);
  }
  if (values.help) return "help";
  const quick = values.quick ?? false;
  const scenarios = values.only === undefined
    ? [...DEFAULT_SCENARIOS]
    : values.only.split(",").map((s) => s.trim());
  for (const s of scenarios) {
    if (!(SCENARIOS as readonly string[]).includes(s)) {
      throw new UsageError(
        `--only: unknown scenario ${JSON.stringify(s)} (expected ${SCENARIOS.join(", ")})`,
      );
    }
  }
  // Quick: four servers each hold the fleet and carry the load, so each part stays small.
  const count = positiveInt("connections", values.connections, quick ? 500 : 10_000);
  const drivers = positiveInt("drivers", values.drivers, 2);
  const chargers = positiveInt("chargers", values.chargers, quick ? 200 : 1000);
  const durationMs = positiveSeconds("duration", values.duration, quick ? 3 : 15) * 1000;
  const warmupMs = positiveSeconds("warmup", values.warmup, quick ? 1 : 3) * 1000;
  const profileDir = values.profile;
  const v8Flags = values["v8-flags"];
  const connections: ConnectionsOptions = {
    count,
    drivers: Math.min(drivers, count),
    concurrency: 100,
    settleMs: quick ? 500 : 3000,
    holdMs: quick ? 500 : 5000,
    heap: profileDir !== undefined,
    snapshotDir: profileDir,
    v8Flags,
  };
  const throughput: ThroughputOptions = {
    chargers,
    concurrency: 100,
    warmupMs,
    durationMs,
    rounds: positiveInt("rounds", values.rounds, quick ? 1 : 3),
    profileDir,
    v8Flags,
  };
  const autoPct = values["auto-share"] === undefined ? DEFAULT_AUTO_PCT : Number(values["auto-share"]);
  if (!/^\d+$/.test(values["auto-share"] ?? "0") || autoPct > 100) {
    throw new UsageError(
      `--auto-share must be a whole percentage 0-100, got ${JSON.stringify(values["auto-share"])}`,
    );
  }
  const holdMs = positiveSeconds("hold", values.hold, quick ? 25 : 180) * 1000;
  if (holdMs < STATS_SETTLE_MS) {
    throw new UsageError(`--hold must be at least ${STATS_SETTLE_MS / 1000} seconds, got ${values.hold}`);
  }
  const pgUrl = env("BENCH_DATABASE_URL") ?? DEFAULT_PG_URL;
  const redisUrl = env("BENCH_REDIS_URL") ?? DEFAULT_REDIS_URL;
  return {
    quick,
    scenarios: scenarios as Scenario[],
    connections,
    throughput,
    workers: { loops: loopCounts(values.workers), throughput },
    cluster: {
      nodes: positiveInt("nodes", values.nodes, 2),
      pgUrl,
      redisUrl,
      // One round: each cluster run waits for PostgreSQL's statistics twice (about 22 s).
      connections: { ...connections, heap: false },
      throughput: { ...throughput, rounds: 1, profileDir: undefined },
      v8Flags,
    },
    scale: {
      chargers: positiveInt("scale-chargers", values["scale-chargers"], quick ? 1000 : 50_000),
      nodes: positiveInt("nodes", values.nodes, quick ? 2 : 5),
      autoPct,
      holdMs,
      // A boot on a busy cluster waits behind thousands: a minute without one more is a stall.
      stallMs: 60_000,
      pgUrl,
      redisUrl,
      v8Flags,
    },
    latency: {
      chargers,
      rate: positiveInt("rate", values.rate, quick ? 200 : 1000),
      watch: positiveInt("watch", values.watch, quick ? 20 : 100),
      concurrency: 100,
      warmupMs,
      durationMs,
      profileDir,
      v8Flags,
    },
  };
}

/** --workers: loop counts, each in CSMS_WORKERS's own range; default 1 to the number of cores. */
function loopCounts(v: string | undefined): number[] {
  if (v === undefined) {
    return Array.from({ length: Math.max(1, navigator.hardwareConcurrency) }, (_, i) => i + 1);
  }
  const counts = v.split(",").map((s) => s.trim());
  if (counts.some((c) => !/^\d+$/.test(c) || Number(c) < 1 || Number(c) > MAX_WORKERS)) {
    throw new UsageError(
      `--workers must be a comma-separated list of integers from 1 to ${MAX_WORKERS}, got ${
        JSON.stringify(v)
      }`,
    );
  }
  return [...new Set(counts.map(Number))].sort((a, b) => a - b);
}

function env(name: string): string | undefined {
  try {
    return Deno.env.get(name) || undefined;
  } catch {
    return undefined;
  }
}

async function shell(cmd: string): Promise<string> {
  try {
    const out = await new Deno.Command("/bin/sh", { args: ["-c", cmd], stdout: "piped", stderr: "null" })
      .output();
    return new TextDecoder().decode(out.stdout).trim();
  } catch {
    return "";
  }
}

async function machine() {
  const cpuinfo = await Deno.readTextFile("/proc/cpuinfo").catch(() => "");
  const meminfo = await Deno.readTextFile("/proc/meminfo").catch(() => "");
  const memKiB = Number(meminfo.match(/^MemTotal:\s+(\d+)/m)?.[1] ?? 0);
  return {
    cpus: navigator.hardwareConcurrency,
    cpuModel: cpuinfo.match(/^model name\s*:\s*(.+)$/m)?.[1] ?? "unknown",
    memoryGiB: Math.round(memKiB / 1024 / 1024),
    openFilesLimit: await shell("ulimit -n"),
    os: `${Deno.build.os} ${Deno.osRelease()}`,
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    commit: await shell(
      "git rev-parse --short HEAD 2>/dev/null | tr -d '\\n'; git diff --quiet HEAD 2>/dev/null || echo ' (uncommitted changes)'",
    ),
  };
}

async function main(): Promise<number> {
  let opts: BenchOptions | "help";
  try {
    opts = parseBenchArgs(Deno.args);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`bench: ${err.message} (see --help)`);
      return 2;
    }
    throw err;
  }
  if (opts === "help") {
    console.log(HELP);
    return 0;
  }
  const stop = () => {
    progress("interrupted: stopping every process the bench started");
    stopAllChildren().finally(() => Deno.exit(130));
  };
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);

  const started = new Date();
  // Read first: the commit and the machine the figures belong to, not whatever is there when the run ends.
  const machineInfo = await machine();
  const results: Results = {};
  const skipped: Record<string, string> = {};
  const failed: Record<string, string> = {};
  const run = async (name: Scenario, kind: "csms" | "full" | "cluster", body: () => Promise<void>) => {
    if (!opts.scenarios.includes(name)) return;
    const missing = missingParts(kind);
    const unavailable = kind === "cluster"
      ? await clusterUnavailable(opts.cluster.pgUrl, opts.cluster.redisUrl)
      : undefined;
    if (missing.length > 0 || unavailable) {
      skipped[name] = unavailable ?? `not built yet: ${missing.join(", ")}`;
      progress(`${name}: skipped (${skipped[name]})`);
      return;
    }
    try {
      await body();
    } catch (err) {
      failed[name] = errorText(err);
      progress(`${name}: FAILED: ${failed[name]}`);
    }
  };

  await run("connections", "csms", async () => {
    const held: ConnectionsByServer = results.connections = {};
    for (const server of ["chargewire", "bare", "peer", "node"] as const) {
      const missing = missingParts(server === "chargewire" ? "csms" : server);
      if (missing.length > 0) {
        skipped[`connections/${server}`] = missing.join(", ");
        continue;
      }
      held[server] = await runConnections(server, opts.connections);
    }
    console.log(
      `\n== connections: ${opts.connections.count} chargers, ${opts.connections.drivers} driver processes\n`,
    );
    console.log(connectionsTable(Object.values(held)));
    console.log("\n" + memoryTable(held));
    for (const c of Object.values(held)) {
      if (c.heapPerConnection) console.log("\n" + heapTable(`${c.server}: JS heap per connection`, c));
    }
  });
  await run("throughput", "full", async () => {
    const t = await runThroughput(opts.throughput);
    results.throughput = t;
    for (const [server, why] of Object.entries(t.skipped)) skipped[`throughput/${server}`] = why;
    console.log(
      `\n== throughput: closed-loop MeterValues from ${opts.throughput.chargers} chargers, ` +
        `${opts.throughput.durationMs / 1000} s measured after ${
          opts.throughput.warmupMs / 1000
        } s warm-up\n`,
    );
    console.log(throughputTable(t));
    console.log("\n" + comparisonTable(t));
    const profile = t.runs.find((r) => r.profile)?.profile;
    if (profile) console.log("\n" + profileText("CPU profile, chargewire under throughput load", profile));
  });
  await run("workers", "full", async () => {
    const w = await runWorkers(opts.workers);
    results.workers = w;
    console.log(
      `\n== workers: the throughput load once per CSMS_WORKERS count (${opts.workers.loops.join(", ")}), ` +
        `${opts.workers.throughput.rounds} alternating rounds\n`,
    );
    console.log(workersTable(w));
  });
  await run("latency", "full", async () => {
    const l = await runLatency(opts.latency);
    results.latency = l;
    console.log(
      `\n== latency: ${opts.latency.rate} MeterValues/s from ${opts.latency.chargers} chargers, ` +
        `${opts.latency.durationMs / 1000} s measured\n`,
    );
    console.log(latencyTable(l));
    if (l.profile) console.log("\n" + profileText("CPU profile, chargewire under latency load", l.profile));
  });

  await run("cluster", "cluster", async () => {
    const c = opts.cluster;
    results.cluster = { nodes: c.nodes };
    results.cluster.connections = await runClusterConnections(c);
    results.cluster.throughput = await runClusterThroughput(c);
    console.log(
      `\n== cluster: ${c.nodes} CSMS nodes on PostgreSQL + Redis; connections: ${c.connections.count} chargers; ` +
        `throughput: closed-loop MeterValues from ${c.throughput.chargers} chargers, ` +
        `${c.throughput.durationMs / 1000} s measured after ${c.throughput.warmupMs / 1000} s warm-up\n`,
    );
    console.log(clusterTables(results));
  });

  await run("scale", "cluster", async () => {
    const s = opts.scale;
    results.scale = await runScale(s);
    console.log(
      `\n== scale: ${s.chargers} simulated chargers over ${s.nodes} CSMS nodes on PostgreSQL + Redis, ` +
        `${HEARTBEAT_S} s heartbeats, ${SAMPLE_INTERVAL_S} s meter samples, ${s.autoPct} % with --auto; ` +
        `${s.holdMs / 1000} s held\n`,
    );
    console.log(scaleTables(results.scale));
  });

  const targets = judgeTargets(results, opts.quick);
  console.log(`\n== targets${opts.quick ? " (quick run: not judged)" : ""}\n`);
  console.log(targets.length > 0 ? targetsTable(targets) : "(no scenario ran)");
  for (const [name, why] of Object.entries(skipped)) console.log(`skipped ${name}: ${why}`);
  for (const [name, why] of Object.entries(failed)) console.log(`FAILED ${name}: ${why}`);

  const finished = new Date();
  console.log(JSON.stringify({
    bench: "chargewire",
    date: started.toISOString(),
    durationS: Math.round((finished.getTime() - started.getTime()) / 1000),
    command: ["deno task bench", ...Deno.args].join(" "),
    quick: opts.quick,
    machine: machineInfo,
    options: {
      connections: opts.connections,
      throughput: opts.throughput,
      latency: opts.latency,
      workers: { loops: opts.workers.loops },
      cluster: {
        ...opts.cluster,
        pgUrl: withoutPassword(opts.cluster.pgUrl),
        redisUrl: withoutPassword(opts.cluster.redisUrl),
      },
      scale: {
        ...opts.scale,
        pgUrl: withoutPassword(opts.scale.pgUrl),
        redisUrl: withoutPassword(opts.scale.redisUrl),
      },
    },
    results,
    targets,
    skipped,
    failed,
  }));
  return Object.keys(failed).length > 0 ? 1 : 0;
}

if (import.meta.main) Deno.exit(await main());
