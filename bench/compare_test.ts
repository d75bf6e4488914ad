import assert from "node:assert/strict";
import { cpuUsPerMessage, median, medians, memoryRows, ratios } from "./compare.ts";
import type { ConnectionsResult } from "./connections.ts";
import type { ThroughputRun } from "./throughput.ts";

const rtt = { count: 1, p50: 1, p90: 1, p99: 1, max: 1, mean: 1 };
const run = (
  server: ThroughputRun["server"],
  answeredPerSecond: number,
  serverCpuCores: number,
): ThroughputRun => ({
  server,
  chargers: 10,
  sent: answeredPerSecond,
  answered: answeredPerSecond,
  answeredPerSecond,
  callErrors: 0,
  timeouts: 0,
  closed: 0,
  rtt,
  serverCpuCores,
  driverCpuCores: 0,
  otherCpuCores: 0,
  serverRssKiB: 0,
  errors: {},
});

Deno.test("median: middle value, mean of the middle two, 0 for none; the input is left alone", () => {
  const xs = [5, 1, 3];
  assert.equal(median(xs), 3);
  assert.deepEqual(xs, [5, 1, 3]);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([]), 0);
});

Deno.test("cpuUsPerMessage: cores over answered rate in microseconds; 0 when nothing was answered", () => {
  assert.equal(cpuUsPerMessage({ serverCpuCores: 0.5, answeredPerSecond: 10_000 }), 50);
  assert.equal(cpuUsPerMessage({ serverCpuCores: 0.5, answeredPerSecond: 0 }), 0);
});

Deno.test("medians: per server over its rounds, each figure on its own; the median-rate round is kept", () => {
  const runs = [
    run("bare", 10_000, 1), // 100 µs
    run("peer", 4000, 0.8), // 200 µs
    run("chargewire", 3000, 0.9), // 300 µs
    run("bare", 30_000, 1.2), // 40 µs
    run("peer", 6000, 0.6), // 100 µs
    run("chargewire", 1000, 0.5), // 500 µs: a disturbed round
    run("bare", 20_000, 1), // 50 µs
    run("peer", 5000, 1), // 200 µs
    run("chargewire", 2000, 0.8), // 400 µs
  ];
  const m = medians(runs);
  assert.deepEqual(Object.keys(m).sort(), ["bare", "chargewire", "peer"]);
  assert.equal(m.bare!.answeredPerSecond, 20_000);
  assert.equal(m.bare!.cpuUsPerMessage, 50);
  assert.equal(m.bare!.rounds, 3);
  assert.equal(m.chargewire!.answeredPerSecond, 2000);
  assert.equal(m.chargewire!.cpuUsPerMessage, 400);
  assert.equal(m.chargewire!.run, runs[8]);
  assert.equal(m.peer!.run, runs[7]);
  assert.equal(m.node, undefined);

  const r = ratios(m);
  assert.equal(r.rateVsBare, 0.1);
  assert.equal(r.rateVsPeer, 0.4);
  assert.equal(r.cpuVsPeer, 2);
  assert.equal(r.cpuVsBare, 8);
  assert.equal(r.rateVsNode, undefined, "no node rounds: no ratio");
});

Deno.test("ratios: nothing against a reference that answered nothing, or without chargewire", () => {
  assert.deepEqual(ratios(medians([run("chargewire", 100, 0.1), run("peer", 0, 0.1)])), {});
  assert.deepEqual(ratios(medians([run("peer", 100, 0.1)])), {});
});

const held = (
  server: ConnectionsResult["server"],
  n: number,
  perConnectionKiB: number,
): ConnectionsResult => ({
  server,
  requested: n,
  booted: n,
  held: n,
  failed: 0,
  drivers: 2,
  connectMs: 1000,
  connectsPerSecond: n,
  setup: rtt,
  rssIdleKiB: 1,
  rssStepsKiB: [],
  rssHeldKiB: 1,
  rssPeakKiB: 1,
  perConnectionKiB,
  marginalKiB: perConnectionKiB,
  errors: {},
});

Deno.test("memoryRows: per idle charger, and above bare Deno's when bare held any", () => {
  const rows = memoryRows({
    bare: held("bare", 100, 20.2),
    chargewire: held("chargewire", 100, 25),
    node: held("node", 100, 6),
  });
  assert.deepEqual(rows.map((r) => [r.server, r.aboveBareKiB]), [["chargewire", 4.8], ["bare", 0], [
    "node",
    -14.2,
  ]]);
  assert.equal(memoryRows({ chargewire: held("chargewire", 100, 25) })[0].aboveBareKiB, undefined);
  assert.equal(
    memoryRows({ chargewire: held("chargewire", 100, 25), bare: held("bare", 0, 0) })[0].aboveBareKiB,
    undefined,
  );
});
