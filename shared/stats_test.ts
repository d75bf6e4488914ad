import assert from "node:assert/strict";
import {
  energyTotals,
  fillDays,
  fillHours,
  hourBounds,
  lastDays,
  MAX_SESSION_DAYS,
  parseStatsRange,
  rangeDays,
  rangeHours,
  sessionTotals,
} from "./stats.ts";

Deno.test("stats range: whole days, from not after to, within the bound", () => {
  assert.deepEqual(parseStatsRange("2026-01-30", "2026-02-02", 31), {
    ok: true,
    range: { from: "2026-01-30", to: "2026-02-02" },
  });
  assert.deepEqual(parseStatsRange("2026-03-01", "2026-03-01", 1), {
    ok: true,
    range: { from: "2026-03-01", to: "2026-03-01" },
  });
  const refused = (from?: string, to?: string, max = 31) => {
    const r = parseStatsRange(from, to, max);
    assert.equal(r.ok, false);
    return r.ok ? "" : r.message;
  };
  assert.match(refused(undefined, "2026-01-01"), /from and to are required/);
  assert.match(refused("2026-1-1", "2026-01-02"), /from: "2026-1-1" is not a date/);
  assert.match(refused("2026-01-01", "2026-02-30"), /to: "2026-02-30" is not a date/);
  assert.match(refused("2026-01-01T00:00", "2026-01-02"), /not a date/);
  assert.match(refused("2026-01-05", "2026-01-04"), /from \(2026-01-05\) is after to \(2026-01-04\)/);
  assert.match(refused("2026-01-01", "2026-02-01", MAX_SESSION_DAYS), /spans 32 days; at most 31/);
});

Deno.test("stats range: its days and hours, across a month's and a leap year's end", () => {
  assert.deepEqual(rangeDays({ from: "2028-02-28", to: "2028-03-01" }), [
    "2028-02-28",
    "2028-02-29",
    "2028-03-01",
  ]);
  const hours = rangeHours({ from: "2026-12-31", to: "2027-01-01" });
  assert.equal(hours.length, 48);
  assert.equal(hours[0], "2026-12-31T00");
  assert.equal(hours[24], "2027-01-01T00");
  assert.equal(hours[47], "2027-01-01T23");
  assert.deepEqual(hourBounds({ from: "2026-12-31", to: "2027-01-01" }), {
    first: "2026-12-31T00",
    last: "2027-01-01T23",
  });
});

Deno.test("stats: the engine's sparse rows filled with zeros, and their totals", () => {
  const range = { from: "2026-01-01", to: "2026-01-03" };
  const days = fillDays(range, [{ day: "2026-01-02", energyWh: 1500, transactions: 2 }]);
  assert.deepEqual(days, [
    { day: "2026-01-01", energyWh: 0, transactions: 0 },
    { day: "2026-01-02", energyWh: 1500, transactions: 2 },
    { day: "2026-01-03", energyWh: 0, transactions: 0 },
  ]);
  assert.deepEqual(energyTotals(days), { energyWh: 1500, transactions: 2 });
  const hours = fillHours({ from: "2026-01-01", to: "2026-01-01" }, [
    { hour: "2026-01-01T08", sessions: 3 },
    { hour: "2026-01-01T17", sessions: 3 },
    { hour: "2026-01-01T09", sessions: 1 },
  ]);
  assert.equal(hours.length, 24);
  assert.deepEqual(hours[8], { hour: "2026-01-01T08", sessions: 3 });
  assert.deepEqual(hours[0], { hour: "2026-01-01T00", sessions: 0 });
  assert.deepEqual(sessionTotals(hours), { sessions: 7, busiest: { hour: "2026-01-01T08", sessions: 3 } });
  assert.deepEqual(sessionTotals(fillHours({ from: "2026-01-01", to: "2026-01-01" }, [])), { sessions: 0 });
});

Deno.test("stats: the last n days up to today, in UTC", () => {
  assert.deepEqual(lastDays(Date.parse("2026-03-02T23:59:00Z"), 7), { from: "2026-02-24", to: "2026-03-02" });
  assert.deepEqual(lastDays(Date.parse("2026-03-02T00:00:00Z"), 1), { from: "2026-03-02", to: "2026-03-02" });
});
