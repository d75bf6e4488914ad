import assert from "node:assert/strict";
import fc from "fast-check";
import {
  type ChargingProfile16,
  clearMatches,
  profileProblem,
  ProfileStore,
  type SmartChargingLimits,
} from "./charging_profiles.ts";

const limits: SmartChargingLimits = {
  maxStackLevel: 8,
  maxPeriods: 3,
  maxInstalled: 4,
  allowedUnits: ["Current", "Power"],
};

function profile(over: Partial<ChargingProfile16> = {}): ChargingProfile16 {
  return {
    chargingProfileId: 1,
    stackLevel: 0,
    chargingProfilePurpose: "TxDefaultProfile",
    chargingProfileKind: "Absolute",
    chargingSchedule: { chargingRateUnit: "W", chargingSchedulePeriod: [{ startPeriod: 0, limit: 3700 }] },
    ...over,
  };
}

const idle = { connectorCount: 2 };
const charging = { connectorCount: 2, transaction: { transactionId: 7 } };

Deno.test("profiles: a TxProfile needs a transaction on its connector, and the right one", () => {
  const tx = profile({ chargingProfilePurpose: "TxProfile" });
  assert.match(profileProblem(1, tx, limits, idle)!, /no transaction/);
  assert.match(profileProblem(0, tx, limits, charging)!, /not connector 0/);
  assert.equal(profileProblem(1, tx, limits, charging), undefined);
  assert.equal(profileProblem(1, { ...tx, transactionId: 7 }, limits, charging), undefined);
  assert.match(profileProblem(1, { ...tx, transactionId: 8 }, limits, charging)!, /transaction 8/);
  // While the StartTransaction's answer is awaited the transaction has no id yet: any id is taken.
  assert.equal(
    profileProblem(1, { ...tx, transactionId: 8 }, limits, { connectorCount: 2, transaction: {} }),
    undefined,
  );
});

Deno.test("profiles: a ChargePointMaxProfile lives on connector 0 only", () => {
  const cp = profile({ chargingProfilePurpose: "ChargePointMaxProfile" });
  assert.equal(profileProblem(0, cp, limits, idle), undefined);
  assert.match(profileProblem(1, cp, limits, idle)!, /connector 0 only/);
});

Deno.test("profiles: stack level, periods, rate unit and connector are bounded by the configuration", () => {
  assert.match(profileProblem(3, profile(), limits, idle)!, /connector 3 does not exist/);
  assert.equal(profileProblem(1, profile({ stackLevel: 8 }), limits, idle), undefined);
  assert.match(profileProblem(1, profile({ stackLevel: 9 }), limits, idle)!, /ChargeProfileMaxStackLevel/);
  const periods = (n: number) =>
    profile({
      chargingSchedule: {
        chargingRateUnit: "A",
        chargingSchedulePeriod: Array.from({ length: n }, (_, i) => ({ startPeriod: i * 60, limit: 16 })),
      },
    });
  assert.equal(profileProblem(1, periods(3), limits, idle), undefined);
  assert.match(profileProblem(1, periods(4), limits, idle)!, /ChargingScheduleMaxPeriods/);
  assert.match(profileProblem(1, periods(0), limits, idle)!, /at least one period/);
  const ampsOnly = { ...limits, allowedUnits: ["Current"] };
  assert.match(profileProblem(1, profile(), ampsOnly, idle)!, /ChargingScheduleAllowedChargingRateUnit/);
  assert.equal(profileProblem(1, periods(1), ampsOnly, idle), undefined);
});

Deno.test("profiles: schedules that cannot be followed are refused", () => {
  const sched = (chargingSchedulePeriod: { startPeriod: number; limit: number }[]) =>
    profile({ chargingSchedule: { chargingRateUnit: "W", chargingSchedulePeriod } });
  assert.match(profileProblem(1, sched([{ startPeriod: 10, limit: 1 }]), limits, idle)!, /start at 0/);
  assert.match(
    profileProblem(1, sched([{ startPeriod: 0, limit: 1 }, { startPeriod: 0, limit: 2 }]), limits, idle)!,
    /increasing/,
  );
  assert.match(profileProblem(1, sched([{ startPeriod: 0, limit: -1 }]), limits, idle)!, /negative/);
  assert.match(
    profileProblem(1, profile({ chargingProfileKind: "Recurring" }), limits, idle)!,
    /recurrencyKind/,
  );
  assert.match(
    profileProblem(1, profile({ chargingProfileKind: "Recurring", recurrencyKind: "Daily" }), limits, idle)!,
    /startSchedule/,
  );
  assert.match(
    profileProblem(
      1,
      profile({ validFrom: "2026-01-02T00:00:00Z", validTo: "2026-01-01T00:00:00Z" }),
      limits,
      idle,
    )!,
    /validTo/,
  );
  assert.match(
    profileProblem(
      1,
      profile({ chargingProfilePurpose: "TxDefaultProfile", transactionId: 3 }),
      limits,
      idle,
    )!,
    /only a TxProfile/,
  );
});

