/**
 * The simulator through trouble: boot refusals, outages with queued
 * transaction messages, resets, refused messages, authentication and a
 * central system that does not speak the subprotocol.
 */
import assert from "node:assert/strict";
import { type ChargerEventRecord, startChargePoint } from "../charger/mod.ts";
import { fastCharger, measurand, type Received, TestCsms } from "./charger_csms.ts";

Deno.test("boot Pending then Rejected is retried at the given interval; nothing else is sent until Accepted", async () => {
  const csms = new TestCsms({
    bootStatus: (_id, n) => (n === 1 ? "Pending" : n === 2 ? "Rejected" : "Accepted"),
    interval: (_id, status) => (status === "Accepted" ? 300 : 1),
  });
  const cp = startChargePoint(fastCharger(csms, { id: "CP-PEND" }));
  try {
    await csms.next("CP-PEND", "StatusNotification");
    const actions = csms.of("CP-PEND").map((r) => r.action);
    assert.deepEqual(actions.slice(0, 4), [
      "BootNotification",
      "BootNotification",
      "BootNotification",
      "StatusNotification",
    ]);
    assert.equal(cp.snapshot().registration, "Accepted");
  } finally {
    await cp.stop();
    await csms.close();
  }
});

Deno.test("while offline, Start, MeterValues and Stop queue up and arrive in order after reconnecting, with the central system's transactionId", async () => {
  const csms = new TestCsms();
  const events: ChargerEventRecord[] = [];
  const cp = startChargePoint(fastCharger(csms, {
    id: "CP-OFF",
    connectors: 2,
    powerKw: 22,
    batteryKwh: 5,
    config: { MeterValueSampleInterval: "1", AllowOfflineTxForUnknownId: "true" },
    onEvent: (e) => events.push(e),
  }));
  try {
    await csms.next("CP-OFF", "StatusNotification", (p) => p.connectorId === 2);
    // Transaction A starts online and gets its id.
    assert.equal(await cp.startLocal(1, "TAG-A"), true);
    const startA = await csms.next("CP-OFF", "StartTransaction");
    await csms.until("A's id known", () => cp.snapshot().connectors[0].transactionId !== undefined);
    const idA = cp.snapshot().connectors[0].transactionId!;

    // The central system goes away.
    csms.accepting = false;
    csms.dropAll();
    await csms.until("the charger notices", () => !cp.snapshot().online);
    const offlineFrom = csms.lastSeq;

    // Offline: A goes on metering and stops; B starts (no id yet), meters and stops.
    await csms.until("A's samples queue up", () => cp.snapshot().queued >= 2);
    assert.equal(cp.stopLocal(1), true);
    assert.equal(await cp.startLocal(2, "TAG-B"), true, "AllowOfflineTxForUnknownId lets B start offline");
    await csms.until("B's samples queue up", () => cp.snapshot().queued >= 6);
    assert.equal(cp.stopLocal(2), true);
    const queued = cp.snapshot().queued;
    assert.equal(csms.lastSeq, offlineFrom, "nothing reached the central system while it was down");

    csms.accepting = true;
    await csms.until("the queue drains", () => cp.snapshot().queued === 0 && cp.snapshot().online);
    const stopB = await csms.next("CP-OFF", "StopTransaction", (p) => p.transactionId !== idA);

    const after = csms.of("CP-OFF").filter((r) => r.seq > offlineFrom);
    assert.ok(!after.some((r) => r.action === "BootNotification"), "a reconnect is not a reboot");
    const tx = after.filter((r) => ["StartTransaction", "StopTransaction", "MeterValues"].includes(r.action));
    assert.ok(tx.length >= queued, `all ${queued} queued messages arrived (got ${tx.length})`);
    const startB = tx.find((r) => r.action === "StartTransaction")!;
    const stopA = tx.find((r) => r.action === "StopTransaction" && r.payload.transactionId === idA)!;
    assert.ok(stopA, "A's StopTransaction arrived with A's id");
    assert.equal(stopA.payload.reason, "Local");
    assert.ok(stopA.seq < startB.seq && startB.seq < stopB.seq, "in the order they happened");
    const idB = stopB.payload.transactionId;
    assert.equal(startB.payload.idTag, "TAG-B");
    assert.notEqual(idB, idA);
    // Messages about B, created before its id existed, carry the id its StartTransaction answer gave.
    const mvB = tx.filter((r) => r.action === "MeterValues" && r.payload.connectorId === 2);
    assert.ok(mvB.length >= 2);
    for (const m of mvB) {
      assert.equal(m.payload.transactionId, idB);
      assert.ok(m.seq > startB.seq && m.seq < stopB.seq);
    }
    assert.ok(
      tx.filter((r) => r.action === "MeterValues" && r.payload.connectorId === 1)
        .every((m) => m.payload.transactionId === idA && m.seq < stopA.seq),
    );
    // Timestamps follow the order of delivery: nothing was reordered.
    const times = tx.map((r: Received) =>
      Date.parse(r.payload.timestamp ?? r.payload.meterValue[0].timestamp)
    );
    for (let i = 1; i < times.length; i++) {
      assert.ok(times[i] >= times[i - 1], "delivered in the order of creation");
    }
    // Meter readings agree across the outage.
    assert.ok(stopA.payload.meterStop > startA.payload.meterStart);
    assert.equal(startB.payload.meterStart, 0);
    assert.equal(measurand(stopB.payload, "Energy.Active.Import.Register"), stopB.payload.meterStop);
    // The central system hears every connector's status again after the outage.
    await csms.next("CP-OFF", "StatusNotification", (p) => p.connectorId === 0, offlineFrom);
    assert.ok(
      events.some((e) => e.type === "disconnected" && !e.wasOpen),
      "reconnection attempts were refused meanwhile",
    );
  } finally {
    await cp.stop();
    await csms.close();
  }
});

