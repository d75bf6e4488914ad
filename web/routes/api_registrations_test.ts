/**
 * Charger registration over the REST API in memory (web/testing/app_harness.ts), under
 * CHARGER_POLICY=basic: who may register, the generated AuthorizationKey shown once and never listed, key
 * rotation, a chosen key not echoed, bad requests, and unregistering. That the keys open (and only they
 * open) the CSMS's door to a charger is tested end to end in tests/web_registration_test.ts.
 */
import assert from "node:assert/strict";
import { type Json, startApp } from "../testing/app_harness.ts";

Deno.test("registration in memory: an admin registers a charger over REST; the key shows once", async () => {
  const sys = await startApp({ env: { CHARGER_POLICY: "basic" } });
  const id = "CP-REG-1";
  try {
    const admin = await sys.login();
    const operator = await admin.addUser("oscar", "operator");
    assert.equal((await operator.json("PUT", `/api/v1/registrations/${id}`, {})).status, 403);
    assert.equal((await operator.json("GET", "/api/v1/registrations")).status, 403);

    // Registered with profile 1 and no key: one is generated, and this answer is the only place it shows.
    const created = await admin.json("PUT", `/api/v1/registrations/${id}`, { securityProfile: 1 });
    assert.equal(created.status, 201);
    const key: string = created.body.authorizationKey;
    assert.match(key, /^[A-Za-z0-9]{32}$/);
    assert.equal(created.body.registration.id, id);
    assert.equal(created.body.registration.securityProfile, 1);
    assert.equal(created.body.registration.hasKey, true);
    const listed = await admin.json("GET", "/api/v1/registrations");
    assert.deepEqual(listed.body.items.map((r: Json) => [r.id, r.securityProfile, r.hasKey]), [[
      id,
      1,
      true,
    ]]);
    assert.ok(!JSON.stringify(listed.body).includes(key));
    assert.ok(!JSON.stringify(await admin.json("GET", `/api/v1/registrations/${id}`)).includes(key));

    // A new key (rotation).
    const rotated = await admin.json("PUT", `/api/v1/registrations/${id}`, { securityProfile: 1 });
    assert.equal(rotated.status, 200);
    const newKey: string = rotated.body.authorizationKey;
    assert.notEqual(newKey, key);

    // A key of the admin's choosing is not echoed back.
    const chosen = await admin.json("PUT", `/api/v1/registrations/${id}`, {
      securityProfile: 1,
      authorizationKey: "Chosen-Key-0123456789",
    });
    assert.equal(chosen.status, 200);
    assert.equal(chosen.body.authorizationKey, undefined);

    // Bad requests say what is wrong.
    const short = await admin.json("PUT", `/api/v1/registrations/${id}`, { authorizationKey: "short" });
    assert.equal(short.status, 400);
    assert.match(short.body.message, /authorizationKey/);
    assert.equal(
      (await admin.json("PUT", `/api/v1/registrations/${id}`, {
        securityProfile: 0,
        authorizationKey: "x".repeat(20),
      }))
        .status,
      400,
    );
    assert.equal(
      (await admin.json("PUT", `/api/v1/registrations/${id}`, { securityProfile: 3 })).status,
      400,
    );
    assert.equal((await admin.json("PUT", "/api/v1/registrations/CP%3AX", {})).status, 400);

    // Unregistered.
    assert.equal((await admin.json("DELETE", `/api/v1/registrations/${id}`)).status, 204);
    assert.equal((await admin.json("DELETE", `/api/v1/registrations/${id}`)).status, 404);
    assert.equal((await admin.json("GET", `/api/v1/registrations/${id}`)).status, 404);
  } finally {
    await sys.close();
  }
});

Deno.test("registration in memory: an admin sets a boot status; alone it keeps the key, and it is audited", async () => {
  const sys = await startApp({ env: { CHARGER_POLICY: "basic" } });
  const id = "CP-BOOT-1";
  try {
    const admin = await sys.login();
    const created = await admin.json("PUT", `/api/v1/registrations/${id}`, { bootStatus: "Pending" });
    assert.equal(created.status, 201);
    assert.equal(created.body.registration.bootStatus, "Pending");
    assert.ok(created.body.authorizationKey, "a new registration with a boot status alone gets a key");
    assert.equal((await admin.json("GET", `/api/v1/registrations/${id}`)).body.bootStatus, "Pending");

    // Approved: only the status changes, no new key is made.
    const approved = await admin.json("PUT", `/api/v1/registrations/${id}`, { bootStatus: "Accepted" });
    assert.equal(approved.status, 200);
    assert.equal(approved.body.authorizationKey, undefined);
    assert.deepEqual(
      { ...approved.body.registration, createdAt: "" },
      { id, securityProfile: 1, hasKey: true, bootStatus: "Accepted", createdAt: "" },
    );
    const rejected = await admin.json("PUT", `/api/v1/registrations/${id}`, { bootStatus: "Rejected" });
    assert.equal(rejected.body.registration.bootStatus, "Rejected");
    // With a profile the key is made anew as always, and the status stays.
    const rekeyed = await admin.json("PUT", `/api/v1/registrations/${id}`, { securityProfile: 1 });
    assert.ok(rekeyed.body.authorizationKey);
    assert.equal(rekeyed.body.registration.bootStatus, "Rejected");
    const listed = await admin.json("GET", "/api/v1/registrations");
    assert.deepEqual(listed.body.items.map((r: Json) => [r.id, r.bootStatus]), [[id, "Rejected"]]);

    const bad = await admin.json("PUT", `/api/v1/registrations/${id}`, { bootStatus: "accepted" });
    assert.equal(bad.status, 400);
    assert.match(bad.body.message, /bootStatus/);

    const audit = await admin.json("GET", `/api/v1/audit?action=registration&target=${id}`);
    assert.deepEqual(
      audit.body.items.map((e: Json) => [e.action, (e.detail as Json).bootStatus ?? null]).reverse(),
      [
        ["registration.create", "Pending"],
        ["registration.update", "Accepted"],
        ["registration.update", "Rejected"],
        ["registration.update", null],
      ],
    );
  } finally {
    await sys.close();
  }
});
