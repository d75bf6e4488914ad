import assert from "node:assert/strict";
import fc from "fast-check";
import type { ChargingProfile16, InstalledProfile } from "./charging_profiles.ts";
import {
  compositeSchedule,
  limitAt,
  type LimitInputs,
  profileAt,
  scheduleLimit,
  toWatts,
} from "./charging_limit.ts";
import { supplyFor } from "./meter.ts";

const threePhase = supplyFor(11_000); // 3 x 230 V
const onePhase = supplyFor(7_400); // 1 x 230 V
const at = (iso: string) => Date.parse(iso);

function installed(
  connectorId: number,
  over: Partial<ChargingProfile16>,
  periods: [number, number][],
  unit: "A" | "W" = "W",
  schedule: Partial<ChargingProfile16["chargingSchedule"]> = {},
): InstalledProfile {
  return {
    connectorId,
    installedAt: at("2026-03-01T00:00:00Z"),
    profile: {
      chargingProfileId: Math.floor(Math.random() * 1e9),
      stackLevel: 0,
      chargingProfilePurpose: "TxDefaultProfile",
      chargingProfileKind: "Absolute",
      ...over,
      chargingSchedule: {
        chargingRateUnit: unit,
        chargingSchedulePeriod: periods.map(([startPeriod, limit]) => ({ startPeriod, limit })),
        ...schedule,
      },
    },
  };
}

function inputs(profiles: InstalledProfile[], o: Partial<LimitInputs> = {}): LimitInputs {
  return {
    profiles,
    supply: threePhase,
    connectorMaxW: 11_000,
    connectorCount: 2,
    txStarts: new Map(),
    charging: new Set(),
    ...o,
  };
}

Deno.test("limit: a daily recurring schedule carries its night period across midnight", () => {
  // From 22:00 each day: 2 kW for 8 hours (to 06:00), then 11 kW.
  const night = installed(
    1,
    { chargingProfileKind: "Recurring", recurrencyKind: "Daily" },
    [
      [0, 2_000],
      [8 * 3600, 11_000],
    ],
    "W",
    { startSchedule: "2026-03-01T22:00:00Z" },
  );
  const w = (iso: string) => limitAt(1, at(iso), inputs([night])).value;
  assert.equal(w("2026-03-01T21:59:59Z"), 11_000); // before the first recurrence: nothing in force
  assert.equal(w("2026-03-01T23:59:59Z"), 2_000);
  assert.equal(w("2026-03-02T00:00:00Z"), 2_000);
  assert.equal(w("2026-03-02T05:59:59Z"), 2_000);
  assert.equal(w("2026-03-02T06:00:00Z"), 11_000);
  assert.equal(w("2026-03-09T23:30:00Z"), 2_000); // a week later, the same night
  // Each answer knows when it changes: 06:00, then 22:00.
  assert.equal(limitAt(1, at("2026-03-05T01:00:00Z"), inputs([night])).until, at("2026-03-05T06:00:00Z"));
  assert.equal(limitAt(1, at("2026-03-05T07:00:00Z"), inputs([night])).until, at("2026-03-05T22:00:00Z"));
  const c = compositeSchedule(1, at("2026-03-05T21:00:00Z"), 12 * 3600, "W", inputs([night]));
  assert.deepEqual(c.chargingSchedule.chargingSchedulePeriod, [
    { startPeriod: 0, limit: 11_000 },
    { startPeriod: 3600, limit: 2_000 },
    { startPeriod: 9 * 3600, limit: 11_000 },
  ]);
});

Deno.test("limit: a weekly schedule repeats each week; a duration ends a recurrence early", () => {
  // Sunday 2026-03-01: 0 W for a day, then nothing in force until the next Sunday.
  const sunday = installed(1, { chargingProfileKind: "Recurring", recurrencyKind: "Weekly" }, [[0, 0]], "W", {
    startSchedule: "2026-03-01T00:00:00Z",
    duration: 86_400,
  });
  const w = (iso: string) => limitAt(1, at(iso), inputs([sunday])).value;
  assert.equal(w("2026-03-01T12:00:00Z"), 0);
  assert.equal(w("2026-03-02T12:00:00Z"), 11_000);
  assert.equal(w("2026-03-08T00:00:01Z"), 0);
  assert.equal(w("2026-03-14T23:59:59Z"), 11_000);
  assert.equal(limitAt(1, at("2026-03-02T12:00:00Z"), inputs([sunday])).until, at("2026-03-08T00:00:00Z"));
});

