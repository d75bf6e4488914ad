import assert from "node:assert/strict";
import type { ChargingProfileRecord } from "../../shared/domain.ts";
import { activeLimitW, limitAt, profileLimitW, pushLimit } from "./charging_limit.ts";

const T0 = Date.parse("2026-03-01T10:00:00Z");

function record(
  profileId: number,
  connectorId: number,
  purpose: string,
  stackLevel: number,
  profile: Record<string, unknown>,
): ChargingProfileRecord {
  return {
    profileId,
    connectorId,
    purpose,
    stackLevel,
    profile,
    storedAt: new Date(T0 - 60_000).toISOString(),
  };
}

const relative = (limit: number, unit = "W", extra: Record<string, unknown> = {}) => ({
  chargingProfileKind: "Relative",
  chargingSchedule: { chargingRateUnit: unit, chargingSchedulePeriod: [{ startPeriod: 0, limit }], ...extra },
});

Deno.test("limit: a relative schedule's periods from the transaction's start, until its duration", () => {
  const p = {
    chargingProfileKind: "Relative",
    chargingSchedule: {
      chargingRateUnit: "W",
      duration: 3600,
      chargingSchedulePeriod: [{ startPeriod: 0, limit: 11000 }, { startPeriod: 600, limit: 3700 }],
    },
  };
  assert.equal(profileLimitW(p, T0 + 599_000, { txStartMs: T0 }), 11000);
  assert.equal(profileLimitW(p, T0 + 600_000, { txStartMs: T0 }), 3700);
  assert.equal(profileLimitW(p, T0 + 3600_000, { txStartMs: T0 }), undefined);
});

Deno.test("limit: a relative schedule is not in force without a transaction; an absolute one from its start", () => {
  assert.equal(profileLimitW(relative(3700), T0), undefined);
  const absolute = {
    chargingProfileKind: "Absolute",
    chargingSchedule: {
      chargingRateUnit: "W",
      duration: 60,
      chargingSchedulePeriod: [{ startPeriod: 0, limit: 7400 }],
    },
  };
  // Without a startSchedule, from when the charger took it.
  assert.equal(profileLimitW(absolute, T0 + 59_000, { installedAtMs: T0 }), 7400);
  assert.equal(profileLimitW(absolute, T0 + 60_000, { installedAtMs: T0 }), undefined);
});

Deno.test("limit: amps become watts with the voltage and the phases (3 unless said)", () => {
  assert.equal(profileLimitW(relative(16, "A"), T0, { txStartMs: T0 }), 16 * 230 * 3);
  const onePhase = {
    chargingProfileKind: "Relative",
    chargingSchedule: {
      chargingRateUnit: "A",
      chargingSchedulePeriod: [{ startPeriod: 0, limit: 16, numberPhases: 1 }],
    },
  };
  assert.equal(profileLimitW(onePhase, T0, { txStartMs: T0, voltageV: 240 }), 16 * 240);
});

Deno.test("limit: a daily recurring schedule across midnight; validity bounds", () => {
  const daily = {
    chargingProfileKind: "Recurring",
    recurrencyKind: "Daily",
    validTo: "2026-03-10T00:00:00Z",
    chargingSchedule: {
      startSchedule: "2026-02-01T22:00:00Z",
      chargingRateUnit: "W",
      chargingSchedulePeriod: [{ startPeriod: 0, limit: 11000 }, { startPeriod: 4 * 3600, limit: 3700 }],
    },
  };
  // 23:30 is in the cycle that began at 22:00; 01:59 the next day still is; 02:00 is 4 h in.
  assert.equal(profileLimitW(daily, Date.parse("2026-03-01T23:30:00Z")), 11000);
  assert.equal(profileLimitW(daily, Date.parse("2026-03-02T01:59:00Z")), 11000);
  assert.equal(profileLimitW(daily, Date.parse("2026-03-02T02:00:00Z")), 3700);
  assert.equal(profileLimitW(daily, Date.parse("2026-03-10T00:00:00Z")), undefined);
  assert.equal(profileLimitW(daily, Date.parse("2026-01-31T23:00:00Z")), undefined, "before it begins");
});

Deno.test("limit: TxProfile over TxDefault, the connector's default over the charger's, capped by the max", () => {
  const profiles = [
    record(1, 0, "ChargePointMaxProfile", 0, { ...relative(7000), chargingProfileKind: "Absolute" }),
    record(2, 0, "TxDefaultProfile", 0, relative(22000)),
    record(3, 1, "TxDefaultProfile", 0, relative(5000)),
    record(4, 1, "TxProfile", 0, relative(3700)),
    record(5, 1, "TxProfile", 1, relative(3000, "W", { duration: 60 })),
  ];
  // The higher stack level while its schedule runs, then the lower one.
  assert.equal(activeLimitW(profiles, 1, T0 + 1000, { txStartMs: T0 }), 3000);
  assert.equal(activeLimitW(profiles, 1, T0 + 61_000, { txStartMs: T0 }), 3700);
  // Without a transaction, no TxProfile, and these relative defaults are not in force: the cap alone.
  assert.equal(activeLimitW(profiles, 1, T0), 7000);
  // Connector 2 has the charger's default, capped.
  assert.equal(activeLimitW(profiles, 2, T0, { txStartMs: T0 }), 7000);
  assert.equal(activeLimitW(profiles.slice(1), 2, T0, { txStartMs: T0 }), 22000);
  assert.equal(activeLimitW([], 1, T0), undefined);
  assert.equal(activeLimitW(profiles.slice(1), 1, T0), undefined);
});

Deno.test("limit history: a step per change, read at any time", () => {
  let h = pushLimit([], T0, null);
  h = pushLimit(h, T0 + 1000, null);
  h = pushLimit(h, T0 + 2000, 3700);
  h = pushLimit(h, T0 + 1500, 1000); // back in time: ignored
  h = pushLimit(h, T0 + 3000, null);
  assert.deepEqual(h, [{ at: T0, w: null }, { at: T0 + 2000, w: 3700 }, { at: T0 + 3000, w: null }]);
  assert.equal(limitAt(h, T0 - 5000), null);
  assert.equal(limitAt(h, T0 + 2500), 3700);
  assert.equal(limitAt(h, T0 + 9000), null);
  assert.equal(limitAt([], T0), null);
});
