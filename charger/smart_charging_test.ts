import assert from "node:assert/strict";
import type { ChargingProfile16 } from "./charging_profiles.ts";
import { coreConfiguration } from "./config_store.ts";
import { startTransaction, statusOf } from "./connector.ts";
import { Energy, newCar } from "./energy.ts";
import { SmartCharging } from "./smart_charging.ts";
import { Station } from "./station.ts";

const T0 = Date.parse("2026-03-01T12:00:00Z");

function rig(config: Record<string, string> = {}) {
  const station = new Station(2, () => {});
  const energy = new Energy(2, 11_000);
  const store = coreConfiguration({ connectors: 2 });
  for (const [k, v] of Object.entries(config)) assert.equal(store.set(k, v), undefined);
  const warnings: string[] = [];
  const smart = new SmartCharging(station, energy, store, (m) => warnings.push(String(m)));
  const charge = (id: number, transactionId?: number) => {
    const t = startTransaction(station.get(id)!, {
      localId: id,
      idTag: "TAG",
      meterStartWh: 0,
      startedAt: new Date(T0).toISOString(),
      transactionId,
    });
    assert.ok(t.ok);
    station.set(t.state);
    energy.setCar(id - 1, newCar(undefined, {}));
    energy.started(id - 1, T0, 0);
    energy.charge(id - 1, false, T0 + 1_000);
  };
  return { station, energy, smart, warnings, charge };
}

const txProfile = (limit: number, over: Partial<ChargingProfile16> = {}): ChargingProfile16 => ({
  chargingProfileId: 10,
  stackLevel: 1,
  chargingProfilePurpose: "TxProfile",
  chargingProfileKind: "Relative",
  chargingSchedule: { chargingRateUnit: "W", chargingSchedulePeriod: [{ startPeriod: 0, limit }] },
  ...over,
});

Deno.test("smart charging: a TxProfile limits what the car is offered and draws, reported once", () => {
  const { energy, smart, charge } = rig();
  charge(1, 42);
  const reported: number[] = [];
  smart.apply(T0 + 1_000, (id, _w, began) => !began && reported.push(id));
  assert.equal(energy.powerW(0), 11_000);
  assert.equal(smart.set({ connectorId: 1, csChargingProfiles: txProfile(3_700) }, T0 + 2_000), "Accepted");
  smart.apply(T0 + 2_000, (id, _w, began) => !began && reported.push(id));
  assert.deepEqual(reported, [1], "the changed offer is reported, the first one is not");
  assert.equal(energy.offeredW(0), 3_700);
  assert.equal(energy.powerW(0), 3_700, "the car follows at once");
  smart.apply(T0 + 3_000, (id, _w, began) => !began && reported.push(id));
  assert.deepEqual(reported, [1], "an unchanged offer is not reported again");
  assert.equal(energy.charge(0, false, T0 + 4_000), false);
  assert.ok(Math.abs(energy.powerW(0) - 3_700) < 1e-6);
  assert.equal(smart.clear({ id: 10 }), "Accepted");
  assert.equal(smart.clear({ id: 10 }), "Unknown");
  smart.apply(T0 + 5_000, (id, _w, began) => !began && reported.push(id));
  assert.deepEqual(reported, [1, 1]);
  assert.equal(energy.powerW(0), 11_000);
});

Deno.test("smart charging: a zero limit suspends the connector (SuspendedEVSE) until it rises", () => {
  const { station, energy, smart, charge } = rig();
  charge(1);
  smart.set({
    connectorId: 0,
    csChargingProfiles: { ...txProfile(0), chargingProfilePurpose: "TxDefaultProfile" },
  }, T0);
  smart.apply(T0 + 1_000, () => {});
  assert.equal(statusOf(station.get(1)!), "SuspendedEVSE");
  assert.equal(energy.powerW(0), 0);
  assert.equal(energy.charge(0, station.get(1)!.evseSuspended, T0 + 2_000), false);
  assert.equal(energy.powerW(0), 0);
  smart.clear({});
  smart.apply(T0 + 3_000, () => {});
  assert.equal(statusOf(station.get(1)!), "Charging");
  assert.equal(energy.powerW(0), 11_000);
});

