import assert from "node:assert/strict";
import { OMITTED, summarizePayload } from "./payload_summary.ts";

Deno.test("payload summary: identifiers are kept, everything else is omitted", () => {
  assert.deepEqual(summarizePayload({ connectorId: 1, idTag: "TAG-1", chargingProfile: { id: 3 } }), {
    connectorId: 1,
    idTag: "TAG-1",
    chargingProfile: OMITTED,
  });
  // A new AuthorizationKey travels in ChangeConfiguration's value: the key's name is kept, never the value.
  const secret = "s3cret-authorization-key-0123";
  const summary = summarizePayload({ key: "AuthorizationKey", value: secret });
  assert.deepEqual(summary, { key: "AuthorizationKey", value: OMITTED });
  assert.ok(!JSON.stringify(summary).includes(secret));
  assert.deepEqual(summarizePayload({ key: ["HeartbeatInterval", "AuthorizationKey"] }), {
    key: ["HeartbeatInterval", "AuthorizationKey"],
  });
  // A field name nobody listed keeps its name only, whatever it holds.
  assert.deepEqual(summarizePayload({ password: "hunter22", vendorId: "ACME", data: "{...}" }), {
    password: OMITTED,
    vendorId: "ACME",
    data: OMITTED,
  });
  // Even a safe field's value is omitted when it is not a short identifier.
  assert.deepEqual(summarizePayload({ idTag: "x".repeat(65), type: { nested: true } }), {
    idTag: OMITTED,
    type: OMITTED,
  });
});

Deno.test("payload summary: not an object, or too many fields", () => {
  assert.deepEqual(summarizePayload(null), {});
  assert.deepEqual(summarizePayload([1, 2]), {});
  assert.deepEqual(summarizePayload("text"), {});
  const many = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`f${i}`, i]));
  const summary = summarizePayload(many);
  assert.equal(Object.keys(summary).length, 21);
  assert.equal(summary["…"], "5 more fields");
});
