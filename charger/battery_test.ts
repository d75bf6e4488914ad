import assert from "node:assert/strict";
import fc from "fast-check";
import { acceptedPowerW, type BatteryParams, chargeStep } from "./battery.ts";

const car: BatteryParams = { capacityWh: 60_000 };

Deno.test("battery: below the taper point the car takes the charger's full power", () => {
  const step = chargeStep(20, 100, 11_000, 1, car);
  assert.ok(Math.abs(step.powerW - 11_000) < 1e-6);
  // 11 kW for one second is 11000/3600 Wh; on 60 kWh that is 0.005093 %.
  assert.ok(Math.abs(step.energyWh - 11_000 / 3600) < 1e-9);
  assert.ok(Math.abs(step.socPct - (20 + (11_000 / 3600 / 60_000) * 100)) < 1e-9);
  assert.equal(step.full, false);
});

Deno.test("battery: never more than the charger offers, nor more than the car accepts", () => {
  assert.equal(acceptedPowerW(10, 100, 7_400, { capacityWh: 50_000, carMaxW: 11_000 }), 7_400);
  assert.equal(acceptedPowerW(10, 100, 150_000, { capacityWh: 50_000, carMaxW: 11_000 }), 11_000);
  assert.equal(acceptedPowerW(10, 100, 0, car), 0);
});

Deno.test("battery: power tapers after 80 % (CC-CV)", () => {
  const at50 = acceptedPowerW(50, 100, 11_000, car);
  const at85 = acceptedPowerW(85, 100, 11_000, car);
  const at95 = acceptedPowerW(95, 100, 11_000, car);
  assert.equal(at50, 11_000);
  assert.ok(at85 < at50, `85 %: ${at85} W should be below ${at50} W`);
  assert.ok(at95 < at85, `95 %: ${at95} W should be below ${at85} W`);
  assert.ok(at95 > 0, "the taper has a floor so the pack still fills");
});

Deno.test("battery: stops drawing at the target and lands exactly on it", () => {
  let soc = 79;
  let steps = 0;
  let last = chargeStep(soc, 90, 50_000, 1, { capacityWh: 10_000 });
  while (!last.full && steps < 100_000) {
    soc = last.socPct;
    last = chargeStep(soc, 90, 50_000, 1, { capacityWh: 10_000 });
    steps++;
  }
  assert.equal(last.full, true);
  assert.equal(last.socPct, 90);
  const after = chargeStep(90, 90, 50_000, 1, { capacityWh: 10_000 });
  assert.deepEqual(after, { socPct: 90, powerW: 0, energyWh: 0, full: true });
});

Deno.test("battery: a long step integrates the taper instead of overshooting", () => {
  // One 2-hour step from 70 % must equal 7200 one-second steps.
  const params = { capacityWh: 40_000 };
  const long = chargeStep(70, 100, 22_000, 7200, params);
  let soc = 70;
  let wh = 0;
  for (let i = 0; i < 7200; i++) {
    const s = chargeStep(soc, 100, 22_000, 1, params);
    soc = s.socPct;
    wh += s.energyWh;
  }
  assert.ok(Math.abs(long.socPct - soc) < 1e-6);
  assert.ok(Math.abs(long.energyWh - wh) < 1e-6);
});

Deno.test("battery: an empty step changes nothing", () => {
  assert.deepEqual(chargeStep(40, 100, 11_000, 0, car), { socPct: 40, powerW: 0, energyWh: 0, full: false });
});

const params = fc.record({
  capacityWh: fc.double({ min: 1_000, max: 200_000, noNaN: true }),
  carMaxW: fc.option(fc.double({ min: 1_000, max: 350_000, noNaN: true }), { nil: undefined }),
});

Deno.test("battery property: energy never negative, SoC never falls nor passes the target, power within limits", () => {
  fc.assert(
    fc.property(
      params,
      fc.double({ min: 0, max: 100, noNaN: true }),
      fc.double({ min: 0, max: 100, noNaN: true }),
      fc.double({ min: 0, max: 350_000, noNaN: true }),
      fc.array(fc.double({ min: 0, max: 600, noNaN: true }), { minLength: 1, maxLength: 30 }),
      (p, soc0, target, offeredW, dts) => {
        let soc = soc0;
        for (const dt of dts) {
          const s = chargeStep(soc, target, offeredW, dt, p);
          assert.ok(s.energyWh >= 0);
          assert.ok(s.socPct >= soc, "SoC never falls");
          assert.ok(s.socPct <= Math.max(target, soc0) + 1e-9, "never past the target");
          assert.ok(s.powerW <= Math.min(offeredW, p.carMaxW ?? Infinity) + 1e-6, "never above the limit");
          // Energy is conserved: what was delivered is what the pack gained.
          assert.ok(Math.abs(((s.socPct - soc) / 100) * p.capacityWh - s.energyWh) < 1e-6);
          soc = s.socPct;
        }
      },
    ),
  );
});

Deno.test("battery property: accepted power never rises with SoC (taper is monotonic)", () => {
  fc.assert(
    fc.property(
      params,
      fc.double({ min: 0, max: 100, noNaN: true }),
      fc.double({ min: 0, max: 100, noNaN: true }),
      fc.double({ min: 1, max: 350_000, noNaN: true }),
      (p, a, b, offeredW) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        assert.ok(acceptedPowerW(hi, 100, offeredW, p) <= acceptedPowerW(lo, 100, offeredW, p));
      },
    ),
  );
});

Deno.test("battery property: charging always reaches the target when power is offered", () => {
  fc.assert(
    fc.property(
      fc.double({ min: 1_000, max: 100_000, noNaN: true }),
      fc.integer({ min: 0, max: 99 }),
      fc.integer({ min: 1, max: 100 }),
      (capacityWh, soc0, target) => {
        let soc = soc0;
        let full = soc >= target;
        // 50 kW on at most 100 kWh, with the 5 % floor, fills in under 2.5 h: bound the loop generously.
        for (let i = 0; i < 200 && !full; i++) {
          const s = chargeStep(soc, target, 50_000, 60, { capacityWh });
          soc = s.socPct;
          full = s.full;
        }
        assert.ok(full);
        assert.equal(soc, Math.max(soc0, target));
      },
    ),
    { numRuns: 50 },
  );
});
