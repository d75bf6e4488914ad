/**
 * A charger's whole OCPP 1.6 Core flow against a real CSMS over a real
 * WebSocket, with every stored result read back through the portal's queries.
 */
import assert from "node:assert/strict";
import { eventsOf, startTestCsms, TestCharger, waitFor } from "./csms_support.ts";

Deno.test("csms: boot, status, authorize, start, meter values, stop — stored and published", async () => {
  const t = await startTestCsms({ HEARTBEAT_INTERVAL: "77" });
  const cp = await TestCharger.connect(t.csms.url, "CP-CORE-1");
  try {
    const queries = t.reads;
    await waitFor(() => eventsOf(t.events, "charger.connected", cp.id).length, "charger.connected");

    const boot = await cp.boot();
    assert.equal(boot.status, "Accepted");
    assert.equal(boot.interval, 77);
    assert.ok(Math.abs(Date.parse(boot.currentTime) - Date.now()) < 60_000, "currentTime is now");

    const hb = await cp.session.call("Heartbeat", {});
    assert.ok(!Number.isNaN(Date.parse(hb.currentTime)));

    for (const connectorId of [0, 1]) {
      assert.deepEqual(
        await cp.session.call("StatusNotification", {
          connectorId,
          status: "Available",
          errorCode: "NoError",
        }),
        {},
      );
    }
    await cp.session.call("StatusNotification", {
      connectorId: 1,
      status: "Preparing",
      errorCode: "NoError",
      info: "cable plugged",
    });

    const auth = await cp.session.call("Authorize", { idTag: "TAG-CORE" });
    assert.equal(auth.idTagInfo.status, "Accepted");

    const start = await cp.session.call("StartTransaction", {
      connectorId: 1,
      idTag: "TAG-CORE",
      meterStart: 1000,
      timestamp: "2026-01-01T10:00:00.000Z",
    });
    assert.equal(start.idTagInfo.status, "Accepted");
    assert.ok(Number.isInteger(start.transactionId) && start.transactionId > 0);
    const txId = start.transactionId;
    await cp.session.call("StatusNotification", { connectorId: 1, status: "Charging", errorCode: "NoError" });

    const mid = await queries.getCharger(cp.id);
    assert.equal(mid?.activeTransactions.length, 1);
    assert.equal(mid?.activeTransactions[0].id, txId);

    assert.deepEqual(
      await cp.session.call("MeterValues", {
        connectorId: 1,
        transactionId: txId,
        meterValue: [{
          timestamp: "2026-01-01T10:05:00.000Z",
          sampledValue: [
            { value: "1.5", measurand: "Energy.Active.Import.Register", unit: "kWh" },
            { value: "11000", measurand: "Power.Active.Import", unit: "W" },
            { value: "42", measurand: "SoC", unit: "Percent" },
          ],
        }],
      }),
      {},
    );
    const during = await queries.getTransaction(txId);
    assert.equal(during?.lastMeterWh, 1500);
    assert.equal(during?.energyWh, 500);

    const stop = await cp.session.call("StopTransaction", {
      transactionId: txId,
      idTag: "TAG-CORE",
      meterStop: 4000,
      timestamp: "2026-01-01T10:30:00.000Z",
      reason: "EVDisconnected",
      transactionData: [
        // The 10:05 sample again (StopTxnSampledData: the register alone): already held, not stored twice.
        { timestamp: "2026-01-01T10:05:00Z", sampledValue: [{ value: "1500", context: "Sample.Periodic" }] },
        {
          timestamp: "2026-01-01T10:30:00.000Z",
          sampledValue: [{ value: "4000", context: "Transaction.End" }],
        },
      ],
    });
    assert.equal(stop.idTagInfo?.status, "Accepted");
    await cp.session.call("StatusNotification", {
      connectorId: 1,
      status: "Available",
      errorCode: "NoError",
    });

    // Stored results, read back as the portal reads them.
    const tx = await queries.getTransaction(txId);
    assert.deepEqual(
      {
        chargerId: tx?.chargerId,
        chargerTransactionId: tx?.chargerTransactionId,
        evseId: tx?.evseId,
        connectorId: tx?.connectorId,
        idTag: tx?.idTag,
        meterStartWh: tx?.meterStartWh,
        meterStopWh: tx?.meterStopWh,
        energyWh: tx?.energyWh,
        startedAt: tx?.startedAt,
        stoppedAt: tx?.stoppedAt,
        stopReason: tx?.stopReason,
      },
      {
        chargerId: cp.id,
        chargerTransactionId: String(txId),
        evseId: 1,
        connectorId: 1,
        idTag: "TAG-CORE",
        meterStartWh: 1000,
        meterStopWh: 4000,
        energyWh: 3000,
        startedAt: "2026-01-01T10:00:00.000Z",
        stoppedAt: "2026-01-01T10:30:00.000Z",
        stopReason: "EVDisconnected",
      },
    );
    const list = await queries.listTransactions({ chargerId: cp.id });
    assert.equal(list.total, 1);
    assert.equal((await queries.listTransactions({ chargerId: cp.id, active: true })).total, 0);

    const charger = await queries.getCharger(cp.id);
    assert.ok(charger);
    assert.equal(charger.online, true);
    assert.equal(charger.node, t.csms.node);
    assert.equal(charger.protocol, "ocpp1.6");
    assert.equal(charger.vendor, "Chargewire");
    assert.equal(charger.model, "TestCharger");
    assert.equal(charger.firmwareVersion, "1.0.0");
    assert.equal(charger.serialNumber, `SN-${cp.id}`);
    assert.ok(charger.lastBootAt && charger.lastSeenAt);
    assert.deepEqual(
      charger.connectors.map((c) => [c.evseId, c.connectorId, c.status, c.errorCode, c.original]),
      [[0, 0, "Available", undefined, "Available"], [1, 1, "Available", undefined, "Available"]],
    );
    assert.deepEqual(charger.activeTransactions, []);
    assert.equal(charger.lastSample?.energyWh, 4000);
    assert.equal(charger.lastSample?.transactionId, txId);

    const history = await queries.meterHistory(cp.id, { transactionId: txId });
    assert.deepEqual(
      history.map((s) => [s.timestamp, s.energyWh, s.powerW, s.socPercent]),
      [
        ["2026-01-01T10:05:00.000Z", 1500, 11000, 42],
        ["2026-01-01T10:30:00.000Z", 4000, undefined, undefined],
      ],
    );

    // Open policy: the unknown tag was accepted and recorded for the operator.
    assert.equal((await queries.getIdTag("TAG-CORE"))?.status, "Accepted");

    // Published on the bus, in order.
    const kinds = t.events.filter((e) => e.chargerId === cp.id && e.type !== "ocpp.frame").map((e) => e.type);
    assert.deepEqual(kinds, [
      "charger.connected",
      "charger.boot",
      "charger.heartbeat",
      "connector.status",
      "connector.status",
      "connector.status",
      "transaction.started",
      "connector.status",
      "meter.values",
      "meter.values",
      "transaction.stopped",
      "connector.status",
    ]);
    const stopped = eventsOf(t.events, "transaction.stopped", cp.id)[0];
    assert.equal(stopped.energyWh, 3000);
    assert.equal(stopped.reason, "EVDisconnected");
    const started = eventsOf(t.events, "transaction.started", cp.id)[0];
    assert.equal(started.transactionId, txId);

    // Every frame in and out was published, in wire order (the portal's log keeps them from the bus).
    const frames = eventsOf(t.events, "ocpp.frame", cp.id);
    assert.equal(frames.filter((f) => f.direction === "in").length, 11);
    assert.equal(frames.filter((f) => f.direction === "out").length, 11);
    assert.ok(frames.every((f) => f.messageType === 2 || f.messageType === 3));
    const recent = frames.slice(-4);
    assert.deepEqual(recent.map((f) => [f.direction, f.action]), [
      ["in", "StopTransaction"],
      ["out", "StopTransaction"],
      ["in", "StatusNotification"],
      ["out", "StatusNotification"],
    ]);

    // The persisted event log.
    const log = await queries.eventLog({ chargerId: cp.id });
    const logged = log.map((e) => e.type);
    for (const type of ["charger.connected", "charger.boot", "transaction.started", "transaction.stopped"]) {
      assert.ok(logged.includes(type), `event log has ${type}`);
    }

    await cp.close();
    const gone = await waitFor(
      () => eventsOf(t.events, "charger.disconnected", cp.id)[0],
      "charger.disconnected",
    );
    assert.equal(gone.reason, "closed");
    assert.equal((await queries.getCharger(cp.id))?.online, false);
    assert.deepEqual((await queries.listChargers()).map((c) => [c.id, c.online]), [[cp.id, false]]);
  } finally {
    await cp.close();
    await t.close();
  }
});

