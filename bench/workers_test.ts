import assert from "node:assert/strict";
import type { ThroughputRun } from "./throughput.ts";
import { summarizeWorkers } from "./workers.ts";

const run = (answeredPerSecond: number, serverCpuCores: number) =>
  ({ answeredPerSecond, serverCpuCores, rtt: { p50: 1, p99: 2 } }) as unknown as ThroughputRun;

Deno.test("workers: medians per loop count, each against one loop's rate", () => {
  const rows = summarizeWorkers([
    { loops: 1, run: run(1000, 1) },
    { loops: 2, run: run(1500, 1.8) },
    { loops: 1, run: run(1200, 1) },
    { loops: 2, run: run(1900, 1.9) },
    { loops: 1, run: run(800, 1) },
    { loops: 2, run: run(1700, 1.9) },
  ]);
  assert.deepEqual(rows.map((r) => [r.loops, r.rounds, r.answeredPerSecond, r.speedup]), [
    [1, 3, 1000, 1],
    [2, 3, 1700, 1.7],
  ]);
  // CPU per message from each round, then the median: 1 core / 1000 msg/s = 1000 µs.
  assert.equal(rows[0].cpuUsPerMessage, 1000);
  assert.equal(rows[1].serverCpuCores, 1.9);
  assert.equal(rows[1].run.answeredPerSecond, 1700, "the median round by rate");
});

Deno.test("workers: no runs, no rows", () => {
  assert.deepEqual(summarizeWorkers([]), []);
});
