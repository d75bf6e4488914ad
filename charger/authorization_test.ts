import assert from "node:assert/strict";
import { Authorizer, cachedAccepted } from "./authorization.ts";
import { coreConfiguration } from "./config_store.ts";

Deno.test("authorization: only an Accepted, unexpired cache entry counts", () => {
  const now = Date.parse("2025-06-01T00:00:00Z");
  assert.equal(cachedAccepted(undefined, now), false);
  assert.equal(cachedAccepted({ status: "Blocked" }, now), false);
  assert.equal(cachedAccepted({ status: "Accepted" }, now), true);
  assert.equal(cachedAccepted({ status: "Accepted", expiryDate: "2025-06-02T00:00:00Z" }, now), true);
  assert.equal(cachedAccepted({ status: "Accepted", expiryDate: "2025-05-31T00:00:00Z" }, now), false);
});

/** An Authorizer offline (no session to ask on) over the real configuration store. */
function offline(config: Record<string, string> = {}) {
  const store = coreConfiguration({ connectors: 1 });
  for (const [k, v] of Object.entries(config)) assert.equal(store.set(k, v), undefined, k);
  const auth = new Authorizer(store, () => undefined, () => {});
  return { store, auth };
}

const limits = { maxEntries: 10, maxPerMessage: 10 };

Deno.test("authorization offline: the local list before the cache; a listed refusal is not an unknown tag", async () => {
  const { store, auth } = offline({ AllowOfflineTxForUnknownId: "true" });
  auth.list.apply({
    listVersion: 1,
    updateType: "Full",
    localAuthorizationList: [
      { idTag: "LISTED-OK", idTagInfo: { status: "Accepted" } },
      { idTag: "LISTED-BLOCKED", idTagInfo: { status: "Blocked" } },
    ],
  }, limits);
  // The cache says Accepted, the list says Blocked: the list wins.
  auth.remember("LISTED-BLOCKED", { status: "Accepted" });
  assert.equal(await auth.authorize("LISTED-OK", "local"), true);
  assert.equal(await auth.authorize("LISTED-BLOCKED", "local"), false);
  assert.equal(await auth.authorize("UNKNOWN", "local"), true, "AllowOfflineTxForUnknownId");
  // LocalAuthorizeOffline off: not even a listed Accepted tag starts offline.
  store.set("LocalAuthorizeOffline", "false");
  assert.equal(await auth.authorize("LISTED-OK", "local"), false);
  // The list disabled: its entries count no more, the cache's do again.
  store.set("LocalAuthorizeOffline", "true");
  store.set("LocalAuthListEnabled", "false");
  assert.equal(await auth.authorize("LISTED-BLOCKED", "local"), true, "cached Accepted");
});

Deno.test("authorization offline: AuthorizationCacheEnabled=false trusts nothing cached", async () => {
  const { store, auth } = offline();
  auth.remember("CACHED", { status: "Accepted" });
  assert.equal(await auth.authorize("CACHED", "local"), true);
  store.set("AuthorizationCacheEnabled", "false");
  assert.equal(await auth.authorize("CACHED", "local"), false);
});
