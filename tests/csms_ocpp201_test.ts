/**
 * The CSMS with OCPP 2.0.1 charging stations, end to end: a real CSMS (tests/csms_support.ts) and a
 * strict npm `ocpp-rpc` 2.0.1 client (tests/ocpp_rpc_peer.ts), which checks every payload both ways
 * against the OCA schemas with code not written here. What the station does lands in the same domain
 * model as a 1.6 charger's, read through storage.reads as the portal reads it.
 */
import assert from "node:assert/strict";
import { connectPeerClient, type PeerSession } from "./ocpp_rpc_peer.ts";
import { eventsOf, startTestCsms, type TestCsms, waitFor } from "./csms_support.ts";

const T0 = Date.parse("2026-03-01T10:00:00Z");
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

function station(t: TestCsms, identity: string, password?: string): Promise<PeerSession> {
  return connectPeerClient({
    endpoint: t.csms.url,
    identity,
    protocols: ["ocpp2.0.1", "ocpp1.6"],
    ...(password !== undefined && { password }),
  });
}

async function boot(client: PeerSession) {
  return await client.call<{ status: string; interval: number; currentTime: string }>("BootNotification", {
    reason: "PowerUp",
    chargingStation: {
      vendorName: "ACME",
      model: "Volt-2",
      serialNumber: "SN-201",
      firmwareVersion: "2.0.1-a",
      modem: { iccid: "89310410106543789301", imsi: "262011234567890" },
    },
  });
}

const energy = (wh: number, s: number, extra: Record<string, unknown>[] = []) => [{
  timestamp: at(s),
  sampledValue: [
    { value: wh, measurand: "Energy.Active.Import.Register", unitOfMeasure: { unit: "Wh" } },
    ...extra,
  ],
}];

interface TxEvent {
  eventType: "Started" | "Updated" | "Ended";
  seqNo: number;
  transactionId: string;
  s: number;
  triggerReason?: string;
  wh?: number;
  idToken?: string;
  evse?: boolean;
  chargingState?: string;
  stoppedReason?: string;
  offline?: boolean;
  remoteStartId?: number;
}

function txEvent(e: TxEvent) {
  return {
    eventType: e.eventType,
    timestamp: at(e.s),
    triggerReason: e.triggerReason ??
      (e.eventType === "Started"
        ? "Authorized"
        : e.eventType === "Ended"
        ? "EVDeparted"
        : "MeterValuePeriodic"),
    seqNo: e.seqNo,
    transactionInfo: {
      transactionId: e.transactionId,
      ...(e.chargingState !== undefined && { chargingState: e.chargingState }),
      ...(e.stoppedReason !== undefined && { stoppedReason: e.stoppedReason }),
      ...(e.remoteStartId !== undefined && { remoteStartId: e.remoteStartId }),
    },
    ...(e.offline !== undefined && { offline: e.offline }),
    ...((e.evse ?? e.eventType === "Started") && { evse: { id: 1, connectorId: 1 } }),
    ...(e.idToken !== undefined && { idToken: { idToken: e.idToken, type: "ISO14443" } }),
    ...(e.wh !== undefined && { meterValue: energy(e.wh, e.s) }),
  };
}

async function transactionsOf(t: TestCsms, chargerId: string) {
  return (await t.reads.listTransactions({ chargerId })).items;
}

