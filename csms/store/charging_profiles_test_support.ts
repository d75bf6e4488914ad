/** The charging-profile part of the storage contract, checked the same way on every engine. */
import assert from "node:assert/strict";
import type { ChargingProfileRecord } from "../../shared/domain.ts";
import type { CsmsStorage } from "../../shared/storage.ts";

const AT = "2026-01-01T00:00:00.000Z";

function profile(
  profileId: number,
  connectorId: number,
  purpose: string,
  stackLevel: number,
  limit: number,
  transactionId?: number,
): ChargingProfileRecord {
  const wire = {
    chargingProfileId: profileId,
    stackLevel,
    chargingProfilePurpose: purpose,
    chargingProfileKind: "Absolute",
    ...(transactionId !== undefined && { transactionId }),
    chargingSchedule: { chargingRateUnit: "W", chargingSchedulePeriod: [{ startPeriod: 0, limit }] },
  };
  return {
    connectorId,
    profileId,
    purpose,
    stackLevel,
    ...(transactionId !== undefined && { transactionId }),
    profile: wire,
    storedAt: AT,
  };
}

const ids = (list: ChargingProfileRecord[]) => list.map((p) => p.profileId);

export async function checkChargingProfilesContract(storage: CsmsStorage): Promise<void> {
  const cp = storage.chargingProfiles;
  await (await cp.put("CP-SC", profile(1, 0, "ChargePointMaxProfile", 0, 22000))).durable;
  await (await cp.put("CP-SC", profile(2, 1, "TxDefaultProfile", 0, 11000))).durable;
  await (await cp.put("CP-SC", profile(3, 1, "TxProfile", 1, 3700, 42))).durable;
  await (await cp.put("CP-OTHER", profile(1, 0, "ChargePointMaxProfile", 0, 7000))).durable;

  let stored = await storage.reads.chargingProfiles("CP-SC");
  // Ordered by connector, purpose, stackLevel, id; kept as given, the profile's JSON included.
  assert.deepEqual(stored, [
    profile(1, 0, "ChargePointMaxProfile", 0, 22000),
    profile(2, 1, "TxDefaultProfile", 0, 11000),
    profile(3, 1, "TxProfile", 1, 3700, 42),
  ]);

  // The same id replaces, wherever it was.
  await (await cp.put("CP-SC", profile(2, 2, "TxDefaultProfile", 0, 7400))).durable;
  stored = await storage.reads.chargingProfiles("CP-SC");
  assert.deepEqual(ids(stored), [1, 3, 2]);
  assert.equal(stored[2].connectorId, 2);
  assert.equal(
    (stored[2].profile.chargingSchedule as { chargingSchedulePeriod: { limit: number }[] })
      .chargingSchedulePeriod[0].limit,
    7400,
  );

  // So does the same purpose and stackLevel on the same connector; another connector's stays.
  await (await cp.put("CP-SC", profile(9, 2, "TxDefaultProfile", 0, 3000))).durable;
  await (await cp.put("CP-SC", profile(10, 1, "TxDefaultProfile", 0, 3000))).durable;
  assert.deepEqual(ids(await storage.reads.chargingProfiles("CP-SC")), [1, 10, 3, 9]);

  // Removal by id; ids not there are no error; another charger's are its own.
  await (await cp.remove("CP-SC", [3, 10, 77])).durable;
  assert.deepEqual(ids(await storage.reads.chargingProfiles("CP-SC")), [1, 9]);
  assert.deepEqual(ids(await storage.reads.chargingProfiles("CP-OTHER")), [1]);
  await (await cp.remove("CP-SC", [])).durable;
  assert.deepEqual(await storage.reads.chargingProfiles("CP-NONE"), []);
}
