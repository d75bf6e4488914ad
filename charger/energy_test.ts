import assert from "node:assert/strict";
import { initialConnector, startTransaction } from "./connector.ts";
import { Energy, firstSampleAt, newCar, nextSampleAt } from "./energy.ts";
import { DEFAULTS } from "./options.ts";
import { SimClock } from "./sim_clock.ts";

Deno.test("energy: a car from the caller, else the charge point's options, else the defaults", () => {
  assert.deepEqual(newCar({ socPct: 50 }, { targetSoc: 80, batteryKwh: 40 }), {
    socPct: 50,
    targetPct: 80,
    capacityWh: 40_000,
  });
  assert.deepEqual(newCar(undefined, {}), {
    socPct: DEFAULTS.soc,
    targetPct: DEFAULTS.targetSoc,
    capacityWh: DEFAULTS.batteryKwh * 1000,
  });
});

Deno.test("energy: periodic samples one interval apart, none with interval 0, never in the past", () => {
  assert.equal(firstSampleAt(1_000, 10_000), 11_000);
  assert.equal(firstSampleAt(1_000, 0), Infinity);
  assert.equal(nextSampleAt(11_000, 10_000, 11_200, 500), 21_000);
  // The clock stalled for a minute: the next sample counts from now, not from the missed one.
  assert.equal(nextSampleAt(11_000, 10_000, 71_000, 500), 71_500);
});

Deno.test("energy: a sample is due within the slack and schedules the next", () => {
  const e = new Energy(1, 11_000);
  e.started(0, 0, 10);
  assert.equal(e.sampleDue(0, 9_000, 500, 10), false);
  assert.equal(e.sampleDue(0, 9_600, 500, 10), true);
  assert.equal(e.sampleDue(0, 10_000, 500, 10), false);
  assert.equal(e.sampleDue(0, 19_600, 500, 10), true);
  e.ended(0, false);
  assert.equal(e.sampleDue(0, 1e12, 500, 10), false);
});

Deno.test("energy: clock-aligned samples at each boundary crossed, not on the first look", () => {
  const e = new Energy(1, 11_000);
  assert.equal(e.alignedDue(5_000, 0), false);
  assert.equal(e.alignedDue(5_000, 60), false);
  assert.equal(e.alignedDue(59_999, 60), false);
  assert.equal(e.alignedDue(60_000, 60), true);
  assert.equal(e.alignedDue(61_000, 60), false);
  assert.equal(e.alignedDue(125_000, 60), true);
});

Deno.test("energy: charging fills the register; no car draws nothing; the main meter sums the connectors", () => {
  const e = new Energy(2, 11_000);
  assert.equal(e.charge(0, false, 1_000), undefined);
  assert.equal(e.powerW(0), 0);
  e.setCar(1, newCar({ socPct: 20, targetSocPct: 100, batteryKwh: 60 }, {}));
  e.started(1, 0, 10);
  assert.equal(e.charge(1, false, 3_600_000), false);
  assert.ok(e.energyWh(1) > 10_000, `energy ${e.energyWh(1)}`);
  assert.ok(e.car(1)!.socPct > 20);
  const charging = { ...initialConnector(2), phase: "charging" as const };
  assert.equal(e.reading(1, charging).offeredW, 11_000);
  assert.equal(e.reading(1, { ...charging, evseSuspended: true }).offeredW, 0);
  const main = e.mainReading();
  assert.equal(main.energyWh, e.energyWh(1));
  assert.equal(main.powerW, e.powerW(1));
  assert.equal(main.offeredW, 22_000);
  e.reboot();
  assert.equal(e.car(1), undefined);
  assert.equal(e.powerW(1), 0);
  assert.equal(e.mainReading().energyWh, main.energyWh);
});

Deno.test("energy: the car is offered the limit, draws no more, and the meter reports the offer", () => {
  const e = new Energy(2, 11_000);
  e.setCar(0, newCar({ socPct: 20, batteryKwh: 60 }, {}));
  e.started(0, 0, 0);
  e.charge(0, false, 1_000);
  assert.equal(Math.round(e.powerW(0)), 11_000);
  e.setOffered(0, 3_700, true);
  assert.equal(e.powerW(0), 3_700, "a drawing car follows the new offer at once");
  e.charge(0, false, 2_000);
  assert.ok(Math.abs(e.powerW(0) - 3_700) < 1e-6);
  e.setOffered(0, 50_000, true);
  assert.equal(e.offeredW(0), 11_000, "never more than the connector can give");
  e.setOffered(0, 0, false);
  assert.equal(Math.round(e.powerW(0)), 11_000, "a suspended car's power is left to the next step");
  e.charge(0, false, 3_000);
  assert.equal(e.powerW(0), 0);
  const t = startTransaction(initialConnector(1), { localId: 1, idTag: "T", meterStartWh: 0, startedAt: "" });
  assert.ok(t.ok);
  e.setOffered(0, 3_700, true);
  assert.equal(e.reading(0, t.state).offeredW, 3_700);
  assert.equal(e.reading(0, initialConnector(1)).offeredW, 0, "nothing is offered without a transaction");
  assert.equal(e.mainReading().offeredW, 3_700 + 11_000);
});

Deno.test("energy: at speed N the battery charges N times as much and samples come N times as often", () => {
  const hour = 3_600_000;
  const real = new Energy(1, 11_000);
  const fast = new Energy(1, 11_000, new SimClock(60));
  for (const e of [real, fast]) {
    e.setCar(0, newCar({ socPct: 20, targetSocPct: 100, batteryKwh: 600 }, {}));
    e.started(0, 0, 60);
    e.charge(0, false, hour / 60);
  }
  // One wall-clock minute: a minute of charging in real time, an hour at speed 60.
  assert.ok(Math.abs(real.energyWh(0) - 11_000 / 60) < 1e-6, `real ${real.energyWh(0)}`);
  assert.ok(Math.abs(fast.energyWh(0) - 11_000) < 1e-6, `fast ${fast.energyWh(0)}`);
  for (const e of [real, fast]) {
    assert.ok(
      Math.abs(e.powerW(0) - 11_000) < 1e-6,
      `power is power, the speed changes time: ${e.powerW(0)}`,
    );
  }
  // A 60 s interval is one wall-clock second at speed 60.
  assert.equal(fast.sampleDue(0, 500, 0, 60), false);
  assert.equal(fast.sampleDue(0, 1_000, 0, 60), true);
  assert.equal(fast.sampleDue(0, 2_000, 0, 60), true);
  assert.equal(real.sampleDue(0, 2_000, 0, 60), false);
  fast.rescheduleSamples(0, true, 120, 10_000);
  assert.equal(fast.sampleDue(0, 11_500, 0, 120), false);
  assert.equal(fast.sampleDue(0, 12_000, 0, 120), true);
});

Deno.test("energy: clock-aligned intervals are the simulated clock's", () => {
  const e = new Energy(1, 11_000, new SimClock(60, 0));
  assert.equal(e.alignedDue(0, 900), false);
  // 900 simulated seconds are 15 wall-clock seconds.
  assert.equal(e.alignedDue(14_999, 900), false);
  assert.equal(e.alignedDue(15_000, 900), true);
  assert.equal(e.alignedDue(29_000, 900), false);
  assert.equal(e.alignedDue(30_000, 900), true);
});