Deno.test("ocpp2.0.1: a station offering both subprotocols speaks 2.0.1; boot, heartbeat, status, authorize", async () => {
  const t = await startTestCsms();
  const client = await station(t, "CS-201-A");
  try {
    assert.equal(client.protocol, "ocpp2.0.1");
    const booted = await boot(client);
    assert.equal(booted.status, "Accepted");
    assert.equal(booted.interval, 60);
    const charger = await waitFor(async () => {
      const c = await t.reads.getCharger("CS-201-A");
      return c?.vendor ? c : undefined;
    }, "the station's boot recorded");
    assert.equal(charger.protocol, "ocpp2.0.1");
    assert.equal(charger.model, "Volt-2");
    assert.equal(charger.serialNumber, "SN-201");
    assert.equal(charger.firmwareVersion, "2.0.1-a");
    assert.equal(eventsOf(t.events, "charger.boot", "CS-201-A").length, 1);

    const hb = await client.call<{ currentTime: string }>("Heartbeat", {});
    assert.ok(Number.isFinite(Date.parse(hb.currentTime)));

    for (const [evseId, connectorStatus] of [[1, "Available"], [2, "Faulted"]] as const) {
      await client.call("StatusNotification", { timestamp: at(0), connectorStatus, evseId, connectorId: 1 });
    }
    const connectors = (await t.reads.getCharger("CS-201-A"))!.connectors;
    assert.deepEqual(
      connectors.map((c) => [c.evseId, c.connectorId, c.status, c.original]),
      [[1, 1, "Available", "Available"], [2, 1, "Faulted", "Faulted"]],
    );

    await t.admin.upsertIdTag({
      idTag: "CARD-1",
      status: "Accepted",
      parentIdTag: "FLEET-7",
      expiryDate: "2099-01-01T00:00:00.000Z",
    });
    await t.admin.upsertIdTag({ idTag: "CARD-BLOCKED", status: "Blocked" });
    const ok = await client.call<{ idTokenInfo: Record<string, unknown> }>("Authorize", {
      idToken: { idToken: "CARD-1", type: "ISO14443" },
    });
    assert.deepEqual(ok.idTokenInfo, {
      status: "Accepted",
      cacheExpiryDateTime: "2099-01-01T00:00:00.000Z",
      groupIdToken: { idToken: "FLEET-7", type: "Central" },
    });
    const blocked = await client.call<{ idTokenInfo: { status: string } }>("Authorize", {
      idToken: { idToken: "CARD-BLOCKED", type: "ISO14443" },
    });
    assert.equal(blocked.idTokenInfo.status, "Blocked");
  } finally {
    await client.close({ force: true });
    await t.close();
  }
});

Deno.test("ocpp2.0.1: a whole transaction Started → Updated → Ended lands in the domain model", async () => {
  const t = await startTestCsms();
  const id = "CS-201-TX";
  const client = await station(t, id);
  try {
    await boot(client);
    const started = await client.call<{ idTokenInfo?: { status: string } }>(
      "TransactionEvent",
      txEvent({
        eventType: "Started",
        seqNo: 0,
        transactionId: "tx-aa-1",
        s: 0,
        wh: 10_000,
        idToken: "CARD-9",
        chargingState: "Charging",
        remoteStartId: 42,
      }),
    );
    assert.equal(started.idTokenInfo?.status, "Accepted");
    let [tx] = await transactionsOf(t, id);
    assert.equal(tx.chargerTransactionId, "tx-aa-1");
    assert.equal(tx.idTag, "CARD-9");
    assert.equal(tx.meterStartWh, 10_000);
    assert.equal(tx.evseId, 1);
    assert.equal(tx.stoppedAt, undefined);
    const status = eventsOf(t.events, "connector.status", id).at(-1);
    assert.equal(status?.chargingState, "Charging");
    assert.equal(status?.status, "Occupied");

    const updated = await client.call<Record<string, unknown>>("TransactionEvent", {
      ...txEvent({ eventType: "Updated", seqNo: 1, transactionId: "tx-aa-1", s: 60 }),
      meterValue: [{
        timestamp: at(60),
        sampledValue: [
          { value: 10.9, measurand: "Energy.Active.Import.Register", unitOfMeasure: { unit: "kWh" } },
          { value: 7.2, measurand: "Power.Active.Import", unitOfMeasure: { unit: "kW" } },
          { value: 55, measurand: "SoC", unitOfMeasure: { unit: "Percent" } },
        ],
      }],
    });
    assert.deepEqual(updated, {}, "no idToken, no idTokenInfo");
    [tx] = await transactionsOf(t, id);
    assert.equal(tx.energyWh, 900);

    await client.call(
      "TransactionEvent",
      txEvent({
        eventType: "Ended",
        seqNo: 2,
        transactionId: "tx-aa-1",
        s: 120,
        wh: 11_500,
        stoppedReason: "EVDisconnected",
      }),
    );
    [tx] = await transactionsOf(t, id);
    assert.equal(tx.stoppedAt, at(120));
    assert.equal(tx.meterStopWh, 11_500);
    assert.equal(tx.energyWh, 1500);
    assert.equal(tx.stopReason, "EVDisconnected");
    const samples = await t.reads.meterHistory(id, { transactionId: tx.id });
    assert.deepEqual(samples.map((s) => s.energyWh), [10_000, 10_900, 11_500]);
    assert.equal(samples[1].powerW, 7200);
    assert.equal(samples[1].socPercent, 55);
    const [start] = eventsOf(t.events, "transaction.started", id);
    assert.equal(start.chargerTransactionId, "tx-aa-1");
    const [stop] = eventsOf(t.events, "transaction.stopped", id);
    assert.equal(stop.transactionId, tx.id);
    assert.equal(stop.energyWh, 1500);
    const log = await t.reads.eventLog({ chargerId: id, limit: 100 });
    const first = log.find((e) => e.type === "transaction.event") as { data: Record<string, unknown> };
    assert.equal(first.data.remoteStartId, 42);
    assert.equal(first.data.triggerReason, "Authorized");
  } finally {
    await client.close({ force: true });
    await t.close();
  }
});

