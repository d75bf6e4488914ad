/**
 * Scenario `connections`: how many booted chargers one server process holds, how long connecting them
 * takes and what each costs in resident memory. The fleet is split over several driver processes (each
 * process has its own open-files limit) that connect one after the other, so that the server's memory
 * can be read at every step: the growth from the idle server to the full fleet, divided by the fleet,
 * is the memory per connection.
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
import type { DriverProc } from "./procs.ts";
import { peakRssKiB, rssKiB } from "./procs.ts";
import { type LatencySummary, mergeEncoded, summarize } from "./stats.ts";
import { ocppEndpoints, type RunningSystem, serverProcs, startSystem } from "./system.ts";
import type { ComparedServer } from "./compare.ts";
import { heapKinds, perConnection, type PerConnectionKind } from "./heap_snapshot.ts";

export interface ConnectionsOptions {
  count: number;
  drivers: number;
  /** Handshakes in flight per driver. */
  concurrency: number;
  /** Idle time before each memory reading, so that the server's allocations settle. */
  settleMs: number;
  /** How long the full fleet is held idle before it is counted. */
  holdMs: number;
  /**
   * Run the server under the inspector and read its live JS heap (after a full GC) idle and held, with
   * a heap snapshot at each to name the objects every connection keeps.
   */
  heap?: boolean;
  /** With `heap`: save the two heap snapshots here (Chrome DevTools opens them). */
  snapshotDir?: string;
  v8Flags?: string;
}

