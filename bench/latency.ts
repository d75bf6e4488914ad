/**
 * Scenario `latency`: the fleet sends MeterValues at a steady total rate, and socket.io-client
 * subscribers measure how long each reading takes from the charger's send to the portal client. Two
 * paths, as the portal has them: the fleet view (`fleet:update`, rows the bridge coalesces) and the
 * charger detail view (its room's `charger:event`, every meter value), the latter on a sample of
 * chargers, one socket each, as browser tabs would watch them.
 */
import { closeDriver, connectSlice, LIMITS, progress, runPrefix, sleep, startDriver } from "./common.ts";
import { closeHelper, watchFleet } from "./fleet_watch.ts";
import { measureLoad } from "./load_window.ts";
import { matchLatencies } from "./match.ts";
import { type ChildProc, type DriverProc, rssKiB } from "./procs.ts";
import type { ProfileSummary } from "./profile.ts";
import type { ObservationsReport } from "./protocol.ts";
import { type LatencySummary, summarize } from "./stats.ts";
import { startSystem } from "./system.ts";

export interface LatencyOptions {
  chargers: number;
  /** MeterValues a second, all chargers together. */
  rate: number;
  /** Chargers watched in detail, one socket each. */
  watch: number;
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  profileDir?: string;
  v8Flags?: string;
}

export interface PathLatency {
  /** Readings sent in the window that this path could show. */
  sent: number;
  /** Readings that reached the subscriber (the fleet path shows only the latest of a coalesced burst). */
  seen: number;
  latency: LatencySummary;
}

export interface LatencyResult {
  chargers: number;
  rate: number;
  sent: number;
  answered: number;
  achievedRate: number;
  backlogged: number;
  callErrors: number;
  timeouts: number;
  rtt: LatencySummary;
  fleet: PathLatency;
  detail: PathLatency & { watched: number };
  fleetUpdates: number;
  subscriberDisconnects: number;
  serverCpuCores: number;
  driverCpuCores: number;
  /** CPU every other process of the machine used meanwhile (the subscriber and other people's tests). */
  otherCpuCores: number;
  serverRssKiB: number;
  profile?: ProfileSummary;
}

/** Grace after the window for updates still on their way (the fleet view's coalescing included). */
const TAIL_MS = 1500;

export async function runLatency(opts: LatencyOptions): Promise<LatencyResult> {
  progress("latency: starting the system");
  const sys = await startSystem("full", { profile: opts.profileDir !== undefined, v8Flags: opts.v8Flags });
  let driver: DriverProc | undefined;
  let sub: ChildProc | undefined;
  try {
    driver = await startDriver("driver", 1800);
    const prefix = runPrefix("L");
    const connected = await connectSlice(driver, {
      url: sys.ocppUrl,
      prefix,
      first: 1,
      count: opts.chargers,
      concurrency: opts.concurrency,
      transaction: true,
    });
    // Watch chargers spread evenly over the fleet.
    const step = Math.max(1, Math.floor(connected.booted / Math.max(1, opts.watch)));
    const watched = Array.from(
      { length: Math.min(opts.watch, connected.booted) },
      (_, i) => `${prefix}${1 + i * step}`,
    );
    sub = await watchFleet(sys, watched);
    progress(
      `latency: ${connected.booted} chargers, ${watched.length} watched in detail; ${opts.rate} MeterValues/s`,
    );
    await sub.send({ cmd: "reset" });
    await sleep(500);
    const w = await measureLoad(
      sys,
      driver,
      {
        mode: "rate",
        rate: opts.rate,
        warmupMs: opts.warmupMs,
        durationMs: opts.durationMs,
        recordSends: 5_000_000,
      },
      opts.profileDir,
      "latency",
    );
    const r = w.report;
    await sleep(TAIL_MS);
    await sub.send({ cmd: "report" });
    const seen = await sub.nextLine(
      (l) => {
        if (!l.startsWith("{")) return undefined;
        const m = JSON.parse(l);
        return m.type === "observations" ? m as ObservationsReport : undefined;
      },
      LIMITS.reportMs,
      "observations",
    );
    const sends = r.sends ?? [];
    const watchedSet = new Set(watched);
    const fleet = matchLatencies(sends, seen.fleet);
    const detail = matchLatencies(sends.filter((s) => watchedSet.has(s[0])), seen.detail);
    return {
      chargers: r.chargers,
      rate: opts.rate,
      sent: r.sent,
      answered: r.answered,
      achievedRate: w.answeredPerSecond,
      backlogged: r.backlogged,
      callErrors: r.callErrors,
      timeouts: r.timeouts,
      rtt: w.rtt,
      fleet: { sent: sends.length, seen: fleet.matched, latency: summarize(fleet.histogram) },
      detail: {
        watched: watched.length,
        sent: sends.filter((s) => watchedSet.has(s[0])).length,
        seen: detail.matched,
        latency: summarize(detail.histogram),
      },
      fleetUpdates: seen.fleetUpdates,
      subscriberDisconnects: seen.disconnects,
      ...w.cpu,
      serverRssKiB: rssKiB(sys.proc.pid) ?? 0,
      profile: w.profile,
    };
  } finally {
    if (sub) await closeHelper(sub);
    if (driver) await closeDriver(driver);
    await sys.stop();
  }
}