Deno.test("ocpp2.0.1: a seqNo gap is noted, replayed events record nothing twice, a late idToken answers", async () => {
  const t = await startTestCsms();
  const id = "CS-201-SEQ";
  const client = await station(t, id);
  try {
    await boot(client);
    const tx = "tx-seq";
    // Started on plug-in, before anyone is authorized.
    const start = txEvent({
      eventType: "Started",
      seqNo: 0,
      transactionId: tx,
      s: 0,
      wh: 0,
      triggerReason: "CablePluggedIn",
    });
    await client.call("TransactionEvent", start);
    const authorized = await client.call<{ idTokenInfo?: { status: string } }>(
      "TransactionEvent",
      txEvent({ eventType: "Updated", seqNo: 1, transactionId: tx, s: 10, idToken: "LATE-CARD" }),
    );
    assert.equal(authorized.idTokenInfo?.status, "Accepted");
    const update = txEvent({ eventType: "Updated", seqNo: 4, transactionId: tx, s: 30, wh: 300 });
    await client.call("TransactionEvent", update);
    // The answer was "lost": the same events again.
    await client.call("TransactionEvent", update);
    await client.call("TransactionEvent", start);
    const end = txEvent({ eventType: "Ended", seqNo: 5, transactionId: tx, s: 40, wh: 400 });
    await client.call("TransactionEvent", end);
    await client.call("TransactionEvent", end);

    const all = await transactionsOf(t, id);
    assert.equal(all.length, 1);
    assert.equal(all[0].energyWh, 400);
    assert.equal(all[0].stopReason, "Local");
    // The token that came after the start is the transaction's own now (lists, CSV, the portal show it).
    assert.equal(all[0].idTag, "LATE-CARD");
    assert.deepEqual((await t.reads.meterHistory(id)).map((s) => s.energyWh), [0, 300, 400]);
    assert.equal(eventsOf(t.events, "transaction.started", id).length, 1);
    assert.equal(eventsOf(t.events, "transaction.stopped", id).length, 1);
    const log = await t.reads.eventLog({ chargerId: id, limit: 100 });
    const gaps = log.filter((e) => e.type === "transaction.seqno-gap");
    assert.deepEqual(gaps.map((e) => (e.data as { missing: unknown }).missing), [{ from: 2, to: 3 }]);
    assert.equal(log.filter((e) => (e.data as { replay?: boolean }).replay).length, 3);
    const late = log.find((e) => e.type === "transaction.authorized");
    assert.equal((late?.data as { idTag: string }).idTag, "LATE-CARD");
  } finally {
    await client.close({ force: true });
    await t.close();
  }
});

