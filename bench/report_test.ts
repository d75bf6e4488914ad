import assert from "node:assert/strict";
import { comparisonTable, heapTable, judgeTargets, memoryTable, scaleTables, table } from "./report.ts";
import type { ScaleResult } from "./scale.ts";
import { medians, ratios } from "./compare.ts";
import type { ConnectionsResult } from "./connections.ts";
import type { ThroughputResult, ThroughputRun } from "./throughput.ts";

const summary = { count: 1, p50: 1, p90: 1, p99: 1, max: 1, mean: 1 };
const connections = (held: number, perConnectionKiB: number): ConnectionsResult => ({
  server: "chargewire",
  requested: 10_000,
  booted: held,
  held,
  failed: 10_000 - held,
  drivers: 2,
  connectMs: 1000,
  connectsPerSecond: held,
  setup: summary,
  rssIdleKiB: 1,
  rssStepsKiB: [],
  rssHeldKiB: 1,
  rssPeakKiB: 1,
  perConnectionKiB,
  marginalKiB: perConnectionKiB,
  errors: {},
});

Deno.test("judgeTargets: held chargers and memory per connection against the issue's targets", () => {
  const met = judgeTargets({ connections: { chargewire: connections(10_000, 15.9) } });
  assert.deepEqual(met.map((t) => t.status), ["met", "met"]);
  const missed = judgeTargets({ connections: { chargewire: connections(9_999, 16.1) } });
  assert.deepEqual(missed.map((t) => t.status), ["missed", "missed"]);
  const small = judgeTargets({ connections: { chargewire: { ...connections(1000, 10), requested: 1000 } } });
  assert.equal(small[0].status, "not judged");
  const quick = judgeTargets({ connections: { chargewire: connections(10_000, 10) } }, true);
  assert.deepEqual(quick.map((t) => t.status), ["not judged", "not judged"]);
});

Deno.test("table aligns columns and right-aligns numbers", () => {
  const t = table(["name", "n"], [["a", 5], ["bbb", 1234]]);
  assert.equal(t, "name      n\n----  -----\na         5\nbbb   1,234");
});

Deno.test("judgeTargets: issue 15's comparisons with the ocpp-rpc peer and bare Deno, from the medians", () => {
  const run = (server: ThroughputRun["server"], answeredPerSecond: number, serverCpuCores: number) => ({
    server,
    chargers: 10,
    sent: answeredPerSecond,
    answered: answeredPerSecond,
    answeredPerSecond,
    callErrors: 0,
    timeouts: 0,
    closed: 0,
    rtt: summary,
    serverCpuCores,
    driverCpuCores: 0,
    otherCpuCores: 0,
    serverRssKiB: 0,
    errors: {},
  });
  const throughput = (cw: ThroughputRun): ThroughputResult => {
    const runs = [run("bare", 10_000, 1), run("peer", 4000, 1), cw, run("node", 12_000, 1)];
    const servers = medians(runs);
    const r = ratios(servers);
    return { runs, servers, bare: runs[0], chargewire: cw, ratio: r.rateVsBare!, ratios: r, skipped: {} };
  };
  const status = (t: ThroughputResult) => judgeTargets({ throughput: t }).map((x) => [x.target, x.status]);
  // 5000 msg/s at 0.5 core = 100 µs/msg; the peer 250 µs/msg: rate 1.25×, CPU 0.4×.
  assert.deepEqual(status(throughput(run("chargewire", 5000, 0.5))), [
    ["throughput, chargewire / bare Deno (medians)", "met"],
    ["throughput, chargewire / ocpp-rpc peer (medians)", "met"],
    ["CPU per answered message, chargewire / ocpp-rpc peer", "met"],
  ]);
  // 3000 msg/s at 0.75 core = 250 µs/msg: 0.75× the peer's rate, 1× its CPU.
  assert.deepEqual(status(throughput(run("chargewire", 3000, 0.75))).map((x) => x[1]), [
    "missed",
    "missed",
    "missed",
  ]);

  const mem = judgeTargets({
    connections: {
      chargewire: connections(10_000, 21.5),
      bare: { ...connections(10_000, 20.6), server: "bare" },
    },
  });
  assert.deepEqual(mem.map((x) => x.status), ["met", "missed", "met"]);
  assert.match(mem[2].measured, /^0\.9 KiB/);
  const over = judgeTargets({
    connections: {
      chargewire: connections(10_000, 21.7),
      bare: { ...connections(10_000, 20.6), server: "bare" },
    },
  });
  assert.equal(over[2].status, "missed");
});

Deno.test("comparisonTable and memoryTable: one row per server with chargewire's ratio to each", () => {
  const runs: ThroughputRun[] = [
    { ...baseRun, server: "bare", answeredPerSecond: 10_000, serverCpuCores: 1 },
    { ...baseRun, server: "peer", answeredPerSecond: 4000, serverCpuCores: 1 },
    {
      ...baseRun,
      server: "chargewire",
      answeredPerSecond: 2000,
      serverCpuCores: 1,
      serverThreads: [{ thread: "main thread", cores: 0.8 }, { thread: "sqlite", cores: 0.2 }],
    },
  ];
  const servers = medians(runs);
  const text = comparisonTable({
    runs,
    servers,
    bare: runs[0],
    chargewire: runs[2],
    ratio: 0.2,
    ratios: ratios(servers),
    skipped: { node: "node (not on PATH; set NODE)" },
  });
  assert.match(text, /^chargewire\s+1\s+2,000\s+-\s+500\s+-/m);
  assert.match(text, /^ocpp-rpc peer \(Node\)\s+1\s+4,000\s+0\.5×\s+250\s+2×/m);
  assert.match(text, /^bare Deno\s+1\s+10,000\s+0\.2×\s+100\s+5×/m);
  assert.match(text, /\(node not run: node \(not on PATH; set NODE\)\)/);
  assert.match(text, /^ {2}chargewire: main thread 0\.8, sqlite 0\.2$/m);

  const mem = memoryTable({
    chargewire: connections(1000, 25),
    bare: { ...connections(1000, 20), server: "bare" },
    peer: { ...connections(1000, 18), server: "peer" },
  });
  assert.match(mem, /^chargewire\s+1,000\s+25\s+25\s+5$/m);
  assert.match(mem, /^ocpp-rpc peer \(Node\)\s+1,000\s+18\s+18\s+-2$/m);
});

