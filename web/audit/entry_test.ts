import assert from "node:assert/strict";
import { auditRow, clip, isActionName, MAX_DETAIL_BYTES, plainAddress } from "./entry.ts";

const AT = new Date("2030-01-02T03:04:05.678Z");

Deno.test("audit entry: a full input becomes a row, optional parts only when given", () => {
  assert.deepEqual(
    auditRow({
      actor: "alice",
      role: "operator",
      action: "command.send",
      target: "CP-1",
      detail: { action: "Reset", result: "Accepted" },
      address: "::ffff:10.1.2.3",
    }, AT),
    {
      at: "2030-01-02T03:04:05.678Z",
      actor: "alice",
      actorKind: "user",
      role: "operator",
      action: "command.send",
      target: "CP-1",
      detail: '{"action":"Reset","result":"Accepted"}',
      address: "10.1.2.3",
    },
  );
  assert.deepEqual(
    auditRow({ actor: "portal", actorKind: "system", action: "admin.bootstrap", detail: {} }, AT),
    {
      at: "2030-01-02T03:04:05.678Z",
      actor: "portal",
      actorKind: "system",
      action: "admin.bootstrap",
    },
  );
});

Deno.test("audit entry: a malformed action or actor kind is the caller's bug", () => {
  for (const action of ["", "User.delete", "user..delete", "user delete", ".x", "a".repeat(65)]) {
    assert.equal(isActionName(action), false, action);
    assert.throws(() => auditRow({ actor: "a", action }, AT), TypeError, action);
  }
  assert.ok(isActionName("transaction.close") && isActionName("logout") && isActionName("login.failure"));
  // deno-lint-ignore no-explicit-any
  assert.throws(() => auditRow({ actor: "a", actorKind: "robot" as any, action: "logout" }, AT), TypeError);
});

Deno.test("audit entry: text is clipped and has no control characters; a huge detail is replaced", () => {
  const row = auditRow({
    actor: "x".repeat(100),
    action: "idtag.create",
    target: "line\nbreak\u001b[31m",
    detail: { blob: "y".repeat(MAX_DETAIL_BYTES) },
  }, AT);
  assert.equal(row.actor.length, 64);
  assert.ok(row.actor.endsWith("…"));
  assert.equal(row.target, "line\uFFFDbreak\uFFFD[31m");
  assert.match(JSON.parse(row.detail!).omitted, /over the 4096 limit/);
  assert.equal(clip("short", 10), "short");
  assert.equal(plainAddress("::ffff:127.0.0.1"), "127.0.0.1");
  assert.equal(plainAddress("::1"), "::1");
  assert.equal(plainAddress("2001:db8::ffff:1"), "2001:db8::ffff:1");
});
