import assert from "node:assert/strict";
import { LocalList } from "./local_list.ts";

const limits = { maxEntries: 3, maxPerMessage: 2 };
const ok = { status: "Accepted" } as const;

Deno.test("Full replaces the list, Differential adds, updates and removes, versions rise", () => {
  const list = new LocalList();
  assert.equal(list.version, 0);
  assert.equal(
    list.apply({
      listVersion: 5,
      updateType: "Full",
      localAuthorizationList: [{ idTag: "A", idTagInfo: ok }, { idTag: "B", idTagInfo: ok }],
    }, limits),
    "Accepted",
  );
  assert.equal(list.version, 5);
  assert.deepEqual(list.get("a"), ok, "idTags are case-insensitive");
  assert.equal(
    list.apply({
      listVersion: 6,
      updateType: "Differential",
      localAuthorizationList: [{ idTag: "A" }, { idTag: "C", idTagInfo: { status: "Blocked" } }],
    }, limits),
    "Accepted",
  );
  assert.deepEqual(list.entries().map((e) => [e.idTag, e.idTagInfo.status]), [["B", "Accepted"], [
    "C",
    "Blocked",
  ]]);
  assert.equal(list.version, 6);
});

Deno.test("VersionMismatch and Failed leave the list as it was", () => {
  const list = new LocalList();
  list.apply(
    { listVersion: 2, updateType: "Full", localAuthorizationList: [{ idTag: "A", idTagInfo: ok }] },
    limits,
  );
  assert.equal(
    list.apply({ listVersion: 2, updateType: "Differential", localAuthorizationList: [] }, limits),
    "VersionMismatch",
  );
  assert.equal(
    list.apply({
      listVersion: 3,
      updateType: "Full",
      localAuthorizationList: ["X", "Y", "Z"].map((idTag) => ({ idTag, idTagInfo: ok })),
    }, limits),
    "Failed",
    "more than SendLocalListMaxLength in one message",
  );
  list.apply({
    listVersion: 3,
    updateType: "Differential",
    localAuthorizationList: ["X", "Y"].map((idTag) => ({ idTag, idTagInfo: ok })),
  }, limits);
  assert.equal(
    list.apply({
      listVersion: 4,
      updateType: "Differential",
      localAuthorizationList: [{ idTag: "Z", idTagInfo: ok }],
    }, limits),
    "Failed",
    "more than LocalAuthListMaxLength in all",
  );
  assert.equal(list.version, 3);
  assert.equal(list.size, 3);
  // A Full update with no entries empties the list: version 0 again.
  assert.equal(list.apply({ listVersion: 9, updateType: "Full" }, limits), "Accepted");
  assert.equal(list.version, 0);
});
