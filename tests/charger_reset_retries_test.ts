/**
 * ResetRetries over real WebSockets: a reboot that fails (a fault injected with failResets, as setFault
 * injects a connector fault) is tried again up to ResetRetries times; when every attempt fails the
 * charger stays up, not rebooted, and reports connector 0 Faulted (InternalError) until a reset gets
 * through.
 */
import assert from "node:assert/strict";
import { type ChargerEventRecord, startChargePoint } from "../charger/mod.ts";
import { fastCharger, TestCsms } from "./charger_csms.ts";
import { startPeerServer } from "./ocpp_rpc_peer.ts";

Deno.test("a failing reboot is retried ResetRetries times: enough retries reboot, too few leave connector 0 Faulted", async () => {
  const csms = new TestCsms();
  const events: ChargerEventRecord[] = [];
  const cp = startChargePoint(fastCharger(csms, { id: "CP-RR", onEvent: (e) => events.push(e) }));
  const failed = () => events.filter((e) => e.type === "resetFailed");
  const boots = () => csms.of("CP-RR", "BootNotification").length;
  try {
    await csms.next("CP-RR", "StatusNotification", (p) => p.connectorId === 1 && p.status === "Available");
    assert.deepEqual(await csms.call("CP-RR", "ChangeConfiguration", { key: "ResetRetries", value: "2" }), {
      status: "Accepted",
    });

    // Two failures, two retries allowed: the third attempt reboots.
    cp.failResets(2);
    assert.deepEqual(await csms.call("CP-RR", "Reset", { type: "Hard" }), { status: "Accepted" });
    await csms.until("the reboot's BootNotification", () => boots() === 2);
    assert.deepEqual(
      failed().map((e) => e.type === "resetFailed" && [e.attempt, e.retriesLeft, e.gaveUp]),
      [[1, 2, false], [2, 1, false]],
    );
    await csms.until("registered again", () => cp.snapshot().registration === "Accepted");
    const afterFirst = csms.lastSeq;

    // Three failures, one retry allowed: the charger gives up after two attempts and does not reboot.
    await csms.call("CP-RR", "ChangeConfiguration", { key: "ResetRetries", value: "1" });
    cp.failResets(3);
    assert.deepEqual(await csms.call("CP-RR", "Reset", { type: "Soft" }), { status: "Accepted" });
    const fault = await csms.next("CP-RR", "StatusNotification", (p) => p.connectorId === 0, afterFirst);
    assert.equal(fault.payload.status, "Faulted");
    assert.equal(fault.payload.errorCode, "InternalError");
    assert.deepEqual(
      failed().slice(2).map((e) => e.type === "resetFailed" && [e.attempt, e.retriesLeft, e.gaveUp]),
      [[1, 1, false], [2, 0, true]],
    );
    assert.equal(boots(), 2, "no reboot");
    assert.equal(cp.snapshot().online, true, "still on line, never went down");
    assert.deepEqual(
      await csms.call("CP-RR", "RemoteStartTransaction", { connectorId: 1, idTag: "RR" }),
      { status: "Rejected" },
      "a charger whose reset failed starts nothing",
    );

    // One injected failure is left; with one retry the next reset gets through and clears the fault.
    const beforeLast = csms.lastSeq;
    assert.deepEqual(await csms.call("CP-RR", "Reset", { type: "Hard" }), { status: "Accepted" });
    await csms.until("the third BootNotification", () => boots() === 3);
    const back = await csms.next(
      "CP-RR",
      "StatusNotification",
      (p) => p.connectorId === 0 && p.status === "Available",
      beforeLast,
    );
    assert.equal(back.payload.errorCode, "NoError");
    assert.equal(failed().length, 5);
    await csms.until("registered again", () => cp.snapshot().registration === "Accepted");
    await csms.next(
      "CP-RR",
      "StatusNotification",
      (p) => p.connectorId === 1 && p.status === "Available",
      beforeLast,
    );
    assert.deepEqual(
      await csms.call("CP-RR", "RemoteStartTransaction", { connectorId: 1, idTag: "RR" }),
      { status: "Accepted" },
    );
  } finally {
    await cp.stop();
    await csms.close();
  }
});

Deno.test("against a strict ocpp-rpc central system: ResetRetries 0 gives up at the first failure, schema-valid", async () => {
  const statuses: { connectorId: number; status: string; errorCode: string }[] = [];
  let boots = 0;
  const peer = await startPeerServer(["ocpp1.6"], (c) => {
    c.handle("BootNotification", () => {
      boots++;
      return { currentTime: new Date().toISOString(), interval: 300, status: "Accepted" };
    });
    c.handle("StatusNotification", ({ params }) => {
      statuses.push(params);
      return {};
    });
    c.handle("Heartbeat", () => ({ currentTime: new Date().toISOString() }));
  });
  const cp = startChargePoint({ id: "CP-RR-PEER", url: peer.url, tickMs: 200, rebootDelayMs: 300 });
  const until = async (what: string, ok: () => boolean) => {
    const deadline = Date.now() + 20_000;
    while (!ok()) {
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for ${what}: ${JSON.stringify(statuses)}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  try {
    const station = await peer.nextClient();
    await until("connector 1 Available", () => statuses.some((s) => s.connectorId === 1));
    assert.deepEqual(await station.call("ChangeConfiguration", { key: "ResetRetries", value: "0" }), {
      status: "Accepted",
    });
    cp.failResets(1);
    assert.deepEqual(await station.call("Reset", { type: "Hard" }), { status: "Accepted" });
    await until(
      "connector 0 Faulted",
      () => statuses.some((s) => s.connectorId === 0 && s.status === "Faulted"),
    );
    assert.equal(statuses.find((s) => s.status === "Faulted")!.errorCode, "InternalError");
    assert.equal(boots, 1, "not rebooted");
  } finally {
    await cp.stop();
    await peer.close();
  }
});
