/**
 * Scenario `workers`: how the CSMS scales with its event loops (CSMS_WORKERS, csms/loops.ts). The whole
 * system (main.ts: CSMS with SQLite durability, the portal bridge, a fleet-view client) takes the
 * throughput scenario's closed-loop MeterValues load once per loop count, in alternating rounds (1, 2, …,
 * 1, 2, …) so that a machine getting busier or quieter meets every count alike; the median round of each
 * count is compared with one loop's.
 */
import { cpuUsPerMessage, median } from "./compare.ts";
import { table } from "./report.ts";
import { startSystem } from "./system.ts";
import { runThroughputOnSystem, type ThroughputOptions, type ThroughputRun } from "./throughput.ts";

export interface WorkersOptions {
  /** Loop counts to compare, e.g. [1, 2]. */
  loops: number[];
  throughput: ThroughputOptions;
}

export interface WorkersRow {
  loops: number;
  rounds: number;
  /** Medians over the rounds. */
  answeredPerSecond: number;
  cpuUsPerMessage: number;
  serverCpuCores: number;
  /** This count's median rate over one loop's (the smallest count's when 1 was not run). */
  speedup: number;
  /** The median round (by rate): its RTT, driver and others' CPU. */
  run: ThroughputRun;
}

export interface WorkersResult {
  rows: WorkersRow[];
  runs: Array<{ loops: number; run: ThroughputRun }>;
}

/** Medians per loop count, and each count's rate against the smallest count's. */
export function summarizeWorkers(runs: WorkersResult["runs"]): WorkersRow[] {
  const counts = [...new Set(runs.map((r) => r.loops))].sort((a, b) => a - b);
  const rows = counts.map((loops) => {
    const mine = runs.filter((r) => r.loops === loops).map((r) => r.run);
    const byRate = [...mine].sort((a, b) => a.answeredPerSecond - b.answeredPerSecond);
    return {
      loops,
      rounds: mine.length,
      answeredPerSecond: Math.round(median(mine.map((r) => r.answeredPerSecond))),
      cpuUsPerMessage: Math.round(median(mine.map(cpuUsPerMessage))),
      serverCpuCores: Math.round(median(mine.map((r) => r.serverCpuCores)) * 100) / 100,
      speedup: 0,
      run: byRate[Math.floor((byRate.length - 1) / 2)],
    };
  });
  const base = rows[0]?.answeredPerSecond ?? 0;
  for (const row of rows) row.speedup = base > 0 ? Math.round((row.answeredPerSecond / base) * 100) / 100 : 0;
  return rows;
}

export async function runWorkers(opts: WorkersOptions): Promise<WorkersResult> {
  const runs: WorkersResult["runs"] = [];
  for (let round = 0; round < opts.throughput.rounds; round++) {
    for (const loops of opts.loops) {
      const { run } = await runThroughputOnSystem(
        "chargewire",
        opts.throughput,
        () => startSystem("full", { env: { CSMS_WORKERS: String(loops) }, v8Flags: opts.throughput.v8Flags }),
      );
      runs.push({ loops, run });
    }
  }
  return { rows: summarizeWorkers(runs), runs };
}

export function workersTable(result: WorkersResult): string {
  return table(
    [
      "CSMS_WORKERS",
      "rounds",
      "answered msg/s",
      "× 1 loop",
      "µs CPU/msg",
      "server CPU",
      "RTT p50 ms",
      "p99 ms",
      "driver CPU",
      "others CPU",
    ],
    result.rows.map((r) => [
      r.loops,
      r.rounds,
      r.answeredPerSecond,
      r.speedup,
      r.cpuUsPerMessage,
      r.serverCpuCores,
      r.run.rtt.p50,
      r.run.rtt.p99,
      r.run.driverCpuCores,
      r.run.otherCpuCores,
    ]),
  ) + "\n(medians of the rounds; RTT, driver and others' CPU from each count's median round; CPU in cores)";
}
