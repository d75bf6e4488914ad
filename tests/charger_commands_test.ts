/**
 * Every Core command the central system can send, answered by the simulator
 * over a real WebSocket, with the effect a central system would then observe.
 */
import assert from "node:assert/strict";
import { type ChargePointHandle, startChargePoint } from "../charger/mod.ts";
import type { ChargePointOptions } from "../charger/options.ts";
import { fastCharger, measurand, TestCsms, type TestCsmsOptions } from "./charger_csms.ts";

async function withCharger(
  id: string,
  o: Partial<ChargePointOptions>,
  body: (csms: TestCsms, cp: ChargePointHandle) => Promise<void>,
  csmsOptions: TestCsmsOptions = {},
): Promise<void> {
  const csms = new TestCsms(csmsOptions);
  const cp = startChargePoint(fastCharger(csms, { id, ...o }));
  try {
    await csms.next(id, "StatusNotification", (p) => p.connectorId === (o.connectors ?? 1));
    await body(csms, cp);
  } finally {
    await cp.stop();
    await csms.close();
  }
}

Deno.test("GetConfiguration and ChangeConfiguration over the real store, with effects", async () => {
  await withCharger("CP-CFG", { connectors: 2 }, async (csms) => {
    const all = await csms.call("CP-CFG", "GetConfiguration", {});
    const keys = new Map(all.configurationKey!.map((k) => [k.key, k]));
    assert.deepEqual(keys.get("NumberOfConnectors"), {
      key: "NumberOfConnectors",
      readonly: true,
      value: "2",
    });
    assert.deepEqual(
      keys.get("SupportedFeatureProfiles")?.value,
      "Core,FirmwareManagement,LocalAuthListManagement,RemoteTrigger,Reservation,SmartCharging",
    );
    for (
      const k of [
        "HeartbeatInterval",
        "MeterValueSampleInterval",
        "MeterValuesSampledData",
        "AuthorizeRemoteTxRequests",
        "ConnectionTimeOut",
      ]
    ) {
      assert.equal(keys.get(k)?.readonly, false, k);
    }
    assert.deepEqual(await csms.call("CP-CFG", "GetConfiguration", { key: ["HeartbeatInterval", "Bogus"] }), {
      configurationKey: [{ key: "HeartbeatInterval", readonly: false, value: "300" }],
      unknownKey: ["Bogus"],
    });
    assert.deepEqual(
      await csms.call("CP-CFG", "ChangeConfiguration", { key: "NumberOfConnectors", value: "9" }),
      {
        status: "Rejected",
      },
    );
    assert.deepEqual(await csms.call("CP-CFG", "ChangeConfiguration", { key: "Bogus", value: "1" }), {
      status: "NotSupported",
    });
    assert.deepEqual(
      await csms.call("CP-CFG", "ChangeConfiguration", { key: "HeartbeatInterval", value: "soon" }),
      {
        status: "Rejected",
      },
    );
    // A shorter heartbeat takes effect at once: from one every 300 s to one a second.
    assert.deepEqual(
      await csms.call("CP-CFG", "ChangeConfiguration", { key: "HeartbeatInterval", value: "1" }),
      {
        status: "Accepted",
      },
    );
    await csms.until("heartbeats at the new interval", () => csms.of("CP-CFG", "Heartbeat").length >= 3);
    assert.deepEqual(await csms.call("CP-CFG", "GetConfiguration", { key: ["heartbeatinterval"] }), {
      configurationKey: [{ key: "HeartbeatInterval", readonly: false, value: "1" }],
    });
    // Sampling follows MeterValueSampleInterval and MeterValuesSampledData.
    await csms.call("CP-CFG", "ChangeConfiguration", {
      key: "MeterValuesSampledData",
      value: "SoC,Energy.Active.Import.Register",
    });
    await csms.call("CP-CFG", "ChangeConfiguration", { key: "MeterValueSampleInterval", value: "1" });
    await csms.call("CP-CFG", "RemoteStartTransaction", { connectorId: 2, idTag: "T" });
    const mv = await csms.next("CP-CFG", "MeterValues");
    assert.deepEqual(
      mv.payload.meterValue[0].sampledValue.map((s: { measurand: string }) => s.measurand),
      ["SoC", "Energy.Active.Import.Register"],
    );
  });
});

