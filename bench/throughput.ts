/**
 * Scenario `throughput`: every charger of the fleet sends MeterValues in a closed loop (the next as soon
 * as the last is answered) for a fixed time; answered messages a second, CALL round trips and server CPU
 * per message, in alternating rounds against the bare Deno server (this machine's limit with this
 * driver), the `ocpp-rpc` strict peer on Node, the whole system with persistence and the portal bridge on
 * (and a portal client watching the fleet), and bare npm `ws` on Node (see bench/compare.ts).
 */
import { COMPARED, type ComparedServer, type Medians, medians, type Ratios, ratios } from "./compare.ts";
import { closeDriver, connectSlice, progress, runPrefix, sleep, startDriver } from "./common.ts";
import { closeHelper, watchFleet } from "./fleet_watch.ts";
import { measureLoad, type ThreadCpu } from "./load_window.ts";
import { type ChildProc, type DriverProc, rssKiB } from "./procs.ts";
import type { ProfileSummary } from "./profile.ts";
import type { LatencySummary } from "./stats.ts";
import { missingParts, ocppEndpoints, type RunningSystem, serverProcs, startSystem } from "./system.ts";

export interface ThroughputOptions {
  chargers: number;
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  /** Rounds of (bare, peer, chargewire, node); the median of each server's rounds counts. */
  rounds: number;
  /** Save a CPU profile of the system under test to this folder. */
  profileDir?: string;
  v8Flags?: string;
}

export interface ThroughputRun {
  server: ComparedServer | "cluster";
  chargers: number;
  sent: number;
  answered: number;
  answeredPerSecond: number;
  callErrors: number;
  timeouts: number;
  closed: number;
  rtt: LatencySummary;
  /** CPU the server used during warm-up + window, in cores (1.0 = one core busy). */
  serverCpuCores: number;
  driverCpuCores: number;
  /** CPU every other process of the machine used meanwhile (other people's tests on a shared box). */
  otherCpuCores: number;
  /** The server's CPU by thread (main thread = the event loop), in cores; one-process servers only. */
  serverThreads?: ThreadCpu[];
  serverRssKiB: number;
  errors: Record<string, number>;
  profile?: ProfileSummary;
}

/** What a scenario does around the measured load (a cluster reads its database's own figures). */
export interface LoadHooks<T> {
  /** Just before the load starts (the fleet connected, the portal client watching). */
  before(sys: RunningSystem): Promise<void>;
  /** Right after it ended. */
  after(sys: RunningSystem, run: ThroughputRun): Promise<T>;
}

export interface ThroughputResult {
  /** The median round of each (the one whose answered rate is the median). */
  bare: ThroughputRun;
  chargewire: ThroughputRun;
  /** Every run, in the order they ran. */
  runs: ThroughputRun[];
  /** Per server: the medians over its rounds. */
  servers: Medians;
  /** chargewire / bare median answered messages a second. */
  ratio: number;
  /** Chargewire's medians against each reference's. */
  ratios: Ratios;
  /** References that could not run here, and why (e.g. no `node`). */
  skipped: Partial<Record<ComparedServer, string>>;
}

export async function runThroughputOn(
  server: ComparedServer,
  opts: ThroughputOptions,
): Promise<ThroughputRun> {
  const kind = server === "chargewire" ? "full" : server;
  const { run } = await runThroughputOnSystem(
    server,
    opts,
    () =>
      startSystem(kind, {
        profile: kind === "full" && opts.profileDir !== undefined,
        // V8 flags are Deno's: the Node references run as a user would run them.
        v8Flags: kind === "full" || kind === "bare" ? opts.v8Flags : undefined,
      }),
  );
  return run;
}

/**
 * One closed-loop run against the system `start` starts. One driver (so that the driver's cost is the
 * same whatever the system) connects an equal share of the fleet to each of the system's OCPP endpoints.
 */
export async function runThroughputOnSystem<T = undefined>(
  label: ThroughputRun["server"],
  opts: ThroughputOptions,
  start: () => Promise<RunningSystem>,
  hooks?: LoadHooks<T>,
): Promise<{ run: ThroughputRun; extra?: T }> {
  progress(`throughput/${label}: starting the server`);
  const sys = await start();
  let driver: DriverProc | undefined;
  let watcher: ChildProc | undefined;
  try {
    driver = await startDriver("driver", 1800);
    const urls = ocppEndpoints(sys);
    const prefix = runPrefix("T");
    const share = Math.ceil(opts.chargers / urls.length);
    let booted = 0;
    for (let i = 0; i < urls.length; i++) {
      const count = Math.min(share, opts.chargers - i * share);
      if (count <= 0) break;
      const connected = await connectSlice(driver, {
        url: urls[i],
        prefix,
        first: i * share + 1,
        count,
        concurrency: opts.concurrency,
        transaction: true,
      });
      booted = connected.booted; // the driver's whole fleet so far
    }
    progress(
      `throughput/${label}: ${booted} chargers charging${
        urls.length > 1 ? ` on ${urls.length} nodes` : ""
      }; loading for ${opts.warmupMs + opts.durationMs} ms`,
    );
    if (sys.webUrl) watcher = await watchFleet(sys);
    await sleep(500);
    await hooks?.before(sys);
    const w = await measureLoad(
      sys,
      driver,
      { mode: "closed", warmupMs: opts.warmupMs, durationMs: opts.durationMs },
      opts.profileDir,
      "throughput",
    );
    const r = w.report;
    const run: ThroughputRun = {
      server: label,
      chargers: r.chargers,
      sent: r.sent,
      answered: r.answered,
      answeredPerSecond: w.answeredPerSecond,
      callErrors: r.callErrors,
      timeouts: r.timeouts,
      closed: r.closed,
      rtt: w.rtt,
      ...w.cpu,
      serverRssKiB: serverProcs(sys).reduce((sum, p) => sum + (rssKiB(p.pid) ?? 0), 0),
      errors: r.errors,
      profile: w.profile,
    };
    return { run, extra: hooks ? await hooks.after(sys, run) : undefined };
  } finally {
    if (watcher) await closeHelper(watcher);
    if (driver) await closeDriver(driver);
    await sys.stop();
  }
}

export async function runThroughput(opts: ThroughputOptions): Promise<ThroughputResult> {
  const skipped: Partial<Record<ComparedServer, string>> = {};
  for (const server of ["peer", "node"] as const) {
    const missing = missingParts(server);
    if (missing.length > 0) {
      skipped[server] = missing.join(", ");
      progress(`throughput/${server}: skipped (${skipped[server]})`);
    }
  }
  const runs: ThroughputRun[] = [];
  for (let round = 1; round <= opts.rounds; round++) {
    if (opts.rounds > 1) progress(`throughput: round ${round} of ${opts.rounds}`);
    for (const server of COMPARED) {
      if (skipped[server]) continue;
      // One profile is enough: of the first round.
      runs.push(await runThroughputOn(server, round === 1 ? opts : { ...opts, profileDir: undefined }));
    }
  }
  const servers = medians(runs);
  const r = ratios(servers);
  return {
    bare: servers.bare!.run,
    chargewire: servers.chargewire!.run,
    runs,
    servers,
    ratio: r.rateVsBare ?? 0,
    ratios: r,
    skipped,
  };
}
