import assert from "node:assert/strict";
import { batterySampleCount, chartData } from "./battery_series.ts";
import type { MeterPoint } from "./protocol.ts";

const T = Date.parse("2026-03-01T10:00:00Z");
const at = (s: number) => new Date(T + s * 1000).toISOString();
const point = (s: number, powerW: number, socPercent = 50): MeterPoint => ({
  timestamp: at(s),
  evseId: 1,
  powerW,
  socPercent,
});

Deno.test("battery series: samples with the limit in force at each, and the limit's steps as points", () => {
  const data = chartData(
    [point(0, 11000), point(10, 11000), point(20, 3600), { timestamp: at(25), evseId: 1, energyWh: 5 }],
    [{ at: T - 5000, w: null }, { at: T + 12_000, w: 3700 }, { at: T + 30_000, w: null }],
  );
  assert.deepEqual(data, [
    [0, 10, 12, 20, 30].map((s) => T / 1000 + s),
    [50, 50, null, 50, null],
    [11, 11, null, 3.6, null],
    [null, null, 3.7, 3.7, null],
  ]);
  assert.equal(batterySampleCount(data), 3);
});

Deno.test("battery series: no limit history, or no samples", () => {
  assert.deepEqual(chartData([point(0, 7400)]), [[T / 1000], [50], [7.4], [null]]);
  assert.deepEqual(chartData([], [{ at: T, w: 3700 }]), [[], [], [], []]);
  // A limit known from before the first sample holds for it.
  assert.deepEqual(chartData([point(5, 3000)], [{ at: T + 9000, w: 3700 }])[3], [3.7, 3.7]);
});