export interface ConnectionsResult {
  server: ComparedServer | "cluster";
  requested: number;
  booted: number;
  /** Sockets still open after holding the fleet idle for `holdMs`. */
  held: number;
  failed: number;
  drivers: number;
  /** Sum of the drivers' connect phases (they run one after another). */
  connectMs: number;
  connectsPerSecond: number;
  /** Handshake + BootNotification per charger. */
  setup: LatencySummary;
  rssIdleKiB: number;
  /** After each driver's slice, in order. */
  rssStepsKiB: number[];
  rssHeldKiB: number;
  /** Peak resident memory (of every server process, summed for a cluster). */
  rssPeakKiB: number;
  /** (held RSS - idle RSS) / held. */
  perConnectionKiB: number;
  /** Growth over the last slice only / its size: the cost of one more connection, without start-up costs. */
  marginalKiB: number;
  /** With `heap`: live JS heap after a full GC, idle and with the fleet held, and per connection. */
  jsHeap?: { idleKiB: number; heldKiB: number; perConnectionKiB: number };
  /** With `heap`: the kinds of heap object that grew with the fleet, per connection, most bytes first. */
  heapPerConnection?: PerConnectionKind[];
  errors: Record<string, number>;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/** Takes a heap snapshot, saves it when asked, and sums it by kind of object. */
async function snapshotKinds(sys: RunningSystem, opts: ConnectionsOptions, label: string, when: string) {
  const text = await sys.inspector!.heapSnapshot();
  if (opts.snapshotDir) {
    await Deno.mkdir(opts.snapshotDir, { recursive: true });
    const file = `${opts.snapshotDir}/connections-${label}-${when}.heapsnapshot`;
    await Deno.writeTextFile(file, text);
    progress(`heap snapshot saved to ${file}`);
  }
  return heapKinds(text);
}

/** The scenario against one server: Chargewire's CSMS alone, or one of the references. */
export function runConnections(server: ComparedServer, opts: ConnectionsOptions) {
  const kind = server === "chargewire" ? "csms" : server;
  const onDeno = kind === "csms" || kind === "bare";
  return runConnectionsOn(
    server,
    opts,
    // The inspector and V8 flags are Deno's: the Node references run as a user would run them.
    () => startSystem(kind, onDeno ? { profile: opts.heap, v8Flags: opts.v8Flags } : {}),
  );
}

/** Resident memory of every server process of `sys`, summed. */
function systemRss(sys: RunningSystem, read: (pid: number) => number | undefined = rssKiB): number {
  return serverProcs(sys).reduce((sum, p) => sum + (read(p.pid) ?? 0), 0);
}

/**
 * The scenario against the system `start` starts: driver i connects its slice to the system's OCPP
 * endpoint i (round robin), so a cluster's chargers are spread over its CSMS nodes.
 */
export async function runConnectionsOn(
  label: ConnectionsResult["server"],
  opts: ConnectionsOptions,
  start: () => Promise<RunningSystem>,
): Promise<ConnectionsResult> {
  progress(`connections/${label}: starting the server`);
  const sys = await start();
  const urls = ocppEndpoints(sys);
  const alive = () => serverProcs(sys).forEach(assertAlive);
  const drivers: DriverProc[] = [];
  try {
    await sleep(opts.settleMs);
    const rssIdle = systemRss(sys);
    // Read after the RSS: a forced GC would make the idle server look smaller than it runs.
    const heapIdle = await sys.inspector?.liveHeapKiB();
    const kindsIdle = sys.inspector ? await snapshotKinds(sys, opts, label, "idle") : undefined;
    const prefix = runPrefix("C");
    for (let i = 0; i < opts.drivers; i++) drivers.push(await startDriver(`driver ${i + 1}`, 1800));

    const sliceSize = Math.ceil(opts.count / opts.drivers);
    const steps: number[] = [];
    const histograms: string[] = [];
    const errors: Record<string, number> = {};
    let booted = 0, failed = 0, connectMs = 0;
    for (let i = 0; i < drivers.length; i++) {
      const first = i * sliceSize + 1;
      const count = Math.min(sliceSize, opts.count - i * sliceSize);
      if (count <= 0) break;
      const url = urls[i % urls.length];
      progress(`connections/${label}: driver ${i + 1} connecting ${count} chargers to ${url}`);
      const r = await connectSlice(drivers[i], {
        url,
        prefix,
        first,
        count,
        concurrency: opts.concurrency,
        transaction: false,
      });
      alive();
      booted += r.booted;
      failed += r.failed;
      connectMs += r.durationMs;
      histograms.push(r.histogram);
      for (const [k, v] of Object.entries(r.errors)) errors[k] = (errors[k] ?? 0) + v;
      progress(`connections/${label}: ${r.booted} booted in ${(r.durationMs / 1000).toFixed(1)} s`);
      await sleep(opts.settleMs);
      steps.push(systemRss(sys));
    }
    await sleep(opts.holdMs);
    let held = 0;
    for (const d of drivers) {
      await d.command({ cmd: "status" });
      held += (await d.expect("status", LIMITS.reportMs)).open;
    }
    alive();
    const rssHeld = systemRss(sys);
    const heapHeld = await sys.inspector?.liveHeapKiB();
    const kindsHeld = sys.inspector ? await snapshotKinds(sys, opts, label, "held") : undefined;
    const before = steps.length > 1 ? steps[steps.length - 2] : rssIdle;
    const lastSlice = opts.count - (steps.length - 1) * sliceSize;
    const result: ConnectionsResult = {
      server: label,
      requested: opts.count,
      booted,
      held,
      failed,
      drivers: drivers.length,
      connectMs: Math.round(connectMs),
      connectsPerSecond: Math.round(booted / (connectMs / 1000)),
      setup: summarize(mergeEncoded(histograms)),
      rssIdleKiB: rssIdle,
      rssStepsKiB: steps,
      rssHeldKiB: rssHeld,
      rssPeakKiB: systemRss(sys, peakRssKiB),
      perConnectionKiB: held > 0 ? round1((rssHeld - rssIdle) / held) : 0,
      marginalKiB: lastSlice > 0 ? round1((steps[steps.length - 1] - before) / lastSlice) : 0,
      jsHeap: heapIdle !== undefined && heapHeld !== undefined
        ? {
          idleKiB: heapIdle,
          heldKiB: heapHeld,
          perConnectionKiB: held > 0 ? round1((heapHeld - heapIdle) / held) : 0,
        }
        : undefined,
      heapPerConnection: kindsIdle && kindsHeld ? perConnection(kindsIdle, kindsHeld, held) : undefined,
      errors,
    };
    return result;
  } finally {
    await Promise.all(drivers.map(closeDriver));
    await sys.stop();
  }
}
