import assert from "node:assert/strict";
import type { ChargingProfileRecord } from "../shared/domain.ts";
import { bootPlan, clearedBy, endedWithTransaction } from "./charging_profiles.ts";

function p(
  profileId: number,
  connectorId: number,
  purpose: string,
  stackLevel = 0,
  transactionId?: number,
): ChargingProfileRecord {
  return {
    profileId,
    connectorId,
    purpose,
    stackLevel,
    ...(transactionId !== undefined && { transactionId }),
    profile: { chargingProfileId: profileId },
    storedAt: "2026-01-01T00:00:00Z",
  };
}

const STORED = [
  p(1, 0, "ChargePointMaxProfile"),
  p(2, 0, "TxDefaultProfile", 0),
  p(3, 1, "TxDefaultProfile", 1),
  p(4, 1, "TxProfile", 2, 42),
  p(5, 2, "TxProfile", 2),
  p(6, 2, "TxDefaultProfile", 2),
];

Deno.test("clear: an id clears that profile alone, whatever the other criteria", () => {
  assert.deepEqual(clearedBy(STORED, { id: 3 }), [3]);
  assert.deepEqual(clearedBy(STORED, { id: 3, connectorId: 2, purpose: "TxProfile" }), [3]);
  assert.deepEqual(clearedBy(STORED, { id: 99 }), []);
});

Deno.test("clear: without an id, every profile matching all given criteria; none given clears all", () => {
  assert.deepEqual(clearedBy(STORED, {}), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(clearedBy(STORED, { connectorId: 0 }), [1, 2]);
  assert.deepEqual(clearedBy(STORED, { purpose: "TxProfile" }), [4, 5]);
  assert.deepEqual(clearedBy(STORED, { stackLevel: 2 }), [4, 5, 6]);
  assert.deepEqual(clearedBy(STORED, { connectorId: 2, purpose: "TxDefaultProfile", stackLevel: 2 }), [6]);
  assert.deepEqual(clearedBy(STORED, { connectorId: 1, purpose: "ChargePointMaxProfile" }), []);
});

Deno.test("a transaction's end removes the TxProfiles on its connector and those naming it", () => {
  assert.deepEqual(endedWithTransaction(STORED, 1, 42), [4]);
  assert.deepEqual(endedWithTransaction(STORED, 2, 7), [5]);
  assert.deepEqual(endedWithTransaction(STORED, 3, 42), [4]);
  assert.deepEqual(endedWithTransaction(STORED, 3, 7), []);
});

Deno.test("boot: the cap first, then defaults by connector and stack level; TxProfiles dropped", () => {
  const shuffled = [STORED[5], STORED[3], STORED[2], STORED[1], STORED[4], STORED[0]];
  const plan = bootPlan(shuffled);
  assert.deepEqual(plan.resend.map((r) => r.profileId), [1, 2, 3, 6]);
  assert.deepEqual(plan.drop.sort(), [4, 5]);
  assert.deepEqual(bootPlan([]), { resend: [], drop: [] });
});
