import assert from "node:assert/strict";
import { cachedAccepted } from "./authorization.ts";

Deno.test("authorization: only an Accepted, unexpired cache entry counts", () => {
  const now = Date.parse("2025-06-01T00:00:00Z");
  assert.equal(cachedAccepted(undefined, now), false);
  assert.equal(cachedAccepted({ status: "Blocked" }, now), false);
  assert.equal(cachedAccepted({ status: "Accepted" }, now), true);
  assert.equal(cachedAccepted({ status: "Accepted", expiryDate: "2025-06-02T00:00:00Z" }, now), true);
  assert.equal(cachedAccepted({ status: "Accepted", expiryDate: "2025-05-31T00:00:00Z" }, now), false);
});
