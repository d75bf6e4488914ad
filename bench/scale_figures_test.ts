import assert from "node:assert/strict";
import { formatSummary } from "../charger/output.ts";
import { summarize } from "../charger/fleet.ts";
import { frameMeter, renderMetrics, trackChargers } from "../shared/metrics.ts";
import {
  actionRates,
  busEventType,
  heldOf,
  kibPerCharger,
  parseFleetLine,
  parseNodeMetrics,
  planScale,
  rampOrder,
  rate,
} from "./scale_figures.ts";

Deno.test("planScale: every charger once, nodes even, the auto share per node, no process over the cap", () => {
  const plan = planScale(50_000, 5, 25, 12_000);
  assert.equal(plan.reduce((n, s) => n + s.count, 0), 50_000);
  for (let node = 0; node < 5; node++) {
    const mine = plan.filter((s) => s.node === node);
    assert.equal(mine.reduce((n, s) => n + s.count, 0), 10_000);
    assert.equal(mine.filter((s) => s.auto).reduce((n, s) => n + s.count, 0), 2_500);
  }
  assert.ok(plan.every((s) => s.count <= 12_000 && s.count > 0));

  const big = planScale(50_000, 2, 0, 12_000);
  assert.equal(big.length, 6, "25,000 idle chargers a node need three processes each");
  assert.ok(big.every((s) => !s.auto && s.count <= 12_000));
  assert.deepEqual(big.map((s) => s.count), [8334, 8333, 8333, 8334, 8333, 8333]);

  const odd = planScale(7, 3, 50, 12_000);
  assert.deepEqual(odd.map((s) => s.count).reduce((a, b) => a + b), 7);
  assert.deepEqual(odd.filter((s) => s.node === 0).map((s) => [s.count, s.auto]), [[2, true], [1, false]]);
});

Deno.test("parseFleetLine reads the simulator's own summary line", () => {
  const s = summarize([]);
  const line = formatSummary(
    {
      ...s,
      chargers: 12_000,
      online: 11_990,
      accepted: 11_950,
      byStatus: { Available: 9_000, Charging: 2_950 },
      transactions: 2_950,
      framesOut: 123_456,
      framesIn: 123_400,
    },
    Date.UTC(2026, 11, 2, 6, 30),
  );
  assert.deepEqual(parseFleetLine(line), {
    chargers: 12_000,
    online: 11_990,
    accepted: 11_950,
    transactions: 2_950,
    framesOut: 123_456,
    framesIn: 123_400,
  });
  assert.equal(parseFleetLine("06:30:00 CP-001 warning: something"), undefined);
  assert.equal(parseFleetLine(""), undefined);
});

Deno.test("parseNodeMetrics sums the CSMS's frame counters and connected gauge from its /metrics text", async () => {
  const before = parseNodeMetrics((await renderMetrics()).body);
  const meter = frameMeter("ocpp1.6");
  meter.frame("in", "Heartbeat");
  meter.frame("in", "Heartbeat");
  meter.frame("in", "MeterValues");
  meter.frame("out", undefined);
  const untrack = trackChargers(() => [{ protocol: "ocpp1.6" }, { protocol: "ocpp2.0.1" }]);
  try {
    const after = parseNodeMetrics((await renderMetrics()).body);
    assert.equal(after.framesIn - before.framesIn, 3);
    assert.equal(after.framesOut - before.framesOut, 1);
    assert.equal((after.inByAction.Heartbeat ?? 0) - (before.inByAction.Heartbeat ?? 0), 2);
    assert.equal(after.connected - before.connected, 2);
  } finally {
    untrack();
  }
});

Deno.test("busEventType reads the type first, and parses other shapes", () => {
  assert.equal(
    busEventType(JSON.stringify({ type: "charger.connected", chargerId: "A" })),
    "charger.connected",
  );
  assert.equal(
    busEventType(JSON.stringify({ chargerId: "A", type: "charger.disconnected" })),
    "charger.disconnected",
  );
  assert.equal(busEventType("not json"), undefined);
});

Deno.test("rates, KiB per charger and per-action rates", () => {
  assert.equal(rate(100, 400, 60), 5);
  assert.equal(rate(100, 50, 60), 0, "a counter that went back (a restart) counts nothing");
  assert.equal(rate(0, 10, 0), 0);
  assert.equal(kibPerCharger(100_000 + 22_000, 100_000, 1000), 22);
  assert.equal(kibPerCharger(1, 1, 0), undefined);
  assert.deepEqual(actionRates({ Heartbeat: 60 }, { Heartbeat: 660, MeterValues: 120, Authorize: 0 }, 60), {
    Heartbeat: 10,
    MeterValues: 2,
  });
  assert.deepEqual(Object.keys(actionRates({}, { A: 1, B: 3 }, 1)), ["B", "A"]);
});

Deno.test("rampOrder keeps the planned --auto share as it goes, nodes in turn; heldOf counts held", () => {
  const plan = planScale(50_000, 5, 25, 12_000);
  const order = rampOrder(plan);
  assert.equal(order.length, plan.length);
  assert.deepEqual(new Set(order), new Set(plan));
  // Idle 7,500 first (0 % is nearer 25 % than 100 %), then 2,500 auto: 25 % at 10,000, and so on.
  assert.deepEqual(order.map((s) => [s.node, s.auto]).slice(0, 4), [[0, false], [0, true], [1, false], [
    1,
    true,
  ]]);
  let started = 0, auto = 0;
  for (const [i, s] of order.entries()) {
    started += s.count;
    if (s.auto) auto += s.count;
    if (i % 2 === 1) assert.equal(auto / started, 0.25, `after ${i + 1} processes`);
  }
  const byNode = rampOrder(planScale(30_000, 3, 0, 12_000));
  assert.deepEqual(byNode.slice(0, 3).map((s) => s.node), [0, 1, 2], "one kind: round-robin over the nodes");
  const line = { chargers: 10, online: 7, accepted: 9, transactions: 0, framesOut: 0, framesIn: 0 };
  assert.equal(heldOf(line), 7);
  assert.equal(heldOf({ ...line, online: 10, accepted: 4 }), 4);
  assert.equal(heldOf(undefined), 0);
});