Deno.test("csms: DataTransfer, diagnostics and firmware notifications are answered and logged", async () => {
  const t = await startTestCsms({}, {
    vendors: {
      "com.example": (req) => ({ status: "Accepted", data: `echo:${req.data ?? ""}` }),
    },
  });
  const cp = await TestCharger.connect(t.csms.url, "CP-CORE-2");
  try {
    await cp.boot();
    assert.deepEqual(
      await cp.session.call("DataTransfer", { vendorId: "com.other", messageId: "x", data: "1" }),
      { status: "UnknownVendorId" },
    );
    assert.deepEqual(
      await cp.session.call("DataTransfer", { vendorId: "com.example", data: "hi" }),
      { status: "Accepted", data: "echo:hi" },
    );
    assert.deepEqual(await cp.session.call("DiagnosticsStatusNotification", { status: "Uploaded" }), {});
    assert.deepEqual(await cp.session.call("FirmwareStatusNotification", { status: "Installed" }), {});
    const types = (await t.csms.storage.reads.eventLog({ chargerId: cp.id })).map((e) => [e.type, e.data]);
    assert.deepEqual(types.filter(([type]) => type !== "charger.connected" && type !== "charger.boot"), [
      ["data.transfer", { vendorId: "com.other", messageId: "x" }],
      ["data.transfer", { vendorId: "com.example" }],
      ["diagnostics.status", { status: "Uploaded" }],
      ["firmware.status", { status: "Installed" }],
    ]);
  } finally {
    await cp.close();
    await t.close();
  }
});
