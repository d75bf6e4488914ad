import assert from "node:assert/strict";
import { verifyKey } from "../charger_keys.ts";
import { bootStatusOnly, prepareRegistration } from "./registration_request.ts";

Deno.test("registration request: profile 1 by default with a generated key, handed back once", async () => {
  const r = await prepareRegistration("CP-1");
  assert.equal(r.securityProfile, 1);
  assert.ok(r.generatedKey && r.keyHash);
  assert.equal(await verifyKey(r.generatedKey, r.keyHash), true);
});

Deno.test("registration request: a given key is hashed and not handed back; profile 0 has none", async () => {
  const given = await prepareRegistration("CP-1", {
    securityProfile: 2,
    authorizationKey: "0123456789abcdef",
  });
  assert.equal(given.generatedKey, undefined);
  assert.equal(await verifyKey("0123456789abcdef", given.keyHash!), true);
  assert.deepEqual(await prepareRegistration("CP-1", { securityProfile: 0 }), {
    securityProfile: 0,
    keyHash: null,
    bootStatus: null,
  });
});

Deno.test("registration request: a boot status is set when given, kept (null) when not", async () => {
  assert.equal((await prepareRegistration("CP-1", { bootStatus: "Pending" })).bootStatus, "Pending");
  assert.equal((await prepareRegistration("CP-1", { securityProfile: 0 })).bootStatus, null);
  await assert.rejects(
    prepareRegistration("CP", { bootStatus: "Maybe" as never }),
    /bootStatus must be one of Accepted, Pending, Rejected/,
  );
});

Deno.test("registration request: a boot status alone changes only that", () => {
  assert.equal(bootStatusOnly("CP-1", { bootStatus: "Rejected" }), "Rejected");
  assert.equal(bootStatusOnly("CP-1", { bootStatus: "Accepted", securityProfile: 1 }), undefined);
  assert.equal(
    bootStatusOnly("CP-1", { bootStatus: "Accepted", authorizationKey: "0123456789abcdef" }),
    undefined,
  );
  assert.equal(bootStatusOnly("CP-1", {}), undefined);
  assert.equal(bootStatusOnly("CP-1"), undefined);
  assert.throws(() => bootStatusOnly("a:b", { bootStatus: "Accepted" }), RangeError);
  assert.throws(() => bootStatusOnly("CP-1", { bootStatus: "accepted" as never }), /bootStatus must be/);
});

Deno.test("registration request: what breaks a rule is a RangeError naming it", async () => {
  await assert.rejects(prepareRegistration("a:b"), RangeError);
  await assert.rejects(
    prepareRegistration("CP", { securityProfile: 3 as never }),
    /securityProfile must be 0, 1 or 2/,
  );
  await assert.rejects(
    prepareRegistration("CP", { securityProfile: 0, authorizationKey: "0123456789abcdef" }),
    /takes no authorizationKey/,
  );
  await assert.rejects(prepareRegistration("CP", { authorizationKey: "short" }), RangeError);
});