Deno.test("smart charging: invalid profiles are rejected, with the reason told", () => {
  const { smart, warnings, charge } = rig({
    ChargingScheduleMaxPeriods: "1",
    ChargeProfileMaxStackLevel: "2",
  });
  assert.equal(smart.set({ connectorId: 1, csChargingProfiles: txProfile(3_700) }, T0), "Rejected");
  assert.match(warnings.at(-1)!, /no transaction is running on connector 1/);
  charge(1, 42);
  assert.equal(
    smart.set({ connectorId: 1, csChargingProfiles: txProfile(1, { stackLevel: 3 }) }, T0),
    "Rejected",
  );
  assert.match(warnings.at(-1)!, /ChargeProfileMaxStackLevel/);
  const two = txProfile(1);
  two.chargingSchedule.chargingSchedulePeriod.push({ startPeriod: 60, limit: 2 });
  assert.equal(smart.set({ connectorId: 1, csChargingProfiles: two }, T0), "Rejected");
  assert.equal(
    smart.set({
      connectorId: 1,
      csChargingProfiles: { ...txProfile(1), chargingProfilePurpose: "ChargePointMaxProfile" },
    }, T0),
    "Rejected",
  );
  assert.equal(
    smart.set({ connectorId: 1, csChargingProfiles: txProfile(1, { transactionId: 42 }) }, T0),
    "Accepted",
  );
  assert.equal(smart.store.all.length, 1);
});

Deno.test("smart charging: MaxChargingProfilesInstalled refuses one more profile", () => {
  const { smart, warnings } = rig({ MaxChargingProfilesInstalled: "1" });
  const def = (id: number, stackLevel: number) => ({
    connectorId: 0,
    csChargingProfiles: txProfile(1, {
      chargingProfileId: id,
      stackLevel,
      chargingProfilePurpose: "TxDefaultProfile",
    }),
  });
  assert.equal(smart.set(def(1, 0), T0), "Accepted");
  assert.equal(smart.set(def(2, 1), T0), "Rejected");
  assert.match(warnings.at(-1)!, /MaxChargingProfilesInstalled/);
  assert.equal(smart.set(def(1, 1), T0), "Accepted", "a replacement is not one more");
  // A remote start's profile would be one more too: the start is refused rather than run unlimited.
  assert.match(
    smart.remoteStartProblem(txProfile(3_700, { chargingProfileId: 5 }))!,
    /MaxChargingProfilesInstalled/,
  );
  assert.equal(smart.remoteStartProblem(txProfile(3_700, { chargingProfileId: 1 })), undefined);
});

Deno.test("smart charging: a remote start's profile must be a valid TxProfile", () => {
  const { smart } = rig();
  assert.equal(smart.remoteStartProblem(txProfile(3_700)), undefined);
  assert.match(
    smart.remoteStartProblem(txProfile(3_700, { chargingProfilePurpose: "TxDefaultProfile" }))!,
    /TxProfile/,
  );
  assert.match(
    smart.remoteStartProblem(txProfile(3_700, { transactionId: 1 }))!,
    /cannot name a transaction/,
  );
  assert.match(smart.remoteStartProblem(txProfile(3_700, { stackLevel: 99 }))!, /ChargeProfileMaxStackLevel/);
});

Deno.test("smart charging: the composite schedule states what the car is offered, in the unit asked", () => {
  const { energy, smart, charge } = rig({ ChargingScheduleAllowedChargingRateUnit: "Current" });
  charge(1, 42);
  assert.equal(
    smart.set({
      connectorId: 1,
      csChargingProfiles: {
        ...txProfile(0),
        chargingSchedule: {
          chargingRateUnit: "A",
          chargingSchedulePeriod: [{ startPeriod: 0, limit: 6 }, { startPeriod: 60, limit: 10 }],
        },
      },
    }, T0),
    "Accepted",
  );
  smart.apply(T0 + 10_000, () => {});
  const r = smart.composite({ connectorId: 1, duration: 300 }, T0 + 10_000);
  assert.equal(r.status, "Accepted");
  assert.equal(r.chargingSchedule?.chargingRateUnit, "A", "only current is allowed here");
  assert.deepEqual(r.chargingSchedule?.chargingSchedulePeriod, [{ startPeriod: 0, limit: 6 }, {
    startPeriod: 50,
    limit: 10,
  }]);
  assert.equal(energy.offeredW(0), 6 * 230 * 3);
  const w = smart.composite({ connectorId: 1, duration: 30, chargingRateUnit: "W" }, T0 + 10_000);
  assert.deepEqual(w.chargingSchedule?.chargingSchedulePeriod, [{ startPeriod: 0, limit: 4_140 }]);
  assert.deepEqual(smart.composite({ connectorId: 3, duration: 30 }, T0), { status: "Rejected" });
});