const baseRun: ThroughputRun = {
  server: "chargewire",
  chargers: 10,
  sent: 1,
  answered: 1,
  answeredPerSecond: 1,
  callErrors: 0,
  timeouts: 0,
  closed: 0,
  rtt: summary,
  serverCpuCores: 1,
  driverCpuCores: 0,
  otherCpuCores: 0,
  serverRssKiB: 0,
  errors: {},
};

Deno.test("heapTable: the kinds each connection added, with their total", () => {
  const text = heapTable("chargewire: JS heap per connection", {
    ...connections(1000, 25),
    heapPerConnection: [
      { name: "WebSocket", perConnection: 1, bytesPerConnection: 120 },
      { name: "onmessage()", perConnection: 2, bytesPerConnection: 64 },
    ],
  });
  assert.match(
    text,
    /^chargewire: JS heap per connection \(1000 held; top 2 kinds, 184 B of them per connection\)/,
  );
  assert.match(text, /^WebSocket\s+1\s+120$/m);
  assert.match(text, /^onmessage\(\)\s+2\s+64$/m);
});

Deno.test("scaleTables: the fleet, each node and the machine's parts, and a stall said plainly", () => {
  const node = (n: number, idle: number, held: number) => ({
    node: n,
    connected: 25_000,
    rssIdleKiB: idle,
    rssHeldKiB: held,
    kibPerCharger: Math.round(((held - idle) / 25_000) * 10) / 10,
    cpuCores: 0.4,
  });
  const r: ScaleResult = {
    requested: 50_000,
    nodes: 2,
    simProcesses: 2,
    plannedProcesses: 6,
    autoChargers: 12_500,
    booted: 49_000,
    failed: 1_000,
    stalled: true,
    ramp: [
      {
        simulators: 1,
        requested: 8_334,
        held: 8_334,
        seconds: 60,
        stalled: false,
        nodesRssKiB: 1,
        loadAverage: "1",
      },
      {
        simulators: 2,
        requested: 16_667,
        held: 15_000,
        seconds: 200,
        stalled: true,
        nodesRssKiB: 1,
        loadAverage: "9",
      },
    ],
    bootS: 400,
    bootsPerSecond: 123,
    holdS: 180.2,
    heldAtEnd: { simulatorsOnline: 49_000, presenceKeys: 49_000, nodesConnected: 50_000 },
    charging: 9_800,
    chargingPct: 20,
    perNode: [node(1, 90_000, 1_590_000), node(2, 90_000, 1_490_000)],
    server: { rssHeldKiB: 3_080_000, kibPerCharger: 58, cpuCores: 0.8, cpuUsPerFrameIn: 800 },
    simulators: { rssKiB: 2_000_000, kibPerCharger: 40.8, cpuCores: 0.3 },
    cpu: { nodes: 0.8, postgres: 0.2, redis: 0.1, simulators: 0.3, bench: 0.05, others: 0.5, machine: 1.95 },
    loadAverage: { start: "9.1 8.0 6.0", end: "9.5 8.2 6.1" },
    churn: { connectedPerS: 0.1, disconnectedPerS: 0.2, connected: 18, disconnected: 36 },
    messages: {
      framesInPerS: 1_000,
      framesOutPerS: 1_000,
      inByActionPerS: { Heartbeat: 817, MeterValues: 163 },
      busEventsPerS: 3_000,
      busByTypePerS: { "ocpp.frame": 2_000 },
    },
    db: {
      seconds: 180,
      rowsInsertedPerSecond: 170,
      rowsUpdatedPerSecond: 1_200,
      commitsPerSecond: 300,
      walSyncsPerSecond: 100,
      walMiBPerSecond: 0.5,
      rowsPerCommit: 0.6,
      commitLatency: summary,
      commitLatencyMethod: "probe",
    },
  };
  const text = scaleTables(r);
  assert.match(text, /^booting stalled\s+yes/m);
  assert.match(text, /^simulator processes started of planned .*\s2 of 6 \(12,500\)$/m);
  assert.match(text, /^2 \(stalled\)\s+16,667\s+15,000\s+200/m);
  assert.match(text, /^failed to boot\s+1,000$/m);
  assert.match(text, /^node 1\s+25,000\s+87\.9\s+1,552\.7\s+60\s+0\.4$/m);
  assert.match(text, /^all nodes\s+50,000\s+175\.8\s+3,007\.8\s+58\s+0\.8$/m);
  assert.match(text, /Heartbeat 817, MeterValues 163/);
  assert.match(text, /49,000 \/ 49,000 \/ 50,000$/m);
  assert.match(text, /^rows inserted\/s .*\s170$/m);
  assert.match(text, /^others on the machine\s+0\.5$/m);
});
