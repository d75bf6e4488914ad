/**
 * Orphaned transactions against a real CSMS over a real WebSocket: a second
 * StartTransaction on a busy connector supersedes the older transaction (a
 * replay does not), stale transactions are flagged, an operator's close by
 * hand is recorded, and a charger's late StopTransaction is answered without
 * undoing either close or counting energy twice.
 */
import assert from "node:assert/strict";
import {
  eventsOf,
  startTestCsms,
  TestCharger,
  type TestCharger as Charger,
  waitFor,
} from "./csms_support.ts";

function start(cp: Charger, connectorId: number, meterStart: number, timestamp: string, idTag = "TAG-O") {
  return cp.session.call("StartTransaction", { connectorId, idTag, meterStart, timestamp });
}

function meter(cp: Charger, connectorId: number, transactionId: number, wh: number, timestamp: string) {
  return cp.session.call("MeterValues", {
    connectorId,
    transactionId,
    meterValue: [{
      timestamp,
      sampledValue: [{ value: String(wh), measurand: "Energy.Active.Import.Register" }],
    }],
  });
}

function status(cp: Charger, connectorId: number, s: "Available" | "Charging") {
  return cp.session.call("StatusNotification", { connectorId, status: s, errorCode: "NoError" });
}

Deno.test("csms orphans: a second start on a busy connector supersedes the first, keeping its energy", async () => {
  const t = await startTestCsms();
  let cp = await TestCharger.connect(t.csms.url, "CP-ORPHAN-1");
  let again: Awaited<ReturnType<typeof startTestCsms>> | undefined;
  try {
    const queries = t.reads;
    await cp.boot();
    const a = await start(cp, 1, 1000, "2026-03-01T10:00:00.000Z");
    // The same StartTransaction again (its answer was lost): the same transaction, nothing superseded.
    const replayA = await start(cp, 1, 1000, "2026-03-01T10:00:00.000Z");
    assert.equal(replayA.transactionId, a.transactionId);
    await meter(cp, 1, a.transactionId, 1800, "2026-03-01T10:20:00.000Z");
    assert.deepEqual((await queries.listTransactions({ chargerId: cp.id, active: true })).total, 1);

    // The charger starts again on connector 1 without ever stopping A.
    const b = await start(cp, 1, 2000, "2026-03-01T11:00:00.000Z", "TAG-O2");
    assert.notEqual(b.transactionId, a.transactionId);
    assert.equal(b.idTagInfo.status, "Accepted");
    // B's replay is B, and supersedes nothing either.
    assert.equal(
      (await start(cp, 1, 2000, "2026-03-01T11:00:00.000Z", "TAG-O2")).transactionId,
      b.transactionId,
    );
    // Another connector's start leaves B alone.
    const c = await start(cp, 2, 50, "2026-03-01T11:05:00.000Z");

    const txA = await queries.getTransaction(a.transactionId);
    assert.ok(txA);
    assert.deepEqual(
      [
        txA.stopReason,
        txA.meterStopWh,
        txA.energyWh,
        txA.stoppedAt,
        txA.supersededBy,
        txA.closedBy,
        txA.stale,
      ],
      ["Superseded", 1800, 800, "2026-03-01T11:00:00.000Z", b.transactionId, undefined, undefined],
    );
    assert.ok(txA.closedAt && Math.abs(Date.parse(txA.closedAt) - Date.now()) < 60_000, "closed now");
    const active = await queries.listTransactions({ chargerId: cp.id, active: true });
    assert.deepEqual(active.items.map((x) => x.id), [c.transactionId, b.transactionId]);
    assert.deepEqual(
      (await queries.getCharger(cp.id))?.activeTransactions.map((x) => x.id),
      [b.transactionId, c.transactionId],
    );

    // Published and logged once, before the start that superseded it.
    const stopped = eventsOf(t.events, "transaction.stopped", cp.id);
    assert.deepEqual(
      stopped.map((e) => [e.transactionId, e.reason, e.meterStopWh, e.energyWh, e.supersededBy]),
      [[a.transactionId, "Superseded", 1800, 800, b.transactionId]],
    );
    const order = t.events.filter((e) => e.type === "transaction.started" || e.type === "transaction.stopped")
      .map((e) => `${e.type}:${(e as { transactionId: number }).transactionId}`);
    assert.deepEqual(order, [
      `transaction.started:${a.transactionId}`,
      `transaction.stopped:${a.transactionId}`,
      `transaction.started:${b.transactionId}`,
      `transaction.started:${c.transactionId}`,
    ]);
    const log = await queries.eventLog({ chargerId: cp.id });
    const stopLog = log.filter((e) => e.type === "transaction.stopped");
    assert.equal(stopLog.length, 1);
    assert.equal((stopLog[0].data as { reason: string }).reason, "Superseded");

    // The charger's own StopTransaction for A turns up late: answered per spec, the close stands, and its
    // figures are kept beside it; the energy is not counted again.
    const late = await cp.session.call("StopTransaction", {
      transactionId: a.transactionId,
      idTag: "TAG-O",
      meterStop: 1900,
      timestamp: "2026-03-01T10:30:00.000Z",
      reason: "EVDisconnected",
      transactionData: [{ timestamp: "2026-03-01T10:30:00.000Z", sampledValue: [{ value: "1900" }] }],
    });
    assert.equal(late.idTagInfo?.status, "Accepted");
    // A second one (changed figures, as a confused charger might send) changes nothing more.
    await cp.session.call("StopTransaction", {
      transactionId: a.transactionId,
      meterStop: 2500,
      timestamp: "2026-03-01T10:45:00.000Z",
    });
    const afterLate = await queries.getTransaction(a.transactionId);
    assert.deepEqual(
      [afterLate?.stopReason, afterLate?.meterStopWh, afterLate?.energyWh, afterLate?.stoppedAt],
      ["Superseded", 1800, 800, "2026-03-01T11:00:00.000Z"],
    );
    assert.deepEqual(afterLate?.reportedStop, {
      meterStopWh: 1900,
      stoppedAt: "2026-03-01T10:30:00.000Z",
      reason: "EVDisconnected",
    });
    assert.equal(eventsOf(t.events, "transaction.stopped", cp.id).length, 1, "no second stop published");
    const reported = (await queries.eventLog({ chargerId: cp.id })).filter((e) =>
      e.type === "transaction.reported-after-close"
    );
    assert.deepEqual(reported.map((e) => e.data), [{
      transactionId: a.transactionId,
      meterStopWh: 1900,
      stoppedAt: "2026-03-01T10:30:00.000Z",
      reason: "EVDisconnected",
    }]);
    // Its transactionData is kept with A's samples.
    assert.deepEqual(
      (await queries.meterHistory(cp.id, { transactionId: a.transactionId })).map((s) => s.energyWh),
      [1800, 1900],
    );

    // All of it is on disk: a restarted CSMS reads the same.
    await t.stop();
    await cp.closed();
    again = await startTestCsms({}, { dataDir: t.dataDir });
    const reread = await again.csms.storage.reads.getTransaction(a.transactionId);
    assert.deepEqual(
      [reread?.stopReason, reread?.energyWh, reread?.supersededBy, reread?.reportedStop?.meterStopWh],
      ["Superseded", 800, b.transactionId, 1900],
    );
    assert.deepEqual(
      (await again.csms.storage.reads.listTransactions({ chargerId: cp.id, active: true })).items.map((x) =>
        x.id
      ),
      [c.transactionId, b.transactionId],
    );
    // B is still stopped normally by its charger.
    cp = await TestCharger.connect(again.csms.url, cp.id);
    await cp.session.call("StopTransaction", {
      transactionId: b.transactionId,
      meterStop: 2600,
      timestamp: "2026-03-01T11:30:00.000Z",
    });
    const txB = await again.csms.storage.reads.getTransaction(b.transactionId);
    assert.deepEqual([txB?.stopReason, txB?.energyWh, txB?.reportedStop], ["Local", 600, undefined]);
  } finally {
    await cp.close();
    if (again) await again.stop();
    await t.close();
  }
});

