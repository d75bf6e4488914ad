/**
 * The simulator against a central system over real WebSockets: boot,
 * statuses, heartbeat interval, and a remotely started and stopped charging
 * session with rising state of charge.
 */
import assert from "node:assert/strict";
import { startChargePoint } from "../charger/mod.ts";
import { fastCharger, measurand, TestCsms } from "./charger_csms.ts";

Deno.test("charger boots, reports every connector, and heartbeats at the interval the central system sets", async () => {
  const csms = new TestCsms({ interval: (id) => (id === "CP-FAST" ? 1 : 4) });
  const fast = startChargePoint(
    fastCharger(csms, { id: "CP-FAST", connectors: 2, vendor: "Acme", model: "X1" }),
  );
  const slow = startChargePoint(fastCharger(csms, { id: "CP-SLOW" }));
  try {
    const boot = await csms.next("CP-FAST", "BootNotification");
    assert.equal(csms.of("CP-FAST")[0].action, "BootNotification", "nothing may precede the boot");
    assert.equal(boot.payload.chargePointVendor, "Acme");
    assert.equal(boot.payload.chargePointModel, "X1");
    for (const connectorId of [0, 1, 2]) {
      await csms.next(
        "CP-FAST",
        "StatusNotification",
        (p) => p.connectorId === connectorId && p.status === "Available",
      );
    }
    // Counting, not timing: while the 1 s charger sends twelve heartbeats, the 4 s one sends about three.
    // The bounds are wide so a loaded machine cannot fail it; ignoring the interval would give ~10.
    await csms.until("twelve heartbeats from CP-FAST", () => csms.of("CP-FAST", "Heartbeat").length >= 12);
    const slowBeats = csms.of("CP-SLOW", "Heartbeat").length;
    assert.ok(
      slowBeats >= 1 && slowBeats <= 6,
      `CP-SLOW sent ${slowBeats} heartbeats meanwhile, expected about 3`,
    );
    assert.ok(csms.of("CP-FAST", "Heartbeat")[0].seq > boot.seq);
    assert.equal(fast.config.get("HeartbeatInterval"), "1", "the boot's interval becomes the configured one");
  } finally {
    await fast.stop();
    await slow.stop();
    await csms.close();
  }
});

Deno.test("remote start charges with rising SoC in MeterValues; remote stop ends it with reason Remote", async () => {
  const csms = new TestCsms();
  const cp = startChargePoint(fastCharger(csms, {
    id: "CP-RS",
    powerKw: 22,
    batteryKwh: 2,
    soc: 20,
    config: { MeterValueSampleInterval: "1" },
  }));
  try {
    await csms.next("CP-RS", "StatusNotification", (p) => p.connectorId === 1 && p.status === "Available");
    assert.deepEqual(
      await csms.call("CP-RS", "RemoteStartTransaction", { connectorId: 1, idTag: "TAG-1" }),
      { status: "Accepted" },
    );
    const start = await csms.next("CP-RS", "StartTransaction");
    assert.equal(start.payload.connectorId, 1);
    assert.equal(start.payload.idTag, "TAG-1");
    assert.equal(start.payload.meterStart, 0);
    const transactionId = 1001; // the test central system numbers transactions from 1001
    await csms.next("CP-RS", "StatusNotification", (p) => p.connectorId === 1 && p.status === "Charging");

    const ofTx = () =>
      csms.of("CP-RS", "MeterValues").filter((m) => m.payload.transactionId === transactionId);
    await csms.until("the Begin sample and three periodic MeterValues", () => ofTx().length >= 4);
    // The meter is read as the transaction opens: the car's state at once, before any charging.
    const [begin, ...samples] = ofTx();
    assert.equal(begin.payload.meterValue[0].sampledValue[0].context, "Transaction.Begin");
    assert.equal(measurand(begin.payload, "Energy.Active.Import.Register"), start.payload.meterStart);
    assert.equal(measurand(begin.payload, "SoC"), 20);
    assert.ok(samples.every((m) => m.payload.meterValue[0].sampledValue[0].context === "Sample.Periodic"));
    for (
      const name of [
        "Energy.Active.Import.Register",
        "Power.Active.Import",
        "Current.Import",
        "Voltage",
        "SoC",
      ]
    ) {
      assert.notEqual(measurand(samples[0].payload, name), undefined, `${name} missing`);
    }
    const socs = samples.map((m) => measurand(m.payload, "SoC")!);
    const energy = samples.map((m) => measurand(m.payload, "Energy.Active.Import.Register")!);
    for (let i = 1; i < samples.length; i++) {
      assert.ok(socs[i] > socs[i - 1], `SoC must rise: ${socs.join(", ")}`);
      assert.ok(energy[i] >= energy[i - 1], `energy register must not fall: ${energy.join(", ")}`);
    }
    assert.ok(socs[0] > 20);
    assert.ok(measurand(samples[0].payload, "Power.Active.Import")! <= 22_000);

    assert.deepEqual(
      await csms.call("CP-RS", "RemoteStartTransaction", { connectorId: 1, idTag: "TAG-2" }),
      { status: "Rejected" },
      "a busy connector refuses a second start",
    );
    assert.deepEqual(
      await csms.call("CP-RS", "RemoteStopTransaction", { transactionId: 4242 }),
      { status: "Rejected" },
      "an unknown transaction cannot be stopped",
    );
    assert.deepEqual(await csms.call("CP-RS", "RemoteStopTransaction", { transactionId }), {
      status: "Accepted",
    });
    const stop = await csms.next("CP-RS", "StopTransaction");
    assert.equal(stop.payload.transactionId, transactionId);
    assert.equal(stop.payload.reason, "Remote");
    assert.equal(stop.payload.idTag, "TAG-1");
    const lastSampled = Math.max(
      ...csms.of("CP-RS", "MeterValues").map((m) =>
        measurand(m.payload, "Energy.Active.Import.Register") ?? 0
      ),
    );
    assert.ok(stop.payload.meterStop >= lastSampled, "meterStop is the register at the end");
    assert.ok(stop.payload.meterStop > start.payload.meterStart, "energy was delivered");
    // StopTxnSampledData: the transaction's series, from its beginning through its periodic samples to its end.
    // deno-lint-ignore no-explicit-any
    const data: any[] = stop.payload.transactionData;
    const contexts = data.map((mv) => mv.sampledValue[0].context);
    assert.equal(contexts[0], "Transaction.Begin");
    assert.equal(contexts.at(-1), "Transaction.End");
    assert.ok(contexts.filter((c) => c === "Sample.Periodic").length >= 3, contexts.join(", "));
    assert.equal(
      measurand({ meterValue: [data.at(-1)] }, "Energy.Active.Import.Register"),
      stop.payload.meterStop,
    );
    assert.equal(
      measurand({ meterValue: [data[0]] }, "Energy.Active.Import.Register"),
      start.payload.meterStart,
    );

    await csms.next(
      "CP-RS",
      "StatusNotification",
      (p) => p.connectorId === 1 && p.status === "Available",
      stop.seq,
    );
    const statuses = csms.of("CP-RS", "StatusNotification").filter((m) => m.payload.connectorId === 1)
      .map((m) => m.payload.status);
    assert.deepEqual(statuses, ["Available", "Preparing", "Charging", "Finishing", "Available"]);
  } finally {
    await cp.stop();
    await csms.close();
  }
});

