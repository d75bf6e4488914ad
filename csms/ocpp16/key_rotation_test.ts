import assert from "node:assert/strict";
import { keyTaken, newAuthorizationKey } from "./key_rotation.ts";

Deno.test("key rotation: only ChangeConfiguration of AuthorizationKey (any case) sets a key", () => {
  const key = "0123456789abcdef0123";
  assert.deepEqual(newAuthorizationKey("ChangeConfiguration", { key: "AuthorizationKey", value: key }), {
    key,
  });
  assert.deepEqual(newAuthorizationKey("ChangeConfiguration", { key: "AUTHORIZATIONKEY", value: key }), {
    key,
  });
  // The value is handed over whatever it is: the caller checks it against the key rules.
  assert.deepEqual(newAuthorizationKey("ChangeConfiguration", { key: "AuthorizationKey" }), {
    key: undefined,
  });
  assert.equal(
    newAuthorizationKey("ChangeConfiguration", { key: "HeartbeatInterval", value: "60" }),
    undefined,
  );
  assert.equal(newAuthorizationKey("GetConfiguration", { key: ["AuthorizationKey"] }), undefined);
  assert.equal(newAuthorizationKey("ChangeConfiguration", null), undefined);
});

Deno.test("key rotation: Accepted and RebootRequired mean the charger takes the key", () => {
  assert.equal(keyTaken({ status: "Accepted" }), true);
  assert.equal(keyTaken({ status: "RebootRequired" }), true);
  for (const no of [{ status: "Rejected" }, { status: "NotSupported" }, {}, null, undefined]) {
    assert.equal(keyTaken(no), false);
  }
});
