/**
 * One measured load window, as the throughput and latency scenarios run it: the driver's `load`
 * command, with the CPU the server, the driver and the rest of the machine used meanwhile, and the
 * server's CPU profile when it runs under the inspector.
 */
import { assertAlive, LIMITS, progress } from "./common.ts";
import { cpuSeconds, type DriverProc, machineCpuSeconds, threadCpuSeconds } from "./procs.ts";
import { type ProfileSummary, summarizeProfile } from "./profile.ts";
import type { LoadCommand, LoadReport } from "./protocol.ts";
import { type LatencySummary, mergeEncoded, summarize } from "./stats.ts";
import { type RunningSystem, serverProcs } from "./system.ts";

/** CPU used during warm-up + window, in cores (1.0 = one core busy). */
export interface LoadCpu {
  /** Every server process of the system (a cluster's nodes summed). */
  serverCpuCores: number;
  driverCpuCores: number;
  /** CPU every other process of the machine used meanwhile (other people's tests on a shared box). */
  otherCpuCores: number;
  /** A one-process server's CPU by thread (main thread = the event loop), most first; omitted for a cluster. */
  serverThreads?: ThreadCpu[];
}

export interface ThreadCpu {
  thread: string;
  cores: number;
}

/** Per-thread CPU between two readings, in cores, most first; threads under 0.01 core left out. */
export function threadCores(
  before: Map<string, number>,
  after: Map<string, number>,
  elapsedS: number,
): ThreadCpu[] {
  return [...after.entries()]
    .map(([thread, s]) => ({
      thread,
      cores: Math.round(((s - (before.get(thread) ?? 0)) / elapsedS) * 100) / 100,
    }))
    .filter((t) => t.cores >= 0.01)
    .sort((a, b) => b.cores - a.cores);
}

export interface LoadWindow {
  report: LoadReport;
  /** CALLs answered a second in the measured window. */
  answeredPerSecond: number;
  /** CALL round trips in the measured window. */
  rtt: LatencySummary;
  cpu: LoadCpu;
  profile?: ProfileSummary;
}

/** Runs `load` on the driver against `sys`; the profile, if any, is saved as `${profileName}-<time>` in `profileDir`. */
export async function measureLoad(
  sys: RunningSystem,
  driver: DriverProc,
  load: Omit<LoadCommand, "cmd" | "callTimeoutMs">,
  profileDir: string | undefined,
  profileName: string,
): Promise<LoadWindow> {
  const serverCpu = () => serverProcs(sys).reduce((sum, p) => sum + (cpuSeconds(p.pid) ?? 0), 0);
  const single = serverProcs(sys).length === 1 ? sys.proc.pid : undefined;
  const th0 = single ? threadCpuSeconds(single) : undefined;
  const s0 = serverCpu(), d0 = cpuSeconds(driver.pid) ?? 0, m0 = machineCpuSeconds() ?? 0;
  const t0 = performance.now();
  if (sys.inspector) await sys.inspector.startProfiling();
  await driver.command({ cmd: "load", ...load, callTimeoutMs: LIMITS.callTimeoutMs });
  const report = await driver.expect("load", load.warmupMs + load.durationMs + LIMITS.reportMs);
  const elapsed = (performance.now() - t0) / 1000;
  serverProcs(sys).forEach(assertAlive);
  const profile = sys.inspector ? await saveProfile(sys, profileDir!, profileName) : undefined;
  const s1 = serverCpu(), d1 = cpuSeconds(driver.pid) ?? 0, m1 = machineCpuSeconds() ?? 0;
  const th1 = single ? threadCpuSeconds(single) : undefined;
  const cores = (seconds: number) => Math.round((seconds / elapsed) * 100) / 100;
  return {
    report,
    answeredPerSecond: Math.round(report.answered / (report.windowMs / 1000)),
    rtt: summarize(mergeEncoded([report.histogram])),
    cpu: {
      serverCpuCores: cores(s1 - s0),
      driverCpuCores: cores(d1 - d0),
      otherCpuCores: Math.max(0, cores(m1 - m0 - (s1 - s0) - (d1 - d0))),
      serverThreads: th0 && th1 ? threadCores(th0, th1, elapsed) : undefined,
    },
    profile,
  };
}

async function saveProfile(sys: RunningSystem, dir: string, name: string): Promise<ProfileSummary> {
  const profile = await sys.inspector!.stopProfiling();
  await Deno.mkdir(dir, { recursive: true });
  const file = `${dir}/${name}-${new Date().toISOString().replace(/[:.]/g, "-")}.cpuprofile`;
  await Deno.writeTextFile(file, JSON.stringify(profile));
  progress(`CPU profile saved to ${file}`);
  return summarizeProfile(profile, file);
}