Deno.test("limit: a Relative profile counts from its transaction's start, and only with one", () => {
  const ramp = installed(1, { chargingProfileKind: "Relative" }, [[0, 6], [600, 16]], "A");
  const start = at("2026-03-03T10:00:00Z");
  const running = inputs([ramp], { txStarts: new Map([[1, start]]), charging: new Set([1]) });
  assert.equal(limitAt(1, start + 1_000, running).value, 6 * 230 * 3);
  assert.equal(limitAt(1, start + 600_000, running).value, 11_000); // 16 A x 3 x 230 V is more than the charger
  assert.equal(limitAt(1, start + 1_000, running).until, start + 600_000);
  assert.equal(limitAt(1, start, inputs([ramp])).value, 11_000);
});

Deno.test("limit: the highest stack level in force wins; when it ends the next one shows", () => {
  const base = installed(0, { stackLevel: 0 }, [[0, 7_000]]);
  const evening = installed(0, { stackLevel: 3 }, [[0, 3_000]], "W", {
    startSchedule: "2026-03-01T18:00:00Z",
    duration: 3 * 3600,
  });
  const w = (iso: string) => limitAt(2, at(iso), inputs([evening, base])).value;
  assert.equal(w("2026-03-01T17:00:00Z"), 7_000);
  assert.equal(w("2026-03-01T19:00:00Z"), 3_000);
  assert.equal(w("2026-03-01T21:00:00Z"), 7_000);
  const c = compositeSchedule(2, at("2026-03-01T17:00:00Z"), 5 * 3600, "W", inputs([evening, base]));
  assert.deepEqual(c.chargingSchedule.chargingSchedulePeriod, [
    { startPeriod: 0, limit: 7_000 },
    { startPeriod: 3600, limit: 3_000 },
    { startPeriod: 4 * 3600, limit: 7_000 },
  ]);
});

Deno.test("limit: TxProfile over TxDefaultProfile, the connector's default over connector 0's", () => {
  const def0 = installed(0, { stackLevel: 5 }, [[0, 9_000]]);
  const def1 = installed(1, { stackLevel: 0 }, [[0, 8_000]]);
  const tx = installed(1, { chargingProfilePurpose: "TxProfile", stackLevel: 0 }, [[0, 3_700]]);
  const t = at("2026-03-01T12:00:00Z");
  const running = { txStarts: new Map([[1, t - 1_000]]), charging: new Set([1]) };
  assert.equal(limitAt(1, t, inputs([def0])).value, 9_000);
  assert.equal(limitAt(2, t, inputs([def0, def1])).value, 9_000);
  assert.equal(limitAt(1, t, inputs([def0, def1])).value, 8_000);
  assert.equal(limitAt(1, t, inputs([def0, def1, tx], running)).value, 3_700);
  // A TxProfile rules only while a transaction runs.
  assert.equal(limitAt(1, t, inputs([def0, def1, tx])).value, 8_000);
});

Deno.test("limit: the ChargePointMaxProfile caps the charge point, shared among the charging connectors", () => {
  const cp = installed(0, { chargingProfilePurpose: "ChargePointMaxProfile" }, [[0, 16]], "A");
  const t = at("2026-03-01T12:00:00Z");
  const one = inputs([cp], { txStarts: new Map([[1, t]]), charging: new Set([1]) });
  const both = inputs([cp], { txStarts: new Map([[1, t], [2, t]]), charging: new Set([1, 2]) });
  assert.equal(limitAt(1, t, one).value, 11_000); // 16 A x 3 x 230 V = 11040 W, above the connector
  assert.equal(limitAt(1, t, both).value, 11_040 / 2);
  assert.equal(limitAt(2, t, one).value, 11_040 / 2, "an idle connector counts as if it joined");
  assert.equal(limitAt(0, t, both).value, 11_040);
  assert.equal(limitAt(0, t, inputs([])).value, 22_000);
});

Deno.test("limit: amps become watts with the supply's voltage and phases, at most the phases it has", () => {
  assert.equal(toWatts({ limit: 16, unit: "A" }, threePhase), 16 * 230 * 3);
  assert.equal(toWatts({ limit: 16, unit: "A", numberPhases: 1 }, threePhase), 16 * 230);
  assert.equal(toWatts({ limit: 16, unit: "A", numberPhases: 3 }, onePhase), 16 * 230);
  assert.equal(toWatts({ limit: 100, unit: "A" }, supplyFor(50_000)), 100 * 400);
  assert.equal(toWatts({ limit: 3_700, unit: "W" }, threePhase), 3_700);
  assert.equal(scheduleLimit(3_700, "A", threePhase), 5.4);
  assert.equal(scheduleLimit(3_700.4, "W", threePhase), 3_700);
});

