import assert from "node:assert/strict";
import { listAfter, type LocalListEntry, localListUpdate } from "./local_list.ts";

const A: LocalListEntry = { idTag: "A", status: "Accepted" };
const B: LocalListEntry = { idTag: "B", status: "Blocked", parentIdTag: "P" };
const C: LocalListEntry = { idTag: "C", status: "Accepted", expiryDate: "2030-01-01T00:00:00.000Z" };

Deno.test("Full lists every tag with its info, one version above the last", () => {
  const u = localListUpdate([A, B], { version: 4, entries: [] }, "Full");
  assert.equal(u.listVersion, 5);
  assert.deepEqual(u.localAuthorizationList, [
    { idTag: "A", idTagInfo: { status: "Accepted" } },
    { idTag: "B", idTagInfo: { status: "Blocked", parentIdTag: "P" } },
  ]);
  assert.deepEqual(u.holds, [A, B]);
});

Deno.test("Differential carries only what changed since the last accepted list, removals without info", () => {
  const u = localListUpdate(
    [{ ...A, status: "Blocked" }, C],
    { version: 2, entries: [A, B] },
    "Differential",
  );
  assert.equal(u.listVersion, 3);
  assert.deepEqual(u.localAuthorizationList, [
    { idTag: "A", idTagInfo: { status: "Blocked" } },
    { idTag: "C", idTagInfo: { status: "Accepted", expiryDate: "2030-01-01T00:00:00.000Z" } },
    { idTag: "B" },
  ]);
  assert.deepEqual(u.holds.map((e) => e.idTag), ["A", "C"]);
  // Nothing changed: an empty differential, still a new version.
  const none = localListUpdate([A, B], { version: 2, entries: [A, B] }, "Differential");
  assert.deepEqual(none.localAuthorizationList, []);
  assert.equal(none.listVersion, 3);
});

Deno.test("the first list is version 1, whole even when asked as Differential", () => {
  const u = localListUpdate([A], undefined, "Differential");
  assert.equal(u.listVersion, 1);
  assert.deepEqual(u.localAuthorizationList, [{ idTag: "A", idTagInfo: { status: "Accepted" } }]);
});

Deno.test("listAfter: what the charger holds once it accepts a Full or a Differential update", () => {
  assert.deepEqual(listAfter([A, B], "Full", [{ idTag: "C", idTagInfo: { status: "Accepted" } }]), [
    { idTag: "C", status: "Accepted" },
  ]);
  assert.deepEqual(
    listAfter([A, B], "Differential", [{ idTag: "b" }, { idTag: "A", idTagInfo: { status: "Expired" } }]),
    [{ idTag: "A", status: "Expired" }],
  );
});
