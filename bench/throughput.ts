/**
 * Scenario `throughput`: every charger of the fleet sends MeterValues in a closed loop (the next as soon
 * as the last is answered) for a fixed time; answered messages a second and CALL round trips, first
 * against the bare server (this machine's limit with this driver), then against the whole system with
 * persistence and the portal bridge on (and a portal client watching the fleet).
 */
import { closeDriver, connectSlice, progress, runPrefix, sleep, startDriver } from "./common.ts";
import { closeHelper, watchFleet } from "./fleet_watch.ts";
import { measureLoad } from "./load_window.ts";
import { type ChildProc, type DriverProc, rssKiB } from "./procs.ts";
import type { ProfileSummary } from "./profile.ts";
import type { LatencySummary } from "./stats.ts";
import { ocppEndpoints, type RunningSystem, serverProcs, startSystem } from "./system.ts";

export interface ThroughputOptions {
  chargers: number;
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  /**
   * Rounds of (bare, chargewire); the best round of each counts. Other people's processes on a shared
   * machine only ever slow a run down, so the best of a few is the least disturbed.
   */
  rounds: number;
  /** Save a CPU profile of the system under test to this folder. */
  profileDir?: string;
  v8Flags?: string;
}

export interface ThroughputRun {
  server: "chargewire" | "bare" | "cluster";
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
  /** The best round of each. */
  bare: ThroughputRun;
  chargewire: ThroughputRun;
  /** Every run, in the order they ran. */
  runs: ThroughputRun[];
  /** chargewire / bare answered messages a second. */
  ratio: number;
}

export async function runThroughputOn(
  kind: "bare" | "full",
  opts: ThroughputOptions,
): Promise<ThroughputRun> {
  const { run } = await runThroughputOnSystem(
    kind === "bare" ? "bare" : "chargewire",
    opts,
    () =>
      startSystem(kind, {
        profile: kind === "full" && opts.profileDir !== undefined,
        v8Flags: opts.v8Flags,
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
  const runs: ThroughputRun[] = [];
  for (let round = 1; round <= opts.rounds; round++) {
    if (opts.rounds > 1) progress(`throughput: round ${round} of ${opts.rounds}`);
    runs.push(await runThroughputOn("bare", opts));
    // One profile is enough: of the first round.
    runs.push(await runThroughputOn("full", round === 1 ? opts : { ...opts, profileDir: undefined }));
  }
  const best = (server: string) =>
    runs.filter((r) => r.server === server).reduce((a, b) =>
      b.answeredPerSecond > a.answeredPerSecond ? b : a
    );
  const bare = best("bare"), chargewire = best("chargewire");
  return {
    bare,
    chargewire,
    runs,
    ratio: bare.answeredPerSecond > 0
      ? Math.round((chargewire.answeredPerSecond / bare.answeredPerSecond) * 1000) / 1000
      : 0,
  };
}