Deno.test("ocpp2.0.1: offline-flagged events after a reconnect, their Started lost, and replayed, are recorded once", async () => {
  const t = await startTestCsms();
  const id = "CS-201-OFF";
  let client = await station(t, id);
  try {
    await boot(client);
    await client.close();
    client = await station(t, id);
    // The Started never reached the CSMS; the station's queue begins at seqNo 1, flagged offline.
    const queued = [
      txEvent({
        eventType: "Updated",
        seqNo: 1,
        transactionId: "tx-off",
        s: 0,
        wh: 5000,
        evse: true,
        offline: true,
        idToken: "CARD-OFF",
      }),
      txEvent({ eventType: "Updated", seqNo: 2, transactionId: "tx-off", s: 60, wh: 5600, offline: true }),
      txEvent({
        eventType: "Ended",
        seqNo: 3,
        transactionId: "tx-off",
        s: 120,
        wh: 6000,
        offline: true,
        stoppedReason: "PowerLoss",
      }),
    ];
    for (const e of queued) await client.call("TransactionEvent", e);
    // Resent after another reconnect (their answers lost).
    await client.close();
    client = await station(t, id);
    for (const e of queued) await client.call("TransactionEvent", e);

    const all = await transactionsOf(t, id);
    assert.equal(all.length, 1);
    const [tx] = all;
    assert.equal(tx.chargerTransactionId, "tx-off");
    assert.equal(tx.idTag, "CARD-OFF");
    assert.equal(tx.evseId, 1);
    assert.equal(tx.meterStartWh, 5000);
    assert.equal(tx.meterStopWh, 6000);
    assert.equal(tx.energyWh, 1000);
    assert.equal(tx.stopReason, "PowerLoss");
    assert.equal((await t.reads.meterHistory(id)).length, 3);
    const log = await t.reads.eventLog({ chargerId: id, limit: 100 });
    assert.ok(log.some((e) => e.type === "transaction.started-late"));
    const events = log.filter((e) => e.type === "transaction.event").map((e) =>
      e.data as Record<string, unknown>
    );
    assert.equal(events.length, 6);
    assert.ok(events.every((e) => e.offline === true));
  } finally {
    await client.close({ force: true });
    await t.close();
  }
});