Deno.test("limit: validFrom and validTo bound a profile", () => {
  const p = installed(1, { validFrom: "2026-03-02T00:00:00Z", validTo: "2026-03-03T00:00:00Z" }, [[
    0,
    1_000,
  ]]);
  assert.equal(limitAt(1, at("2026-03-01T23:59:59Z"), inputs([p])).value, 11_000);
  assert.equal(limitAt(1, at("2026-03-01T23:59:59Z"), inputs([p])).until, at("2026-03-02T00:00:00Z"));
  assert.equal(limitAt(1, at("2026-03-02T10:00:00Z"), inputs([p])).value, 1_000);
  assert.equal(limitAt(1, at("2026-03-02T10:00:00Z"), inputs([p])).until, at("2026-03-03T00:00:00Z"));
  assert.equal(limitAt(1, at("2026-03-03T00:00:00Z"), inputs([p])).value, 11_000);
});

Deno.test("limit: an Absolute profile without a start begins when it was installed", () => {
  const p = installed(1, {}, [[0, 1_000], [60, 2_000]]);
  assert.equal(profileAt(p, p.installedAt + 59_999, undefined).value?.limit, 1_000);
  assert.equal(profileAt(p, p.installedAt + 60_000, undefined).value?.limit, 2_000);
});

Deno.test("composite: at least one period, the duration and unit asked, from the request's second", () => {
  const now = at("2026-03-01T12:00:00.750Z");
  const c = compositeSchedule(1, now, 0, "A", inputs([]));
  assert.equal(c.scheduleStart, "2026-03-01T12:00:00.000Z");
  assert.equal(c.chargingSchedule.duration, 0);
  assert.equal(c.chargingSchedule.chargingRateUnit, "A");
  assert.deepEqual(c.chargingSchedule.chargingSchedulePeriod, [{ startPeriod: 0, limit: 15.9 }]);
});

Deno.test("composite: each period states limitAt over its whole span (property)", () => {
  const t0 = at("2026-03-01T00:00:00Z");
  const periodsArb = fc.uniqueArray(fc.integer({ min: 1, max: 20_000 }), { maxLength: 4 }).map((starts) =>
    [0, ...starts.sort((a, b) => a - b)].map((s, i) => [s, 500 * (i + 1)] as [number, number])
  );
  const profileArb = fc.record({
    connectorId: fc.constantFrom(0, 1),
    stackLevel: fc.integer({ min: 0, max: 3 }),
    kind: fc.constantFrom("Absolute", "Recurring", "Relative") as fc.Arbitrary<
      ChargingProfile16["chargingProfileKind"]
    >,
    offsetS: fc.integer({ min: -90_000, max: 90_000 }),
    duration: fc.option(fc.integer({ min: 1, max: 40_000 })),
    periods: periodsArb,
    cpMax: fc.boolean(),
  }).map((r): InstalledProfile => {
    const purpose = r.cpMax
      ? "ChargePointMaxProfile"
      : r.connectorId === 1
      ? "TxProfile"
      : "TxDefaultProfile";
    return installed(
      r.cpMax ? 0 : r.connectorId,
      {
        stackLevel: r.stackLevel,
        chargingProfilePurpose: purpose,
        chargingProfileKind: r.kind,
        ...(r.kind === "Recurring" ? { recurrencyKind: "Daily" as const } : {}),
      },
      r.periods,
      "W",
      {
        ...(r.kind !== "Relative" ? { startSchedule: new Date(t0 + r.offsetS * 1000).toISOString() } : {}),
        ...(r.duration !== null ? { duration: r.duration } : {}),
      },
    );
  });
  fc.assert(
    fc.property(
      fc.array(profileArb, { maxLength: 5 }),
      fc.integer({ min: 0, max: 86_400 }),
      fc.integer({ min: 1, max: 100_000 }),
      fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 10 }),
      (profiles, nowS, duration, probes) => {
        const now = t0 + nowS * 1000;
        const inp = inputs(profiles, { txStarts: new Map([[1, t0 + 1_234]]), charging: new Set([1]) });
        const c = compositeSchedule(1, now, duration, "W", inp);
        const ps = c.chargingSchedule.chargingSchedulePeriod;
        assert.ok(ps.length >= 1);
        assert.equal(ps[0].startPeriod, 0);
        assert.equal(c.chargingSchedule.duration, duration);
        for (let i = 1; i < ps.length; i++) {
          assert.ok(ps[i].startPeriod > ps[i - 1].startPeriod);
          assert.notEqual(ps[i].limit, ps[i - 1].limit);
        }
        for (const probe of probes) {
          // At whole seconds: a change within a second is stated from the next whole one.
          const s = Math.floor(probe * (duration - 1));
          const stated = ps.filter((p) => p.startPeriod <= s).at(-1)!;
          assert.equal(stated.limit, Math.round(limitAt(1, now + s * 1000, inp).value));
        }
      },
    ),
  );
});
