import assert from "node:assert/strict";
import { REFUSAL_REASONS } from "../../shared/events.ts";
import { describeRefusal } from "./refusals.ts";

Deno.test("refusals: every reason reads as words, with the status and what was offered", () => {
  for (const reason of REFUSAL_REASONS) {
    const text = describeRefusal({ reason, status: 401 });
    assert.doesNotMatch(text, new RegExp(`^${reason}`), reason);
    assert.match(text, / \(401\)$/);
  }
  assert.equal(describeRefusal({ reason: "unknown-id", status: 404 }), "not registered (404)");
  assert.equal(
    describeRefusal({ reason: "unsupported-subprotocol", status: 1002, detail: "ocpp2.0.1" }),
    "offered no subprotocol the CSMS speaks: ocpp2.0.1 (1002)",
  );
});
