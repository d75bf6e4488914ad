/**
 * Scenario `throughput`: every charger of the fleet sends MeterValues in a closed loop (the next as soon
 * as the last is answered) for a fixed time; answered messages a second and CALL round trips, first
 * against the bare server (this machine's limit with this driver), then against the whole system with
 * persistence and the portal bridge on (and a portal client watching the fleet).
 */
import {
  assertAlive,
  closeDriver,
  connectSlice,
  LIMITS,
  progress,
  runPrefix,
  sleep,
  startDriver,
} from "./common.ts";
import { ChildProc, cpuSeconds, type DriverProc, machineCpuSeconds, rssKiB } from "./procs.ts";
import { type ProfileSummary, summarizeProfile } from "./profile.ts";
import type { SubscribedReport } from "./protocol.ts";
import { type LatencySummary, mergeEncoded, summarize } from "./stats.ts";
import { portalHeaders, type RunningSystem, startSystem } from "./system.ts";

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
  server: "chargewire" | "bare";
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
  const label = kind === "bare" ? "bare" : "chargewire";
  progress(`throughput/${label}: starting the server`);
  const sys = await startSystem(kind, {
    profile: kind === "full" && opts.profileDir !== undefined,
    v8Flags: opts.v8Flags,
  });
  let driver: DriverProc | undefined;
  let watcher: ChildProc | undefined;
  try {
    driver = await startDriver("driver", 1800);
    const connected = await connectSlice(driver, {
      url: sys.ocppUrl,
      prefix: runPrefix("T"),
      first: 1,
      count: opts.chargers,
      concurrency: opts.concurrency,
      transaction: true,
    });
    progress(
      `throughput/${label}: ${connected.booted} chargers charging; loading for ${
        opts.warmupMs + opts.durationMs
      } ms`,
    );
    if (sys.webUrl) watcher = await watchFleet(sys);
    await sleep(500);
    const s0 = cpuSeconds(sys.proc.pid) ?? 0, d0 = cpuSeconds(driver.pid) ?? 0, m0 = machineCpuSeconds() ?? 0;
    const t0 = performance.now();
    if (sys.inspector) await sys.inspector.startProfiling();
    await driver.command({
      cmd: "load",
      mode: "closed",
      warmupMs: opts.warmupMs,
      durationMs: opts.durationMs,
      callTimeoutMs: LIMITS.callTimeoutMs,
    });
    const r = await driver.expect("load", opts.warmupMs + opts.durationMs + LIMITS.reportMs);
    const elapsed = (performance.now() - t0) / 1000;
    assertAlive(sys.proc);
    const profile = sys.inspector ? await saveProfile(sys, opts.profileDir!, "throughput") : undefined;
    const s1 = cpuSeconds(sys.proc.pid) ?? 0, d1 = cpuSeconds(driver.pid) ?? 0, m1 = machineCpuSeconds() ?? 0;
    const cores = (seconds: number) => Math.round((seconds / elapsed) * 100) / 100;
    return {
      server: label,
      chargers: r.chargers,
      sent: r.sent,
      answered: r.answered,
      answeredPerSecond: Math.round(r.answered / (r.windowMs / 1000)),
      callErrors: r.callErrors,
      timeouts: r.timeouts,
      closed: r.closed,
      rtt: summarize(mergeEncoded([r.histogram])),
      serverCpuCores: cores(s1 - s0),
      driverCpuCores: cores(d1 - d0),
      otherCpuCores: Math.max(0, cores(m1 - m0 - (s1 - s0) - (d1 - d0))),
      serverRssKiB: rssKiB(sys.proc.pid) ?? 0,
      errors: r.errors,
      profile,
    };
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

/** One portal client on the fleet view, as an operator with the portal open would be. */
export async function watchFleet(sys: RunningSystem, chargers: string[] = []): Promise<ChildProc> {
  const sub = new ChildProc("subscriber", { args: ["bench/subscriber.ts", "--max-seconds", "1800"] });
  const json = (line: string) => line.startsWith("{") ? JSON.parse(line) : undefined;
  await sub.nextLine((l) => json(l)?.type === "ready" ? true : undefined, LIMITS.driverStartMs, "ready");
  const headers = await portalHeaders(sys);
  await sub.send({ cmd: "subscribe", url: sys.webUrl, fleet: true, chargers, headers, timeoutMs: 30_000 });
  const r = await sub.nextLine(
    (l) => {
      const m = json(l);
      if (m?.type === "error") throw new Error(`subscriber: ${m.message}`);
      return m?.type === "subscribed" ? m as SubscribedReport : undefined;
    },
    LIMITS.reportMs,
    "subscribed report",
  );
  if (r.failed > 0) {
    await closeHelper(sub);
    throw new Error(
      `the portal refused ${r.failed} of ${r.failed + r.sockets} subscriptions: ${JSON.stringify(r.errors)}`,
    );
  }
  return sub;
}

export async function closeHelper(proc: ChildProc): Promise<void> {
  try {
    if (!proc.exited) await proc.send({ cmd: "close" });
  } catch {
    // stopped below
  }
  await proc.finish(10_000);
}

export async function saveProfile(sys: RunningSystem, dir: string, name: string): Promise<ProfileSummary> {
  const profile = await sys.inspector!.stopProfiling();
  await Deno.mkdir(dir, { recursive: true });
  const file = `${dir}/${name}-${new Date().toISOString().replace(/[:.]/g, "-")}.cpuprofile`;
  await Deno.writeTextFile(file, JSON.stringify(profile));
  progress(`CPU profile saved to ${file}`);
  return summarizeProfile(profile, file);
}