Deno.test("ChangeAvailability: a free connector goes Unavailable at once, a busy one when its session ends", async () => {
  await withCharger("CP-AV", { connectors: 2 }, async (csms, cp) => {
    assert.deepEqual(
      await csms.call("CP-AV", "ChangeAvailability", { connectorId: 1, type: "Inoperative" }),
      {
        status: "Accepted",
      },
    );
    const unavailable = await csms.next(
      "CP-AV",
      "StatusNotification",
      (p) => p.connectorId === 1 && p.status === "Unavailable",
    );
    assert.deepEqual(await csms.call("CP-AV", "RemoteStartTransaction", { connectorId: 1, idTag: "T" }), {
      status: "Rejected",
    });
    assert.equal(await cp.startLocal(1, "T"), false);
    await csms.call("CP-AV", "ChangeAvailability", { connectorId: 1, type: "Operative" });
    await csms.next(
      "CP-AV",
      "StatusNotification",
      (p) => p.connectorId === 1 && p.status === "Available",
      unavailable.seq,
    );

    await csms.call("CP-AV", "RemoteStartTransaction", { connectorId: 2, idTag: "T" });
    await csms.until("the id arrives", () => cp.snapshot().connectors[1].transactionId !== undefined);
    assert.deepEqual(
      await csms.call("CP-AV", "ChangeAvailability", { connectorId: 2, type: "Inoperative" }),
      {
        status: "Scheduled",
      },
    );
    await csms.call("CP-AV", "RemoteStopTransaction", {
      // A 1.6 charge point's transaction ids are the central system's numbers.
      transactionId: cp.snapshot().connectors[1].transactionId as number,
    });
    const finishing = await csms.next(
      "CP-AV",
      "StatusNotification",
      (p) => p.connectorId === 2 && p.status === "Finishing",
    );
    await csms.next(
      "CP-AV",
      "StatusNotification",
      (p) => p.connectorId === 2 && p.status === "Unavailable",
      finishing.seq,
    );

    // The whole charge point (connector 0), and a connector that does not exist.
    assert.deepEqual(
      await csms.call("CP-AV", "ChangeAvailability", { connectorId: 0, type: "Inoperative" }),
      {
        status: "Accepted",
      },
    );
    await csms.next("CP-AV", "StatusNotification", (p) => p.connectorId === 0 && p.status === "Unavailable");
    await csms.next(
      "CP-AV",
      "StatusNotification",
      (p) => p.connectorId === 1 && p.status === "Unavailable",
      finishing.seq,
    );
    assert.deepEqual(
      await csms.call("CP-AV", "ChangeAvailability", { connectorId: 7, type: "Inoperative" }),
      {
        status: "Rejected",
      },
    );
  });
});

Deno.test("UnlockConnector ends a running transaction with UnlockCommand and frees the connector", async () => {
  await withCharger("CP-UL", {}, async (csms, cp) => {
    await csms.call("CP-UL", "RemoteStartTransaction", { idTag: "T" });
    await csms.until("the id arrives", () => cp.snapshot().connectors[0].transactionId !== undefined);
    assert.deepEqual(await csms.call("CP-UL", "UnlockConnector", { connectorId: 1 }), { status: "Unlocked" });
    const stop = await csms.next("CP-UL", "StopTransaction");
    assert.equal(stop.payload.reason, "UnlockCommand");
    await csms.next("CP-UL", "StatusNotification", (p) => p.status === "Available", stop.seq);
    assert.deepEqual(await csms.call("CP-UL", "UnlockConnector", { connectorId: 3 }), {
      status: "NotSupported",
    });
  });
});

Deno.test("ClearCache, DataTransfer and GetLocalListVersion answer as the spec asks", async () => {
  await withCharger("CP-MISC", { vendor: "Acme" }, async (csms) => {
    assert.deepEqual(await csms.call("CP-MISC", "ClearCache", {}), { status: "Accepted" });
    assert.deepEqual(await csms.call("CP-MISC", "DataTransfer", { vendorId: "Other" }), {
      status: "UnknownVendorId",
    });
    assert.deepEqual(await csms.call("CP-MISC", "DataTransfer", { vendorId: "Acme", messageId: "Nope" }), {
      status: "UnknownMessageId",
    });
    assert.deepEqual(
      await csms.call("CP-MISC", "DataTransfer", { vendorId: "Acme", messageId: "Echo", data: "hi" }),
      {
        status: "Accepted",
        data: "hi",
      },
    );
    assert.deepEqual(
      await csms.call("CP-MISC", "GetLocalListVersion", {}),
      { listVersion: 0 },
      "no list installed yet",
    );
  });
});

