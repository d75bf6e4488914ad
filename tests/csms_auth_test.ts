/** idTag authorization under AUTH_POLICY=registered, with blocked, expired and parent tags. */
import assert from "node:assert/strict";
import { startTestCsms, TestCharger } from "./csms_support.ts";

Deno.test("csms auth: registered policy answers unknown, blocked and expired tags as such", async () => {
  const t = await startTestCsms({ AUTH_POLICY: "registered" });
  const cp = await TestCharger.connect(t.csms.url, "CP-AUTH");
  const q = t.reads;
  try {
    await cp.boot();
    await t.admin.upsertIdTag({ idTag: "GOOD", status: "Accepted", parentIdTag: "FLEET-1" });
    await t.admin.upsertIdTag({ idTag: "STOLEN", status: "Blocked" });
    await t.admin.upsertIdTag({ idTag: "OLD", status: "Accepted", expiryDate: "2020-01-01T00:00:00.000Z" });
    const future = new Date(Date.now() + 86_400_000).toISOString();
    await t.admin.upsertIdTag({ idTag: "SOON", status: "Accepted", expiryDate: future });

    const authorize = async (idTag: string) => (await cp.session.call("Authorize", { idTag })).idTagInfo;
    assert.deepEqual(await authorize("NOBODY"), { status: "Invalid" });
    assert.deepEqual(await authorize("GOOD"), { status: "Accepted", parentIdTag: "FLEET-1" });
    assert.deepEqual(
      await authorize("good"),
      { status: "Accepted", parentIdTag: "FLEET-1" },
      "case-insensitive",
    );
    assert.deepEqual(await authorize("STOLEN"), { status: "Blocked" });
    assert.deepEqual(await authorize("OLD"), { status: "Expired", expiryDate: "2020-01-01T00:00:00.000Z" });
    assert.deepEqual(await authorize("SOON"), { status: "Accepted", expiryDate: future });
    // Registered policy records nothing.
    assert.equal(await q.getIdTag("NOBODY"), undefined);

    // StartTransaction answers the same way, and still records the transaction the charger began.
    for (const [idTag, status] of [["STOLEN", "Blocked"], ["OLD", "Expired"], ["NOBODY", "Invalid"]]) {
      const r = await cp.session.call("StartTransaction", {
        connectorId: 1,
        idTag,
        meterStart: 0,
        timestamp: new Date().toISOString(),
      });
      assert.equal(r.idTagInfo.status, status);
      assert.ok((await q.getTransaction(r.transactionId))?.idTag === idTag);
    }

    // The operator blocks a tag: the next Authorize says so.
    await t.admin.upsertIdTag({ idTag: "GOOD", status: "Blocked" });
    assert.deepEqual(await authorize("GOOD"), { status: "Blocked" });
    assert.equal(await t.admin.deleteIdTag("GOOD"), true);
    assert.deepEqual(await authorize("GOOD"), { status: "Invalid" });
    await assert.rejects(
      t.admin.upsertIdTag({ idTag: "X".repeat(21), status: "Accepted" }),
      /1 to 20 characters/,
    );
    await assert.rejects(
      t.admin.upsertIdTag({ idTag: "X", status: "Maybe" as "Accepted" }),
      /status must be one of/,
    );
    assert.deepEqual((await q.listIdTags()).map((tag) => tag.idTag), ["OLD", "SOON", "STOLEN"]);
  } finally {
    await cp.close();
    await t.close();
  }
});
