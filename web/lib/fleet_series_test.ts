import assert from "node:assert/strict";
import type { FleetRow } from "./fleet.ts";
import { FleetSeries, fleetTotals } from "./fleet_series.ts";

function clock(start: number) {
  const c = { t: start, now: () => c.t };
  return c;
}

const row = (id: string, status: FleetRow["status"], powerW: number): FleetRow => ({
  id,
  online: status !== "Offline",
  status,
  connectors: [],
  powerW,
  transactions: [],
});

Deno.test("fleet series: totals are the rows' power and their Charging count", () => {
  assert.deepEqual(
    fleetTotals([row("A", "Charging", 7400), row("B", "SuspendedEV", 0), row("C", "Charging", 11000)]),
    { powerW: 18400, charging: 2 },
  );
  assert.deepEqual(fleetTotals([]), { powerW: 0, charging: 0 });
});

Deno.test("fleet series: one point per bucket, the latest reading of a bucket standing for it", () => {
  const c = clock(1_000_000);
  const s = new FleetSeries({ bucketMs: 10_000, spanMs: 60_000, clock: c });
  s.record({ powerW: 1000, charging: 1 });
  c.t += 4_000;
  s.record({ powerW: 2000, charging: 1 });
  c.t += 6_000;
  s.record({ powerW: 3000, charging: 2 });
  assert.deepEqual(s.points(), [
    { at: 1_000_000, powerW: 2000, charging: 1 },
    { at: 1_010_000, powerW: 3000, charging: 2 },
  ]);
  assert.deepEqual(s.latest(), { at: 1_010_000, powerW: 3000, charging: 2 });
});

Deno.test("fleet series: points older than the span go, as time passes", () => {
  const c = clock(0);
  const s = new FleetSeries({ bucketMs: 10_000, spanMs: 30_000, clock: c });
  for (let i = 0; i < 6; i++) {
    s.record({ powerW: i, charging: 0 });
    c.t += 10_000;
  }
  // Now 60 s: the points at 30 s and later are within the span.
  assert.deepEqual(s.points().map((p) => p.at), [30_000, 40_000, 50_000]);
  c.t += 60_000;
  assert.deepEqual(s.points(), []);
  assert.equal(s.latest(), undefined);
});

Deno.test("fleet series: a seed from the server in its place, then the page's own points, which win a shared bucket", () => {
  const c = clock(100_000);
  const seed = [
    { at: 80_000, powerW: 600, charging: 1 },
    // Out of order, and older than the span: put in place, and dropped.
    { at: 70_000, powerW: 500, charging: 1 },
    { at: 10_000, powerW: 1, charging: 1 },
    { at: 100_000, powerW: 700, charging: 1 },
  ];
  const s = new FleetSeries({ bucketMs: 10_000, spanMs: 60_000, clock: c }, seed);
  s.record({ powerW: 900, charging: 2 });
  assert.deepEqual(s.history(), {
    bucketMs: 10_000,
    spanMs: 60_000,
    points: [
      { at: 70_000, powerW: 500, charging: 1 },
      { at: 80_000, powerW: 600, charging: 1 },
      { at: 100_000, powerW: 900, charging: 2 },
    ],
  });
});