Deno.test("TriggerMessage sends the requested message after its answer", async () => {
  await withCharger("CP-TRIG", { connectors: 2 }, async (csms) => {
    const from = csms.lastSeq;
    assert.deepEqual(
      await csms.call("CP-TRIG", "TriggerMessage", {
        requestedMessage: "StatusNotification",
        connectorId: 2,
      }),
      {
        status: "Accepted",
      },
    );
    await csms.next("CP-TRIG", "StatusNotification", (p) => p.connectorId === 2, from);
    await csms.call("CP-TRIG", "TriggerMessage", { requestedMessage: "Heartbeat" });
    await csms.next("CP-TRIG", "Heartbeat");
    await csms.call("CP-TRIG", "TriggerMessage", { requestedMessage: "MeterValues", connectorId: 1 });
    const mv = await csms.next("CP-TRIG", "MeterValues");
    assert.equal(mv.payload.meterValue[0].sampledValue[0].context, "Trigger");
    assert.equal(measurand(mv.payload, "Energy.Active.Import.Register"), 0);
    await csms.call("CP-TRIG", "TriggerMessage", { requestedMessage: "DiagnosticsStatusNotification" });
    assert.deepEqual((await csms.next("CP-TRIG", "DiagnosticsStatusNotification")).payload, {
      status: "Idle",
    });
    await csms.call("CP-TRIG", "TriggerMessage", { requestedMessage: "BootNotification" });
    await csms.until("a second boot", () => csms.of("CP-TRIG", "BootNotification").length === 2);
    assert.deepEqual(
      await csms.call("CP-TRIG", "TriggerMessage", { requestedMessage: "Heartbeat", connectorId: 9 }),
      {
        status: "Rejected",
      },
    );
  });
});

Deno.test("unsupported and malformed commands get the right CALLERROR and the connection lives on", async () => {
  await withCharger("CP-ERR", {}, async (csms) => {
    csms.sendRaw("CP-ERR", JSON.stringify([2, "bad-1", "Reset", { type: "Sideways" }]));
    csms.sendRaw("CP-ERR", JSON.stringify([2, "bad-2", "NoSuchAction", {}]));
    csms.sendRaw("CP-ERR", "this is not json");
    await csms.until(
      "three CALLERRORs",
      () => csms.rawIn.filter((r) => r.text.startsWith("[4,")).length >= 3,
    );
    const errors = csms.rawIn.filter((r) => r.text.startsWith("[4,")).map((r) => JSON.parse(r.text));
    assert.deepEqual(errors.find((e) => e[1] === "bad-1")?.[2], "PropertyConstraintViolation");
    assert.deepEqual(errors.find((e) => e[1] === "bad-2")?.[2], "NotImplemented");
    assert.deepEqual(errors.find((e) => e[1] === "-1")?.[2], "FormationViolation");
    // Still connected and answering.
    assert.deepEqual(await csms.call("CP-ERR", "ClearCache", {}), { status: "Accepted" });
  });
});

Deno.test("authorization: an Invalid idTag in the StartTransaction answer ends the transaction (DeAuthorized); with AuthorizeRemoteTxRequests it never starts", async () => {
  await withCharger("CP-AUTHZ", { connectors: 2 }, async (csms, cp) => {
    await csms.call("CP-AUTHZ", "RemoteStartTransaction", { connectorId: 1, idTag: "BLOCKED" });
    const stop = await csms.next("CP-AUTHZ", "StopTransaction");
    assert.equal(stop.payload.reason, "DeAuthorized");

    await csms.call("CP-AUTHZ", "ChangeConfiguration", { key: "AuthorizeRemoteTxRequests", value: "true" });
    assert.deepEqual(
      await csms.call("CP-AUTHZ", "RemoteStartTransaction", { connectorId: 2, idTag: "BLOCKED" }),
      {
        status: "Accepted",
      },
    );
    const auth = await csms.next("CP-AUTHZ", "Authorize", (p) => p.idTag === "BLOCKED");
    await csms.next(
      "CP-AUTHZ",
      "StatusNotification",
      (p) => p.connectorId === 2 && p.status === "Available",
      auth.seq,
    );
    assert.equal(csms.of("CP-AUTHZ", "StartTransaction").length, 1, "no second transaction");
    assert.equal(cp.snapshot().connectors[1].status, "Available");
  }, { invalidTags: ["BLOCKED"] });
});
