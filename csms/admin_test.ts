import assert from "node:assert/strict";
import type { AdminRequest } from "../shared/admin.ts";
import { MAX_CLOSE_REASON_LENGTH } from "../shared/domain.ts";
import { type AdminServices, closeReason, createAdminHandler } from "./admin.ts";

Deno.test("admin: a close reason is trimmed, and must be 1 to MAX_CLOSE_REASON_LENGTH characters", () => {
  assert.equal(closeReason("  stuck  "), "stuck");
  assert.throws(() => closeReason("   "), RangeError);
  assert.throws(() => closeReason(42), RangeError);
  assert.throws(() => closeReason("x".repeat(MAX_CLOSE_REASON_LENGTH + 1)), RangeError);
  assert.equal(closeReason("x".repeat(MAX_CLOSE_REASON_LENGTH)).length, MAX_CLOSE_REASON_LENGTH);
});

Deno.test("admin: a RangeError answers invalid with its message; other failures are not hidden", async () => {
  const fails = (err: Error) => () => Promise.reject(err);
  const handle = createAdminHandler({} as AdminServices, {
    "idtag.put": fails(new RangeError("status must be one of Accepted")),
    "idtag.delete": fails(new Error("disk on fire")),
    "registration.put": fails(new Error("unused")),
    "registration.delete": () => Promise.resolve(true),
    "transaction.close": fails(new Error("unused")),
    "charger.disconnect": () => Promise.resolve(false),
    "firmware.put": fails(new Error("unused")),
  });
  assert.deepEqual(
    await handle({ kind: "idtag.put", tag: { idTag: "T", status: "Nope" } } as unknown as AdminRequest),
    { ok: false, error: "invalid", message: "status must be one of Accepted" },
  );
  await assert.rejects(handle({ kind: "idtag.delete", idTag: "T" }), /disk on fire/);
  assert.deepEqual(await handle({ kind: "registration.delete", chargerId: "CP" }), { ok: true, value: true });
  assert.deepEqual(
    await handle({ kind: "nope" } as unknown as AdminRequest),
    { ok: false, error: "invalid", message: "unknown admin request nope" },
  );
});
