/** The boot-status part of the registration contract, checked the same way on every engine. */
import assert from "node:assert/strict";
import { verifyKey } from "../charger_keys.ts";
import type { CsmsStorage } from "../../shared/storage.ts";

const AT = "2026-01-01T00:00:00.000Z";

export async function checkBootStatusContract(storage: CsmsStorage): Promise<void> {
  const regs = storage.registrations;
  // New registrations are Accepted unless told otherwise.
  const made = await regs.register("BOOT-1");
  assert.equal(made.registration.bootStatus, "Accepted");
  assert.equal((await regs.find("BOOT-1"))?.bootStatus, "Accepted");

  // A boot status alone changes only that: the key stays.
  const pending = await regs.register("BOOT-1", { bootStatus: "Pending" });
  assert.equal(pending.created, false);
  assert.equal(pending.authorizationKey, undefined);
  assert.deepEqual(
    { ...pending.registration, createdAt: "" },
    { id: "BOOT-1", securityProfile: 1, hasKey: true, bootStatus: "Pending", createdAt: "" },
  );
  const stored = await regs.find("BOOT-1");
  assert.equal(stored?.bootStatus, "Pending");
  assert.equal(await verifyKey(made.authorizationKey!, stored!.keyHash!), true, "the key is kept");

  // A change of profile or key keeps the boot status unless one is given.
  const rekeyed = await regs.register("BOOT-1", { securityProfile: 0 });
  assert.equal(rekeyed.registration.bootStatus, "Pending");
  const both = await regs.register("BOOT-1", { securityProfile: 0, bootStatus: "Rejected" });
  assert.equal(both.registration.bootStatus, "Rejected");
  assert.equal(both.registration.securityProfile, 0);

  // A boot status alone for an unknown id registers it as a profile-1 charger with a new key.
  const fresh = await regs.register("BOOT-2", { bootStatus: "Rejected" });
  assert.equal(fresh.created, true);
  assert.ok(fresh.authorizationKey);
  assert.equal(fresh.registration.bootStatus, "Rejected");
  assert.equal(fresh.registration.securityProfile, 1);

  // First contact: Accepted by default, or the status the policy gives; never over an existing one.
  await regs.registerOnFirstContact("BOOT-3", AT);
  await regs.registerOnFirstContact("BOOT-4", AT, "Pending");
  await regs.registerOnFirstContact("BOOT-1", AT, "Accepted");
  const listed = await storage.reads.listRegistrations();
  assert.deepEqual(
    listed.filter((r) => r.id.startsWith("BOOT-")).map((r) => [r.id, r.bootStatus]),
    [["BOOT-1", "Rejected"], ["BOOT-2", "Rejected"], ["BOOT-3", "Accepted"], ["BOOT-4", "Pending"]],
  );
  assert.equal((await storage.reads.getRegistration("BOOT-4"))?.bootStatus, "Pending");
  // Approved: only the status moves.
  const approved = await regs.register("BOOT-4", { bootStatus: "Accepted" });
  assert.deepEqual(
    { ...approved.registration, createdAt: "" },
    { id: "BOOT-4", securityProfile: 0, hasKey: false, bootStatus: "Accepted", createdAt: "" },
  );
  assert.equal((await storage.reads.getRegistration("BOOT-4"))?.bootStatus, "Accepted");

  await assert.rejects(regs.register("BOOT-1", { bootStatus: "Maybe" as never }), RangeError);
  await assert.rejects(
    regs.register("BOOT-1", { securityProfile: 1, bootStatus: "Maybe" as never }),
    RangeError,
  );
  assert.equal((await regs.find("BOOT-1"))?.bootStatus, "Rejected", "a refused change changes nothing");
}