Deno.test("a StopTransaction refused with CALLERROR is retried until the central system takes it", async () => {
  const csms = new TestCsms({ failFirst: { StopTransaction: 2 } });
  const cp = startChargePoint(fastCharger(csms, {
    id: "CP-RETRY",
    config: { TransactionMessageRetryInterval: "1", TransactionMessageAttempts: "5" },
  }));
  try {
    await csms.next("CP-RETRY", "StatusNotification");
    assert.equal(await cp.startLocal(1, "TAG"), true);
    await csms.next("CP-RETRY", "StartTransaction");
    await csms.until("the id arrives", () => cp.snapshot().connectors[0].transactionId !== undefined);
    cp.stopLocal(1);
    await csms.until(
      "three StopTransaction attempts",
      () => csms.of("CP-RETRY", "StopTransaction").length === 3,
    );
    await csms.until("the queue empties", () => cp.snapshot().queued === 0);
    const stops = csms.of("CP-RETRY", "StopTransaction");
    assert.ok(
      stops.every((s) => JSON.stringify(s.payload) === JSON.stringify(stops[0].payload)),
      "the same message each time",
    );
  } finally {
    await cp.stop();
    await csms.close();
  }
});

for (const kind of ["Soft", "Hard"] as const) {
  Deno.test(`Reset ${kind}: the transaction ends with ${kind}Reset, the charger reconnects and boots again`, async () => {
    const csms = new TestCsms();
    const cp = startChargePoint(fastCharger(csms, { id: `CP-${kind}` }));
    const id = `CP-${kind}`;
    try {
      await csms.next(id, "StatusNotification");
      assert.deepEqual(await csms.call(id, "RemoteStartTransaction", { idTag: "TAG" }), {
        status: "Accepted",
      });
      await csms.next(id, "StatusNotification", (p) => p.status === "Charging");
      await csms.until("the id arrives", () => cp.snapshot().connectors[0].transactionId !== undefined);
      const transactionId = cp.snapshot().connectors[0].transactionId;
      assert.deepEqual(await csms.call(id, "Reset", { type: kind }), { status: "Accepted" });
      const stop = await csms.next(id, "StopTransaction");
      assert.equal(stop.payload.reason, `${kind}Reset`);
      assert.equal(stop.payload.transactionId, transactionId);
      await csms.until(
        "a boot on a new connection",
        () => csms.of(id, "BootNotification").some((b) => b.connection === 2),
      );
      const boot2 = csms.of(id, "BootNotification").find((b) => b.connection === 2)!;
      await csms.next(
        id,
        "StatusNotification",
        (p) => p.connectorId === 1 && p.status === "Available",
        boot2.seq,
      );
      if (kind === "Soft") {
        assert.equal(stop.connection, 1, "a soft reset delivers the Stop before rebooting");
      } else {
        // A hard reset does not wait: a Stop not yet answered goes again after the new boot, never before it.
        const stops = csms.of(id, "StopTransaction");
        assert.ok(stops.every((s) => s.connection === 1 || s.seq > boot2.seq));
      }
      assert.equal(cp.snapshot().connectors[0].transactionId, undefined);
    } finally {
      await cp.stop();
      await csms.close();
    }
  });
}

Deno.test("HTTP Basic auth (security profile 1): the right password boots, a wrong one is refused and retried", async () => {
  const csms = new TestCsms({ password: "correct-horse-battery" });
  const events: ChargerEventRecord[] = [];
  const good = startChargePoint(fastCharger(csms, { id: "CP-AUTH", password: "correct-horse-battery" }));
  const bad = startChargePoint(
    fastCharger(csms, { id: "CP-NOPE", password: "wrong", onEvent: (e) => events.push(e) }),
  );
  try {
    await csms.next("CP-AUTH", "BootNotification");
    assert.equal(csms.authHeaders.get("CP-AUTH"), `Basic ${btoa("CP-AUTH:correct-horse-battery")}`);
    await csms.until(
      "CP-NOPE to be refused twice",
      () => events.filter((e) => e.type === "disconnected" && !e.wasOpen).length >= 2,
    );
    assert.equal(csms.of("CP-NOPE").length, 0);
    assert.equal(bad.snapshot().online, false);
  } finally {
    await good.stop();
    await bad.stop();
    await csms.close();
  }
});

Deno.test("a central system that does not select ocpp1.6 is refused: no OCPP traffic", async () => {
  const csms = new TestCsms({ omitSubprotocol: true });
  const events: ChargerEventRecord[] = [];
  const cp = startChargePoint(fastCharger(csms, { id: "CP-PROTO", onEvent: (e) => events.push(e) }));
  try {
    await csms.until(
      "two refused connections",
      () => events.filter((e) => e.type === "disconnected" && /subprotocol/.test(e.reason)).length >= 2,
    );
    assert.equal(csms.rawIn.length, 0);
    assert.ok(!events.some((e) => e.type === "connected"));
  } finally {
    await cp.stop();
    await csms.close();
  }
});