Deno.test("ocpp2.0.1: NotifyReport lands in the device model", async () => {
  const t = await startTestCsms();
  const id = "CS-201-DM";
  const client = await station(t, id);
  try {
    await boot(client);
    await client.call("NotifyReport", {
      requestId: 1,
      generatedAt: at(0),
      seqNo: 0,
      tbc: false,
      reportData: [
        {
          component: { name: "OCPPCommCtrlr" },
          variable: { name: "HeartbeatInterval" },
          variableAttribute: [{ type: "Actual", value: "60", mutability: "ReadWrite" }],
          variableCharacteristics: { dataType: "integer", unit: "s", supportsMonitoring: false },
        },
        {
          component: { name: "EVSE", evse: { id: 1 } },
          variable: { name: "Power" },
          variableAttribute: [{ type: "MaxSet", value: "22000", mutability: "ReadOnly" }],
        },
      ],
    });
    const model = await t.reads.deviceModel(id);
    const heartbeat = model.find((v) => v.variable === "HeartbeatInterval");
    assert.equal(heartbeat?.value, "60");
    assert.equal(heartbeat?.dataType, "integer");
    assert.equal(heartbeat?.unit, "s");
    const power = model.find((v) => v.variable === "Power");
    assert.equal(power?.evseId, 1);
    assert.equal(power?.attributeType, "MaxSet");
    assert.equal(power?.value, "22000");

    // A full inventory the CSMS asks for replaces the model: what its pages leave out is gone, and its first
    // page is answered right after the GetBaseReport (no clear may land after a page, on either engine).
    client.handle("GetBaseReport", ({ params }) => {
      setTimeout(() =>
        client.call("NotifyReport", {
          requestId: params.requestId,
          generatedAt: at(1),
          seqNo: 0,
          tbc: false,
          reportData: [{
            component: { name: "OCPPCommCtrlr" },
            variable: { name: "HeartbeatInterval" },
            variableAttribute: [{ type: "Actual", value: "90", mutability: "ReadWrite" }],
          }],
        }), 0);
      return { status: "Accepted" };
    });
    const asked = await t.bus.sendCommand(id, "GetBaseReport", { requestId: 7, reportBase: "FullInventory" });
    assert.deepEqual(asked, { ok: true, response: { status: "Accepted" } });
    await waitFor(async () => {
      const after = await t.reads.deviceModel(id);
      return after.length === 1 && after[0].value === "90";
    }, "only the new report's variable in the model");
    // A summary report adds to the model, and leaves what it does not name.
    await client.call("NotifyReport", {
      requestId: 8,
      generatedAt: at(2),
      seqNo: 0,
      reportData: [{
        component: { name: "EVSE", evse: { id: 1 } },
        variable: { name: "Power" },
        variableAttribute: [{ type: "MaxSet", value: "11000", mutability: "ReadOnly" }],
      }],
    });
    assert.equal((await t.reads.deviceModel(id)).length, 2);
  } finally {
    await client.close({ force: true });
    await t.close();
  }
});

Deno.test("ocpp2.0.1: operator commands over the bus reach the station and answer with its response", async () => {
  const t = await startTestCsms();
  const id = "CS-201-CMD";
  const client = await station(t, id);
  const got: { action: string; params: Record<string, unknown> }[] = [];
  const record = (action: string, answer: (p: Record<string, unknown>) => unknown) =>
    client.handle(action, ({ params }) => {
      got.push({ action, params });
      return answer(params);
    });
  record("RequestStartTransaction", () => ({ status: "Accepted", transactionId: "tx-remote" }));
  record("RequestStopTransaction", () => ({ status: "Accepted" }));
  record("GetVariables", (p) => ({
    getVariableResult: (p.getVariableData as { component: unknown; variable: unknown }[]).map((d) => ({
      attributeStatus: "Accepted",
      component: d.component,
      variable: d.variable,
      attributeValue: "300",
    })),
  }));
  record("SetVariables", (p) => ({
    setVariableResult: (p.setVariableData as { component: unknown; variable: unknown }[]).map((d) => ({
      attributeStatus: "Accepted",
      component: d.component,
      variable: d.variable,
    })),
  }));
  try {
    await boot(client);
    await client.call("NotifyReport", {
      requestId: 1,
      generatedAt: at(0),
      seqNo: 0,
      reportData: [{
        component: { name: "OCPPCommCtrlr" },
        variable: { name: "HeartbeatInterval" },
        variableAttribute: [{ value: "60", mutability: "ReadWrite" }],
        variableCharacteristics: { dataType: "integer", unit: "s", supportsMonitoring: false },
      }],
    });

    const start = await t.bus.sendCommand(id, "RequestStartTransaction", {
      idToken: { idToken: "CARD-R", type: "ISO14443" },
      evseId: 1,
    });
    assert.deepEqual(start, { ok: true, response: { status: "Accepted", transactionId: "tx-remote" } });
    const sent = got.find((g) => g.action === "RequestStartTransaction")!.params;
    assert.ok(
      Number.isSafeInteger(sent.remoteStartId) && (sent.remoteStartId as number) > 0,
      "remoteStartId assigned",
    );
    // An operator's own remoteStartId is sent as it is.
    await t.bus.sendCommand(id, "RequestStartTransaction", {
      idToken: { idToken: "CARD-R", type: "ISO14443" },
      remoteStartId: 7,
    });
    assert.equal(got.filter((g) => g.action === "RequestStartTransaction")[1].params.remoteStartId, 7);

    const stop = await t.bus.sendCommand(id, "RequestStopTransaction", { transactionId: "tx-remote" });
    assert.deepEqual(stop, { ok: true, response: { status: "Accepted" } });

    const heartbeatVar = { component: { name: "OCPPCommCtrlr" }, variable: { name: "HeartbeatInterval" } };
    const read = await t.bus.sendCommand(id, "GetVariables", { getVariableData: [heartbeatVar] });
    assert.equal(read.ok, true);
    assert.equal(
      (await t.reads.deviceModel(id)).find((v) => v.variable === "HeartbeatInterval")?.value,
      "300",
    );

    const set = await t.bus.sendCommand(id, "SetVariables", {
      setVariableData: [{ ...heartbeatVar, attributeValue: "120" }],
    });
    assert.equal(set.ok, true);
    const hb = (await t.reads.deviceModel(id)).find((v) => v.variable === "HeartbeatInterval");
    assert.equal(hb?.value, "120");
    assert.equal(hb?.dataType, "integer", "what the report said of it stays");

    const before = got.length;
    const invalid = await t.bus.sendCommand(id, "RequestStopTransaction", { transactionId: 12 });
    assert.equal(invalid.ok, false);
    assert.equal(!invalid.ok && invalid.error, "invalid");
    assert.match(!invalid.ok ? invalid.message : "", /RequestStopTransaction request is invalid/);
    const notOurs = await t.bus.sendCommand(id, "RemoteStartTransaction", { idTag: "X" });
    assert.equal(!notOurs.ok && notOurs.error, "invalid");
    assert.equal(got.length, before, "nothing invalid was sent");
  } finally {
    await client.close({ force: true });
    await t.close();
  }
});

