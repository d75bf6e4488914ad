import assert from "node:assert/strict";
import { compositeSchedule, compositeSeries } from "./composite_schedule.ts";

const START = "2026-03-01T10:00:00.000Z";
const T = Date.parse(START);

Deno.test("composite schedule: periods on the clock from scheduleStart, ending at the duration", () => {
  const c = compositeSchedule({
    status: "Accepted",
    connectorId: 1,
    scheduleStart: START,
    chargingSchedule: {
      duration: 3600,
      chargingRateUnit: "W",
      chargingSchedulePeriod: [{ startPeriod: 1800, limit: 11000 }, { startPeriod: 0, limit: 3700 }],
    },
  }, 0)!;
  assert.deepEqual(c, {
    connectorId: 1,
    unit: "W",
    steps: [{ at: T, limit: 3700 }, { at: T + 1800_000, limit: 11000 }],
    endsAt: T + 3600_000,
  });
  assert.deepEqual(compositeSeries(c), {
    xs: [T / 1000, T / 1000 + 1800, T / 1000 + 3600],
    ys: [3.7, 11, 11],
  });
});

Deno.test("composite schedule: amps stay amps; no start or duration given; nothing to draw", () => {
  const c = compositeSchedule({
    status: "Accepted",
    chargingSchedule: { chargingRateUnit: "A", chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }] },
  }, T)!;
  assert.deepEqual(c, { unit: "A", steps: [{ at: T, limit: 16 }], endsAt: T + 60_000 });
  assert.deepEqual(compositeSeries(c).ys, [16, 16]);
  assert.equal(compositeSchedule({ status: "Rejected" }, T), undefined);
  assert.equal(compositeSchedule({ status: "Accepted" }, T), undefined);
  assert.equal(compositeSchedule(undefined, T), undefined);
});
