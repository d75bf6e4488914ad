/** Admin requests over the bus, served by a live CSMS: what they change in storage and on the wire. */
import assert from "node:assert/strict";
import { eventsOf, startTestCsms, TestCharger, waitFor } from "./csms_support.ts";

Deno.test("csms admin: registration.delete closes the live connection; transaction.close stops and announces", async () => {
  const t = await startTestCsms();
  const cp = await TestCharger.connect(t.csms.url, "CP-ADMIN");
  try {
    await cp.boot();
    const { transactionId } = await cp.session.call("StartTransaction", {
      connectorId: 1,
      idTag: "TAG",
      meterStart: 100,
      timestamp: new Date().toISOString(),
    });

    const closed = await t.bus.admin({
      kind: "transaction.close",
      transactionId,
      by: "alice",
      reason: " dead ",
    });
    assert.ok(closed.ok && closed.value.ok);
    assert.equal(closed.value.transaction.stopReason, "ClosedByOperator");
    assert.equal(closed.value.transaction.closeReason, "dead");
    const stopped = await waitFor(() => eventsOf(t.events, "transaction.stopped", cp.id)[0], "stopped");
    assert.deepEqual([stopped.transactionId, stopped.chargerTransactionId, stopped.closedBy], [
      transactionId,
      String(transactionId),
      "alice",
    ]);
    assert.deepEqual(
      await t.bus.admin({ kind: "transaction.close", transactionId, by: "alice", reason: "again" }),
      {
        ok: true,
        value: {
          ok: false,
          error: "already_stopped",
          message: `transaction ${transactionId} was stopped already`,
        },
      },
    );
    const tooLong = await t.bus.admin({ kind: "transaction.close", transactionId, by: "a", reason: " " });
    assert.equal(!tooLong.ok && tooLong.error, "invalid");

    // A registration.put leaves the live connection be; its delete withdraws access at once.
    const put = await t.bus.admin({
      kind: "registration.put",
      chargerId: cp.id,
      options: { securityProfile: 0 },
    });
    assert.ok(put.ok && put.value.created === false, "registered on first contact under CHARGER_POLICY=open");
    assert.ok(cp.isOpen);
    assert.deepEqual(await t.bus.admin({ kind: "registration.delete", chargerId: cp.id }), {
      ok: true,
      value: true,
    });
    const close = await cp.closed();
    assert.equal(close.code, 1008);
    assert.equal(close.reason, "registration removed");
    assert.equal(await t.reads.getRegistration(cp.id), undefined);
    assert.deepEqual(await t.bus.admin({ kind: "registration.delete", chargerId: cp.id }), {
      ok: true,
      value: false,
    });
    await waitFor(async () => (await t.reads.getCharger(cp.id))?.online === false, "offline");
  } finally {
    await cp.close();
    await t.close();
  }
});

Deno.test("csms admin: an invalid id tag answers invalid with the rule; a valid one is stored and deleted", async () => {
  const t = await startTestCsms();
  try {
    const tooLong = await t.bus.admin({
      kind: "idtag.put",
      tag: { idTag: "X".repeat(21), status: "Accepted" },
    });
    assert.deepEqual(tooLong, { ok: false, error: "invalid", message: "idTag must be 1 to 20 characters" });
    const badStatus = await t.bus.admin({
      kind: "idtag.put",
      tag: { idTag: "X", status: "Maybe" as "Accepted" },
    });
    assert.equal(!badStatus.ok && badStatus.error, "invalid");
    const put = await t.bus.admin({ kind: "idtag.put", tag: { idTag: "GOOD", status: "Blocked" } });
    assert.ok(put.ok);
    assert.equal(put.value.status, "Blocked");
    assert.equal((await t.reads.getIdTag("GOOD"))?.status, "Blocked");
    assert.deepEqual(await t.bus.admin({ kind: "idtag.delete", idTag: "GOOD" }), { ok: true, value: true });
    assert.equal(await t.reads.getIdTag("GOOD"), undefined);
    assert.deepEqual(await t.bus.admin({ kind: "charger.disconnect", chargerId: "NOBODY", reason: "x" }), {
      ok: true,
      value: false,
    });
  } finally {
    await t.close();
  }
});