Deno.test("ocpp2.0.1: security profile 1 with the registration's key, as for 1.6", async () => {
  const t = await startTestCsms({ CHARGER_POLICY: "basic" });
  const id = "CS-201-SP1";
  try {
    const { authorizationKey } = await t.admin.registerCharger(id, { securityProfile: 1 });
    assert.ok(authorizationKey);
    await assert.rejects(station(t, id, "wrong-password-wrong-password"));
    await assert.rejects(station(t, id));
    const client = await station(t, id, authorizationKey);
    try {
      assert.equal(client.protocol, "ocpp2.0.1");
      assert.equal((await boot(client)).status, "Accepted");
    } finally {
      await client.close({ force: true });
    }
  } finally {
    await t.close();
  }
});

Deno.test("ocpp2.0.1: a schema-invalid CALL gets FormatViolation, and the connection lives on", async () => {
  const t = await startTestCsms();
  const ws = new WebSocket(`${t.csms.url}/CS-201-BAD`, ["ocpp2.0.1"]);
  const frames: unknown[][] = [];
  const next = () => waitFor(() => frames.shift(), "a frame from the CSMS");
  try {
    ws.onmessage = (e) => frames.push(JSON.parse(e.data as string));
    await new Promise<void>((resolve, reject) => {
      ws.onopen = () => resolve();
      ws.onerror = () => reject(new Error("could not connect"));
    });
    assert.equal(ws.protocol, "ocpp2.0.1");
    ws.send(JSON.stringify([2, "bad-1", "Heartbeat", { surplus: true }]));
    const error = await next();
    assert.equal(error[0], 4);
    assert.equal(error[1], "bad-1");
    assert.equal(error[2], "FormatViolation");
    ws.send(JSON.stringify([2, "good-1", "Heartbeat", {}]));
    const result = await next();
    assert.equal(result[0], 3);
    assert.equal(result[1], "good-1");
    assert.equal(ws.readyState, WebSocket.OPEN);
  } finally {
    const closed = new Promise((resolve) => ws.onclose = resolve);
    ws.close();
    await closed;
    await t.close();
  }
});