Deno.test("csms orphans: stale after the charger goes offline or its connector says Available", async () => {
  const t = await startTestCsms({ STALE_TX_MINUTES: "0" });
  const cp = await TestCharger.connect(t.csms.url, "CP-STALE-1");
  let patient: Awaited<ReturnType<typeof startTestCsms>> | undefined;
  try {
    const queries = t.reads;
    await cp.boot();
    await status(cp, 1, "Available");
    const { transactionId } = await start(cp, 1, 0, "2026-03-02T10:00:00.000Z");
    await status(cp, 1, "Charging");
    assert.equal((await queries.getTransaction(transactionId))?.stale, undefined, "charging, online");
    assert.equal((await queries.listTransactions({ stale: true })).total, 0);
    assert.deepEqual((await queries.listTransactions({ stale: false })).items.map((x) => x.id), [
      transactionId,
    ]);

    await status(cp, 1, "Available");
    const available = await queries.getTransaction(transactionId);
    assert.equal(available?.stale?.cause, "ConnectorAvailable");
    const connector = (await queries.getCharger(cp.id))?.connectors.find((x) => x.connectorId === 1);
    assert.equal(available?.stale?.since, connector?.updatedAt);
    assert.equal((await queries.getCharger(cp.id))?.activeTransactions[0].stale?.cause, "ConnectorAvailable");

    await status(cp, 1, "Charging");
    assert.equal((await queries.getTransaction(transactionId))?.stale, undefined);

    await cp.close();
    await waitFor(() => eventsOf(t.events, "charger.disconnected", cp.id).length, "charger.disconnected");
    const list = await queries.listTransactions({ stale: true });
    assert.deepEqual(list.items.map((x) => [x.id, x.stale?.cause]), [[transactionId, "ChargerOffline"]]);
    assert.equal(list.items[0].stale?.since, (await queries.getCharger(cp.id))?.lastSeenAt);
    assert.equal((await queries.listTransactions({ stale: false })).total, 0);
    assert.equal((await queries.listTransactions({ stale: true, active: false })).total, 0);

    // With the default hour, a charger gone a moment ago is not stale yet.
    await t.stop();
    patient = await startTestCsms({}, { dataDir: t.dataDir });
    assert.equal((await patient.csms.storage.reads.getTransaction(transactionId))?.stale, undefined);
    assert.equal((await patient.csms.storage.reads.listTransactions({ stale: true })).total, 0);
  } finally {
    await cp.close();
    if (patient) await patient.stop();
    await t.close();
  }
});