Deno.test("profile store: the same id replaces anywhere; the same purpose and stack level on one connector", () => {
  const store = new ProfileStore();
  assert.deepEqual(store.install(1, profile({ chargingProfileId: 1, stackLevel: 1 }), 0, 4), {
    ok: true,
    replaced: 0,
  });
  // Same id, other connector: moves.
  assert.deepEqual(store.install(2, profile({ chargingProfileId: 1, stackLevel: 1 }), 0, 4), {
    ok: true,
    replaced: 1,
  });
  assert.deepEqual(store.all.map((e) => e.connectorId), [2]);
  // Same purpose and stack level on connector 2, other id: replaces.
  assert.deepEqual(store.install(2, profile({ chargingProfileId: 2, stackLevel: 1 }), 0, 4), {
    ok: true,
    replaced: 1,
  });
  assert.deepEqual(store.all.map((e) => e.profile.chargingProfileId), [2]);
  // Other stack level: both kept; other purpose at the same level: both kept.
  store.install(2, profile({ chargingProfileId: 3, stackLevel: 2 }), 0, 4);
  store.install(
    0,
    profile({ chargingProfileId: 4, stackLevel: 1, chargingProfilePurpose: "ChargePointMaxProfile" }),
    0,
    4,
  );
  assert.deepEqual(store.all.map((e) => e.profile.chargingProfileId), [2, 3, 4]);
});

Deno.test("profile store: MaxChargingProfilesInstalled bounds new profiles, not replacements", () => {
  const store = new ProfileStore();
  for (let id = 1; id <= 2; id++) {
    assert.equal(store.install(1, profile({ chargingProfileId: id, stackLevel: id }), 0, 2).ok, true);
  }
  const r = store.install(1, profile({ chargingProfileId: 3, stackLevel: 3 }), 0, 2);
  assert.deepEqual(r, { ok: false, reason: "MaxChargingProfilesInstalled (2) reached" });
  assert.equal(store.install(1, profile({ chargingProfileId: 2, stackLevel: 5 }), 0, 2).ok, true);
  assert.equal(store.all.length, 2);
});

Deno.test("profile store: ClearChargingProfile by id alone, else by every criterion given", () => {
  const store = new ProfileStore();
  store.install(0, profile({ chargingProfileId: 1, chargingProfilePurpose: "ChargePointMaxProfile" }), 0, 9);
  store.install(1, profile({ chargingProfileId: 2, stackLevel: 1 }), 0, 9);
  store.install(1, profile({ chargingProfileId: 3, stackLevel: 2 }), 0, 9);
  store.install(2, profile({ chargingProfileId: 4, stackLevel: 2 }), 0, 9);
  // An id clears that profile whatever the other criteria say.
  assert.equal(store.clear({ id: 2, connectorId: 2 }), 1);
  assert.equal(store.clear({ id: 99 }), 0);
  assert.equal(store.clear({ connectorId: 1, stackLevel: 1 }), 0);
  assert.equal(store.clear({ stackLevel: 2, chargingProfilePurpose: "TxDefaultProfile" }), 2);
  assert.deepEqual(store.all.map((e) => e.profile.chargingProfileId), [1]);
  assert.equal(store.clear({}), 1);
  assert.equal(store.all.length, 0);
});

Deno.test("profile store: a transaction's end takes its TxProfiles, nothing else", () => {
  const store = new ProfileStore();
  store.install(1, profile({ chargingProfileId: 1, chargingProfilePurpose: "TxProfile" }), 0, 9);
  store.install(2, profile({ chargingProfileId: 2, chargingProfilePurpose: "TxProfile" }), 0, 9);
  store.install(1, profile({ chargingProfileId: 3 }), 0, 9);
  store.transactionEnded(1);
  assert.deepEqual(store.all.map((e) => e.profile.chargingProfileId), [2, 3]);
});

Deno.test("profile store: never more than the maximum, and an id is installed at most once (property)", () => {
  const op = fc.record({
    connectorId: fc.integer({ min: 0, max: 2 }),
    id: fc.integer({ min: 1, max: 6 }),
    stackLevel: fc.integer({ min: 0, max: 3 }),
    purpose: fc.constantFrom("ChargePointMaxProfile", "TxDefaultProfile", "TxProfile") as fc.Arbitrary<
      ChargingProfile16["chargingProfilePurpose"]
    >,
    clear: fc.option(fc.integer({ min: 1, max: 6 }), { freq: 4 }),
  });
  fc.assert(fc.property(fc.array(op, { maxLength: 40 }), fc.integer({ min: 1, max: 5 }), (ops, max) => {
    const store = new ProfileStore();
    for (const o of ops) {
      if (o.clear !== null) {
        store.clear({ id: o.clear });
        assert.ok(store.all.every((e) => !clearMatches(e, { id: o.clear! })));
        continue;
      }
      const p = profile({
        chargingProfileId: o.id,
        stackLevel: o.stackLevel,
        chargingProfilePurpose: o.purpose,
      });
      const r = store.install(o.connectorId, p, 0, max);
      if (r.ok) assert.ok(store.all.some((e) => e.profile === p));
      assert.ok(store.all.length <= max);
      const ids = store.all.map((e) => e.profile.chargingProfileId);
      assert.equal(new Set(ids).size, ids.length);
      const slots = store.all.map((e) =>
        `${e.connectorId}/${e.profile.chargingProfilePurpose}/${e.profile.stackLevel}`
      );
      assert.equal(new Set(slots).size, slots.length);
    }
  }));
});