Deno.test("a car reaching its target SoC stops drawing: SuspendedEV, zero power", async () => {
  const csms = new TestCsms();
  const cp = startChargePoint(fastCharger(csms, {
    id: "CP-FULL",
    powerKw: 50,
    batteryKwh: 1,
    soc: 70,
    targetSoc: 72,
    config: { MeterValueSampleInterval: "1" },
  }));
  try {
    await csms.next("CP-FULL", "StatusNotification", (p) => p.connectorId === 1);
    assert.equal(await cp.startLocal(1, "LOCAL-1"), true);
    await csms.next("CP-FULL", "Authorize", (p) => p.idTag === "LOCAL-1");
    const suspended = await csms.next("CP-FULL", "StatusNotification", (p) => p.status === "SuspendedEV");
    const after = await csms.next("CP-FULL", "MeterValues", () => true, suspended.seq);
    assert.equal(measurand(after.payload, "SoC"), 72);
    assert.equal(measurand(after.payload, "Power.Active.Import"), 0);
    // The car sits full; the driver stops at the charger.
    assert.equal(cp.stopLocal(1), true);
    const stop = await csms.next("CP-FULL", "StopTransaction");
    assert.equal(stop.payload.reason, "Local");
    // 2 % of 1 kWh is 20 Wh.
    const start = csms.of("CP-FULL", "StartTransaction")[0];
    assert.ok(Math.abs(stop.payload.meterStop - start.payload.meterStart - 20) <= 1);
  } finally {
    await cp.stop();
    await csms.close();
  }
});

Deno.test("pulling the cable ends the transaction with EVDisconnected; a fault shows Faulted and blocks starts", async () => {
  const csms = new TestCsms();
  const cp = startChargePoint(fastCharger(csms, { id: "CP-EV" }));
  try {
    await csms.next("CP-EV", "StatusNotification", (p) => p.connectorId === 1);
    assert.equal(await cp.startLocal(1, "DRIVER"), true);
    await csms.next("CP-EV", "StatusNotification", (p) => p.status === "Charging");
    assert.equal(cp.unplug(1), true);
    const stop = await csms.next("CP-EV", "StopTransaction");
    assert.equal(stop.payload.reason, "EVDisconnected");
    const available = await csms.next(
      "CP-EV",
      "StatusNotification",
      (p) => p.status === "Available",
      stop.seq,
    );
    assert.ok(
      !csms.of("CP-EV", "StatusNotification").some((r) => r.payload.status === "Finishing"),
      "no cable, no Finishing",
    );

    assert.equal(cp.setFault(1, "GroundFailure"), true);
    await csms.next(
      "CP-EV",
      "StatusNotification",
      (p) => p.status === "Faulted" && p.errorCode === "GroundFailure",
    );
    assert.deepEqual(await csms.call("CP-EV", "RemoteStartTransaction", { idTag: "T" }), {
      status: "Rejected",
    });
    // Still Faulted, for another reason: the central system must hear the new error code.
    cp.setFault(1, "OverVoltage");
    await csms.next(
      "CP-EV",
      "StatusNotification",
      (p) => p.status === "Faulted" && p.errorCode === "OverVoltage",
    );
    cp.setFault(1, "NoError");
    await csms.next(
      "CP-EV",
      "StatusNotification",
      (p) => p.status === "Available" && p.errorCode === "NoError",
      available.seq,
    );
  } finally {
    await cp.stop();
    await csms.close();
  }
});