Deno.test("csms orphans: an operator's close is recorded; the charger's later stop does not undo it", async () => {
  const t = await startTestCsms();
  const cp = await TestCharger.connect(t.csms.url, "CP-CLOSE-1");
  try {
    const queries = t.reads;
    await cp.boot();
    const { transactionId } = await start(cp, 1, 500, "2026-03-03T10:00:00.000Z");
    await meter(cp, 1, transactionId, 2500, "2026-03-03T10:30:00.000Z");

    await assert.rejects(t.admin.closeTransaction(transactionId, { by: "alice", reason: "  " }), RangeError);
    await assert.rejects(
      t.admin.closeTransaction(transactionId, { by: "alice", reason: "x".repeat(201) }),
      /reason must be 1 to 200 characters/,
    );
    assert.deepEqual(await t.admin.closeTransaction(99_999, { by: "alice", reason: "gone" }), {
      ok: false,
      error: "not_found",
      message: "no transaction 99999",
    });

    const before = Date.now();
    const closed = await t.admin.closeTransaction(transactionId, { by: "alice", reason: " charger dead " });
    assert.ok(closed.ok);
    const tx = closed.transaction;
    assert.deepEqual(
      [tx.stopReason, tx.closedBy, tx.closeReason, tx.meterStopWh, tx.energyWh, tx.stale],
      ["ClosedByOperator", "alice", "charger dead", 2500, 2000, undefined],
    );
    assert.equal(tx.closedAt, tx.stoppedAt);
    assert.ok(Date.parse(tx.closedAt!) >= before - 1000 && Date.parse(tx.closedAt!) <= Date.now() + 1000);
    assert.equal((await queries.getCharger(cp.id))?.activeTransactions.length, 0);

    const again = await t.admin.closeTransaction(transactionId, { by: "bob", reason: "twice" });
    assert.deepEqual(again, {
      ok: false,
      error: "already_stopped",
      message: `transaction ${transactionId} was stopped already`,
    });

    const [event] = eventsOf(t.events, "transaction.stopped", cp.id);
    assert.deepEqual(
      [event.transactionId, event.reason, event.closedBy, event.closeReason, event.energyWh],
      [transactionId, "ClosedByOperator", "alice", "charger dead", 2000],
    );
    const logged = (await queries.eventLog({ chargerId: cp.id })).filter((e) =>
      e.type === "transaction.stopped"
    );
    assert.deepEqual(logged.map((e) => [(e.data as { closedBy: string }).closedBy, e.at]), [[
      "alice",
      event.at,
    ]]);

    // The charger was only unreachable: its StopTransaction is answered, the close stands.
    const stop = await cp.session.call("StopTransaction", {
      transactionId,
      idTag: "TAG-O",
      meterStop: 3000,
      timestamp: "2026-03-03T11:00:00.000Z",
      reason: "Local",
    });
    assert.deepEqual(stop, { idTagInfo: { status: "Accepted" } });
    const after = await queries.getTransaction(transactionId);
    assert.deepEqual(
      [after?.stopReason, after?.closedBy, after?.meterStopWh, after?.energyWh, after?.reportedStop],
      [
        "ClosedByOperator",
        "alice",
        2500,
        2000,
        { meterStopWh: 3000, stoppedAt: "2026-03-03T11:00:00.000Z", reason: "Local" },
      ],
    );
    assert.equal(eventsOf(t.events, "transaction.stopped", cp.id).length, 1);
    const reported = (await queries.eventLog({ chargerId: cp.id })).find((e) =>
      e.type === "transaction.reported-after-close"
    );
    assert.equal((reported?.data as { closedBy: string }).closedBy, "alice");
  } finally {
    await cp.close();
    await t.close();
  }
});
