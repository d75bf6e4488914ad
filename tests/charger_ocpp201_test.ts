/**
 * The OCPP 2.0.1 charging station against an independent, strict CSMS (npm ocpp-rpc in strict mode:
 * every payload both ways is checked against the OCA 2.0.1 schemas by code not written here).
 */
import assert from "node:assert/strict";
import { type ChargePointHandle, type ChargePointOptions, startChargingStation201 } from "../charger/mod.ts";
import { type PeerServer, type PeerSession, startPeerServer } from "./ocpp_rpc_peer.ts";
import { waitFor } from "./wait.ts";

interface Received {
  seq: number;
  action: string;
  // deno-lint-ignore no-explicit-any
  params: any;
}

type BootStatus = "Accepted" | "Pending" | "Rejected";

/** A strict CSMS that records what each station sends and answers the station's requests. */
class Csms201 {
  received: Received[] = [];
  client?: PeerSession;
  accepting = true;
  bootStatus: (n: number) => BootStatus = () => "Accepted";
  #boots = 0;
  #seq = 0;
  server!: PeerServer;

  async start(): Promise<this> {
    this.server = await startPeerServer(["ocpp2.0.1"], (c) => this.#install(c), {
      accept: () => this.accepting,
    });
    return this;
  }

  get url(): string {
    return this.server.url;
  }

  #install(c: PeerSession): void {
    this.client = c;
    const record = (action: string, params: unknown) =>
      this.received.push({ seq: ++this.#seq, action, params });
    const answer = (action: string, reply: (params: never) => unknown) =>
      c.handle(action, ({ params }) => {
        record(action, params);
        return reply(params as never);
      });
    answer("BootNotification", () => {
      const status = this.bootStatus(++this.#boots);
      return { currentTime: new Date().toISOString(), interval: status === "Accepted" ? 300 : 1, status };
    });
    answer("Heartbeat", () => ({ currentTime: new Date().toISOString() }));
    answer("StatusNotification", () => ({}));
    answer("NotifyReport", () => ({}));
    answer("MeterValues", () => ({}));
    answer("FirmwareStatusNotification", () => ({}));
    answer("LogStatusNotification", () => ({}));
    answer("Authorize", () => ({ idTokenInfo: { status: "Accepted" } }));
    answer(
      "TransactionEvent",
      (p: { idToken?: unknown }) => p.idToken ? { idTokenInfo: { status: "Accepted" } } : {},
    );
  }

  of(action: string): Received[] {
    return this.received.filter((r) => r.action === action);
  }

  // deno-lint-ignore no-explicit-any
  call<T = any>(action: string, payload: unknown): Promise<T> {
    return this.client!.call<T>(action, payload);
  }

  until<T>(what: string, check: () => T | undefined | null | false): Promise<T> {
    return waitFor(check, what, 20_000, 20);
  }

  async close(): Promise<void> {
    await this.server.close();
  }
}

function fast(csms: Csms201, o: Partial<ChargePointOptions> & { id: string }): ChargePointOptions {
  return {
    url: csms.url,
    tickMs: 100,
    unplugDelayMs: 300,
    rebootDelayMs: 300,
    bootRetryMs: 500,
    backoff: { initialMs: 100, maxMs: 300 },
    ...o,
  };
}

async function withStation(
  o: Partial<ChargePointOptions> & { id: string },
  body: (csms: Csms201, cs: ChargePointHandle) => Promise<void>,
  setup: (csms: Csms201) => void = () => {},
): Promise<void> {
  const csms = await new Csms201().start();
  setup(csms);
  const cs = startChargingStation201(fast(csms, o));
  try {
    await body(csms, cs);
  } finally {
    await cs.stop();
    await csms.close();
  }
}

// deno-lint-ignore no-explicit-any
function measurand(event: any, name: string): number | undefined {
  for (const mv of event.meterValue ?? []) {
    for (const sv of mv.sampledValue) if (sv.measurand === name) return sv.value;
  }
  return undefined;
}

const statusesAfterBoot = (csms: Csms201, evses: number) =>
  csms.until("a StatusNotification per EVSE", () => {
    const ids = new Set(csms.of("StatusNotification").map((r) => r.params.evseId));
    return ids.size >= evses;
  });

Deno.test("2.0.1 boot: nothing but BootNotification until Accepted (Pending, then Rejected, are retried); then statuses and heartbeats", async () => {
  await withStation({ id: "CS-BOOT", connectors: 2 }, async (csms, cs) => {
    await statusesAfterBoot(csms, 2);
    const actions = csms.received.map((r) => r.action);
    assert.deepEqual(actions.slice(0, 3), ["BootNotification", "BootNotification", "BootNotification"]);
    assert.equal(csms.of("BootNotification")[0].params.reason, "PowerUp");
    assert.equal(csms.of("BootNotification")[0].params.chargingStation.vendorName, "Chargewire");
    const statuses = csms.of("StatusNotification").map((r) => r.params);
    assert.deepEqual(
      statuses.map((p) => [p.evseId, p.connectorId, p.connectorStatus]).sort(),
      [[1, 1, "Available"], [2, 1, "Available"]],
    );
    assert.equal(cs.snapshot().registration, "Accepted");
    assert.equal(cs.snapshot().protocol, "2.0.1");
    // The boot's interval became the heartbeat interval; a shorter one set by SetVariables takes effect.
    assert.equal(cs.config.get("OCPPCommCtrlr.HeartbeatInterval"), "300");
    const set = await csms.call("SetVariables", {
      setVariableData: [{
        component: { name: "OCPPCommCtrlr" },
        variable: { name: "HeartbeatInterval" },
        attributeValue: "1",
      }],
    });
    assert.equal(set.setVariableResult[0].attributeStatus, "Accepted");
    await csms.until("heartbeats every second", () => csms.of("Heartbeat").length >= 2);
  }, (csms) => {
    csms.bootStatus = (n) => (n === 1 ? "Pending" : n === 2 ? "Rejected" : "Accepted");
  });
});

Deno.test("2.0.1 local session: Started, Updated and Ended with seqNo 0,1,2..., rising energy and SoC, then Available", async () => {
  await withStation({
    id: "CS-LOCAL",
    powerKw: 22,
    batteryKwh: 10,
    config: { "SampledDataCtrlr.TxUpdatedInterval": "1" },
  }, async (csms, cs) => {
    await statusesAfterBoot(csms, 1);
    assert.equal(await cs.startLocal(1, "TAG-1"), true);
    await csms.until(
      "three periodic samples",
      () =>
        csms.of("TransactionEvent").filter((r) => r.params.triggerReason === "MeterValuePeriodic").length >=
          3,
    );
    assert.equal(cs.stopLocal(1), true);
    await csms.until(
      "the Ended event",
      () => csms.of("TransactionEvent").find((r) => r.params.eventType === "Ended"),
    );
    await csms.until(
      "Available again",
      () =>
        csms.of("StatusNotification").at(-1)?.params.connectorStatus === "Available" &&
        csms.of("StatusNotification").some((r) => r.params.connectorStatus === "Occupied"),
    );

    assert.equal(csms.of("Authorize")[0].params.idToken.idToken, "TAG-1");
    const events = csms.of("TransactionEvent").map((r) => r.params);
    const txId = events[0].transactionInfo.transactionId;
    assert.match(txId, /^[0-9a-f-]{36}$/);
    assert.ok(events.every((e) => e.transactionInfo.transactionId === txId));
    assert.deepEqual(events.map((e) => e.seqNo), events.map((_, i) => i));
    const [started, ...rest] = events;
    const ended = rest.at(-1);
    assert.equal(started.eventType, "Started");
    assert.equal(started.triggerReason, "Authorized");
    assert.deepEqual(started.idToken, { idToken: "TAG-1", type: "ISO14443" });
    assert.deepEqual(started.evse, { id: 1, connectorId: 1 });
    assert.equal(started.transactionInfo.chargingState, "Charging");
    assert.equal(started.meterValue[0].sampledValue[0].context, "Transaction.Begin");
    const updates = rest.slice(0, -1);
    assert.ok(
      updates.every((e) => e.eventType === "Updated" && e.evse === undefined && e.idToken === undefined),
    );
    const energies = updates.map((e) => measurand(e, "Energy.Active.Import.Register")!);
    const socs = updates.map((e) => measurand(e, "SoC")!);
    assert.ok(energies.every((v, i) => i === 0 || v >= energies[i - 1]), `energy rises: ${energies}`);
    assert.ok(energies.at(-1)! > energies[0], `energy rises: ${energies}`);
    assert.ok(socs.at(-1)! > socs[0], `SoC rises: ${socs}`);
    for (const name of ["Power.Active.Import", "Current.Import", "Voltage"]) {
      assert.ok(measurand(updates[0], name)! > 0, name);
    }
    assert.equal(ended.eventType, "Ended");
    assert.equal(ended.triggerReason, "StopAuthorized");
    assert.equal(ended.transactionInfo.stoppedReason, "Local");
    assert.equal(ended.transactionInfo.chargingState, "EVConnected");
    assert.equal(ended.meterValue[0].sampledValue[0].context, "Transaction.End");
    assert.ok(measurand(ended, "Energy.Active.Import.Register")! >= energies.at(-1)!);
  });
});

Deno.test("2.0.1 remote start and stop: RequestStartTransaction, remoteStartId, RequestStopTransaction, busy EVSE refused", async () => {
  await withStation({ id: "CS-REMOTE", connectors: 2 }, async (csms, cs) => {
    await statusesAfterBoot(csms, 2);
    const res = await csms.call("RequestStartTransaction", {
      idToken: { idToken: "REMOTE-1", type: "Central" },
      remoteStartId: 42,
      evseId: 2,
    });
    assert.deepEqual(res, { status: "Accepted" });
    const started = await csms.until("Started", () => csms.of("TransactionEvent")[0]?.params);
    assert.equal(started.triggerReason, "RemoteStart");
    assert.equal(started.transactionInfo.remoteStartId, 42);
    assert.deepEqual(started.evse, { id: 2, connectorId: 1 });
    assert.deepEqual(started.idToken, { idToken: "REMOTE-1", type: "Central" });
    await csms.until("charging", () => cs.snapshot().connectors[1].transactionId);
    assert.deepEqual(
      await csms.call("RequestStartTransaction", {
        idToken: { idToken: "X", type: "Central" },
        remoteStartId: 43,
        evseId: 2,
      }),
      { status: "Rejected" },
    );
    const txId = started.transactionInfo.transactionId;
    assert.deepEqual(await csms.call("GetTransactionStatus", { transactionId: txId }), {
      ongoingIndicator: true,
      messagesInQueue: false,
    });
    assert.deepEqual(await csms.call("RequestStopTransaction", { transactionId: "no-such-tx" }), {
      status: "Rejected",
    });
    assert.deepEqual(await csms.call("RequestStopTransaction", { transactionId: txId }), {
      status: "Accepted",
    });
    const ended = await csms.until(
      "Ended",
      () => csms.of("TransactionEvent").find((r) => r.params.eventType === "Ended")?.params,
    );
    assert.equal(ended.triggerReason, "RemoteStop");
    assert.equal(ended.transactionInfo.stoppedReason, "Remote");
    assert.deepEqual(await csms.call("GetTransactionStatus", { transactionId: txId }), {
      ongoingIndicator: false,
      messagesInQueue: false,
    });
    // An unavailable EVSE takes no remote start.
    assert.deepEqual(
      await csms.call("ChangeAvailability", { operationalStatus: "Inoperative", evse: { id: 1 } }),
      {
        status: "Accepted",
      },
    );
    assert.deepEqual(
      await csms.call("RequestStartTransaction", {
        idToken: { idToken: "X", type: "Central" },
        remoteStartId: 44,
        evseId: 1,
      }),
      { status: "Rejected" },
    );
    await csms.until(
      "EVSE 1 Unavailable",
      () =>
        csms.of("StatusNotification").some((r) =>
          r.params.evseId === 1 && r.params.connectorStatus === "Unavailable"
        ),
    );
  });
});

Deno.test("2.0.1 device model: GetVariables and SetVariables answer each item with its status", async () => {
  await withStation({ id: "CS-VARS" }, async (csms) => {
    await statusesAfterBoot(csms, 1);
    const got = await csms.call("GetVariables", {
      getVariableData: [
        { component: { name: "OCPPCommCtrlr" }, variable: { name: "HeartbeatInterval" } },
        { component: { name: "NoSuchCtrlr" }, variable: { name: "HeartbeatInterval" } },
        { component: { name: "OCPPCommCtrlr" }, variable: { name: "NoSuchVariable" } },
        {
          component: { name: "OCPPCommCtrlr" },
          variable: { name: "HeartbeatInterval" },
          attributeType: "Target",
        },
        { component: { name: "SecurityCtrlr" }, variable: { name: "BasicAuthPassword" } },
        { component: { name: "EVSE", evse: { id: 1 } }, variable: { name: "AvailabilityState" } },
        {
          component: { name: "DeviceDataCtrlr" },
          variable: { name: "ItemsPerMessage", instance: "GetReport" },
        },
      ],
    });
    assert.deepEqual(
      got.getVariableResult.map((
        r: { attributeStatus: string; attributeValue?: string },
      ) => [r.attributeStatus, r.attributeValue]),
      [
        ["Accepted", "300"],
        ["UnknownComponent", undefined],
        ["UnknownVariable", undefined],
        ["NotSupportedAttributeType", undefined],
        ["Rejected", undefined],
        ["Accepted", "Available"],
        ["Accepted", "20"],
      ],
    );
    const set = await csms.call("SetVariables", {
      setVariableData: [
        {
          component: { name: "SampledDataCtrlr" },
          variable: { name: "TxUpdatedInterval" },
          attributeValue: "5",
        },
        {
          component: { name: "SampledDataCtrlr" },
          variable: { name: "TxUpdatedInterval" },
          attributeValue: "soon",
        },
        { component: { name: "SecurityCtrlr" }, variable: { name: "SecurityProfile" }, attributeValue: "2" },
        { component: { name: "TxCtrlr" }, variable: { name: "TxStopPoint" }, attributeValue: "Bogus" },
        {
          component: { name: "SampledDataCtrlr" },
          variable: { name: "TxUpdatedMeasurands" },
          attributeValue: "SoC,Voltage",
        },
        {
          component: { name: "OCPPCommCtrlr" },
          variable: { name: "NetworkConfigurationPriority" },
          attributeValue: "0",
        },
        { component: { name: "Nope" }, variable: { name: "X" }, attributeValue: "1" },
        { component: { name: "AuthCtrlr" }, variable: { name: "Nope" }, attributeValue: "1" },
        {
          component: { name: "AuthCtrlr" },
          variable: { name: "Enabled" },
          attributeValue: "true",
          attributeType: "MaxSet",
        },
        {
          component: { name: "SecurityCtrlr" },
          variable: { name: "BasicAuthPassword" },
          attributeValue: "s3cret-s3cret-s3cret",
        },
      ],
    });
    assert.deepEqual(set.setVariableResult.map((r: { attributeStatus: string }) => r.attributeStatus), [
      "Accepted",
      "Rejected",
      "Rejected",
      "Rejected",
      "Accepted",
      "RebootRequired",
      "UnknownComponent",
      "UnknownVariable",
      "NotSupportedAttributeType",
      "Accepted",
    ]);
    const after = await csms.call("GetVariables", {
      getVariableData: [
        { component: { name: "SampledDataCtrlr" }, variable: { name: "TxUpdatedInterval" } },
        { component: { name: "SampledDataCtrlr" }, variable: { name: "TxUpdatedMeasurands" } },
      ],
    });
    assert.deepEqual(after.getVariableResult.map((r: { attributeValue: string }) => r.attributeValue), [
      "5",
      "SoC,Voltage",
    ]);
  });
});

Deno.test("2.0.1 GetBaseReport: Accepted, then NotifyReport pages of ItemsPerMessage with tbc on all but the last", async () => {
  await withStation({
    id: "CS-REPORT",
    connectors: 2,
    config: { "DeviceDataCtrlr.ItemsPerMessage:GetReport": "7" },
  }, async (csms) => {
    await statusesAfterBoot(csms, 2);
    assert.deepEqual(await csms.call("GetBaseReport", { requestId: 9, reportBase: "FullInventory" }), {
      status: "Accepted",
    });
    const pages = await csms.until("the last page", () => {
      const p = csms.of("NotifyReport").map((r) => r.params).filter((p) => p.requestId === 9);
      return p.length > 0 && p.at(-1)!.tbc === undefined ? p : undefined;
    });
    assert.ok(pages.length >= 3, `several pages (got ${pages.length})`);
    assert.deepEqual(pages.map((p) => p.seqNo), pages.map((_, i) => i));
    assert.ok(pages.slice(0, -1).every((p) => p.tbc === true && p.reportData.length === 7));
    assert.ok(pages.at(-1)!.reportData.length <= 7);
    const all = pages.flatMap((p) => p.reportData);
    const names = new Set(all.map((d) => `${d.component.name}.${d.variable.name}`));
    for (
      const n of [
        "OCPPCommCtrlr.HeartbeatInterval",
        "TxCtrlr.TxStartPoint",
        "SampledDataCtrlr.TxUpdatedInterval",
        "AlignedDataCtrlr.Interval",
        "AuthCtrlr.AuthorizeRemoteStart",
        "AuthCacheCtrlr.Enabled",
        "SecurityCtrlr.SecurityProfile",
        "DeviceDataCtrlr.ItemsPerMessage",
        "EVSE.AvailabilityState",
        "Connector.ConnectorType",
      ]
    ) assert.ok(names.has(n), n);
    const password = all.find((d) => d.variable.name === "BasicAuthPassword");
    assert.equal(password.variableAttribute[0].mutability, "WriteOnly");
    assert.equal(password.variableAttribute[0].value, undefined, "a WriteOnly value is never reported");
    assert.equal(
      all.filter((d) => d.component.name === "EVSE" && d.variable.name === "AvailabilityState").length,
      2,
    );

    // GetReport filters by component and variable; nothing matching is an EmptyResultSet.
    assert.deepEqual(
      await csms.call("GetReport", {
        requestId: 10,
        componentVariable: [{ component: { name: "TxCtrlr" } }, {
          component: { name: "OCPPCommCtrlr" },
          variable: { name: "HeartbeatInterval" },
        }],
      }),
      { status: "Accepted" },
    );
    const report = await csms.until(
      "report 10",
      () => csms.of("NotifyReport").find((r) => r.params.requestId === 10)?.params,
    );
    assert.ok(
      report.reportData.every((d: { component: { name: string } }) =>
        ["TxCtrlr", "OCPPCommCtrlr"].includes(d.component.name)
      ),
    );
    assert.equal(
      report.reportData.filter((d: { component: { name: string } }) => d.component.name === "OCPPCommCtrlr")
        .length,
      1,
    );
    assert.deepEqual(
      await csms.call("GetReport", {
        requestId: 11,
        componentVariable: [{ component: { name: "NoSuchCtrlr" } }],
      }),
      { status: "EmptyResultSet" },
    );
  });
});

Deno.test("2.0.1 Reset OnIdle while charging is Scheduled; the station reboots once the transaction has ended", async () => {
  await withStation({ id: "CS-RESET" }, async (csms, cs) => {
    await statusesAfterBoot(csms, 1);
    assert.equal(await cs.startLocal(1, "TAG-R"), true);
    await csms.until("Started", () => csms.of("TransactionEvent").length >= 1);
    assert.deepEqual(await csms.call("Reset", { type: "OnIdle" }), { status: "Scheduled" });
    assert.deepEqual(
      await csms.call("RequestStartTransaction", {
        idToken: { idToken: "X", type: "Central" },
        remoteStartId: 1,
      }),
      { status: "Rejected" },
      "no new transaction while a reset waits",
    );
    assert.equal(csms.of("BootNotification").length, 1, "no reboot while the transaction runs");
    cs.stopLocal(1);
    const boot = await csms.until(
      "the reboot's BootNotification",
      () => csms.of("BootNotification")[1]?.params,
    );
    assert.equal(boot.reason, "RemoteReset");
    const ended = csms.of("TransactionEvent").find((r) => r.params.eventType === "Ended")!;
    assert.ok(ended.seq < csms.of("BootNotification")[1].seq, "the Ended event went out before the reboot");
    await csms.until("back online", () => cs.snapshot().registration === "Accepted");
    // An immediate reset while charging ends the transaction as ImmediateReset.
    await csms.until("free", () => cs.snapshot().connectors[0].status === "Available");
    assert.equal(await cs.startLocal(1, "TAG-R2"), true);
    assert.deepEqual(await csms.call("Reset", { type: "Immediate" }), { status: "Accepted" });
    const ended2 = await csms.until(
      "Ended by the reset",
      () => csms.of("TransactionEvent").filter((r) => r.params.eventType === "Ended")[1]?.params,
    );
    assert.equal(ended2.triggerReason, "ResetCommand");
    assert.equal(ended2.transactionInfo.stoppedReason, "ImmediateReset");
    await csms.until("a third boot", () => csms.of("BootNotification").length >= 3);
  });
});

Deno.test("2.0.1 offline: TransactionEvents queue with offline true and replay in order after reconnecting", async () => {
  await withStation({
    id: "CS-OFF",
    powerKw: 22,
    config: { "SampledDataCtrlr.TxUpdatedInterval": "1" },
  }, async (csms, cs) => {
    await statusesAfterBoot(csms, 1);
    assert.equal(await cs.startLocal(1, "TAG-O"), true);
    await csms.until("Started", () => csms.of("TransactionEvent").length >= 1);
    csms.accepting = false;
    await csms.client!.close({ code: 1001, reason: "going away", force: true });
    await csms.until("the station notices", () => !cs.snapshot().online);
    const before = csms.received.length;
    await csms.until("samples queue up", () => cs.snapshot().queued >= 3);
    assert.equal(cs.stopLocal(1), true);
    const queued = cs.snapshot().queued;
    assert.equal(csms.received.length, before, "nothing reached the CSMS while it was down");
    csms.accepting = true;
    await csms.until("the queue drains", () => cs.snapshot().online && cs.snapshot().queued === 0);
    const after = csms.received.slice(before);
    assert.ok(!after.some((r) => r.action === "BootNotification"), "a reconnect is not a reboot");
    const replayed = after.filter((r) => r.action === "TransactionEvent").map((r) => r.params);
    assert.ok(replayed.length >= queued, `all ${queued} queued events arrived`);
    assert.ok(replayed.every((e) => e.offline === true), "each says it happened offline");
    const all = csms.of("TransactionEvent").map((r) => r.params);
    assert.deepEqual(all.map((e) => e.seqNo), all.map((_, i) => i), "in order, none lost");
    assert.equal(all.at(-1).eventType, "Ended");
    assert.equal(all[0].offline, undefined, "the Started event was sent online");
  });
});

Deno.test("2.0.1 TriggerMessage, ChangeAvailability, UnlockConnector, ClearCache, DataTransfer and unsupported features", async () => {
  await withStation({ id: "CS-TRIG", connectors: 2 }, async (csms, cs) => {
    await statusesAfterBoot(csms, 2);
    const statusCount = csms.of("StatusNotification").length;
    assert.deepEqual(
      await csms.call("TriggerMessage", {
        requestedMessage: "StatusNotification",
        evse: { id: 2, connectorId: 1 },
      }),
      { status: "Accepted" },
    );
    await csms.until("the triggered status", () => csms.of("StatusNotification").length > statusCount);
    assert.equal(csms.of("StatusNotification").at(-1)!.params.evseId, 2);
    assert.deepEqual(await csms.call("TriggerMessage", { requestedMessage: "Heartbeat" }), {
      status: "Accepted",
    });
    await csms.until("the triggered heartbeat", () => csms.of("Heartbeat").length >= 1);
    assert.deepEqual(
      await csms.call("TriggerMessage", { requestedMessage: "MeterValues", evse: { id: 1 } }),
      {
        status: "Accepted",
      },
    );
    const mv = await csms.until("triggered meter values", () => csms.of("MeterValues")[0]?.params);
    assert.equal(mv.evseId, 1);
    assert.equal(mv.meterValue[0].sampledValue[0].context, "Trigger");
    assert.deepEqual(await csms.call("TriggerMessage", { requestedMessage: "BootNotification" }), {
      status: "Rejected",
    });
    assert.deepEqual(await csms.call("TriggerMessage", { requestedMessage: "TransactionEvent" }), {
      status: "Rejected",
    });
    assert.deepEqual(
      await csms.call("TriggerMessage", { requestedMessage: "StatusNotification", evse: { id: 9 } }),
      {
        status: "Rejected",
      },
    );
    assert.deepEqual(await csms.call("TriggerMessage", { requestedMessage: "SignV2GCertificate" }), {
      status: "NotImplemented",
    });
    assert.equal(await cs.startLocal(1, "TAG-T"), true);
    await csms.until("Started", () => csms.of("TransactionEvent").length >= 1);
    assert.deepEqual(
      await csms.call("TriggerMessage", { requestedMessage: "TransactionEvent", evse: { id: 1 } }),
      {
        status: "Accepted",
      },
    );
    const triggered = await csms.until(
      "the triggered event",
      () => csms.of("TransactionEvent").find((r) => r.params.triggerReason === "Trigger")?.params,
    );
    assert.equal(triggered.eventType, "Updated");
    assert.equal(triggered.seqNo, 1);

    assert.deepEqual(await csms.call("UnlockConnector", { evseId: 1, connectorId: 1 }), {
      status: "OngoingAuthorizedTransaction",
    });
    assert.deepEqual(await csms.call("UnlockConnector", { evseId: 2, connectorId: 1 }), {
      status: "Unlocked",
    });
    assert.deepEqual(await csms.call("UnlockConnector", { evseId: 7, connectorId: 1 }), {
      status: "UnknownConnector",
    });
    assert.deepEqual(await csms.call("ChangeAvailability", { operationalStatus: "Inoperative" }), {
      status: "Scheduled",
    });
    assert.deepEqual(
      await csms.call("ChangeAvailability", { operationalStatus: "Operative", evse: { id: 5 } }),
      {
        status: "Rejected",
      },
    );
    assert.deepEqual(await csms.call("ClearCache", {}), { status: "Accepted" });
    assert.deepEqual(await csms.call("DataTransfer", { vendorId: "com.example" }), {
      status: "UnknownVendorId",
    });
    assert.deepEqual(
      await csms.call("DataTransfer", { vendorId: "Chargewire", messageId: "Echo", data: "hi" }),
      {
        status: "Accepted",
        data: "hi",
      },
    );
    assert.equal(
      (await csms.call("GetLog", {
        requestId: 1,
        logType: "DiagnosticsLog",
        log: { remoteLocation: "https://example.com/logs" },
      })).status,
      "Rejected",
    );
    assert.equal(
      (await csms.call("UpdateFirmware", {
        requestId: 1,
        firmware: { location: "https://example.com/fw", retrieveDateTime: new Date().toISOString() },
      })).status,
      "Rejected",
    );
    assert.deepEqual(await csms.call("GetInstalledCertificateIds", {}), { status: "NotFound" });
  });
});

Deno.test("2.0.1 and 1.6 in one fleet: each charger speaks the protocol the mix gives it", async () => {
  const { startFleet } = await import("../charger/mod.ts");
  const csms = await new Csms201().start();
  const fleet = startFleet({
    ...fast(csms, { id: "unused" }),
    count: 4,
    idPrefix: "MIX-",
    ocppMix: [{ protocol: "1.6", percent: 50 }, { protocol: "2.0.1", percent: 50 }],
  });
  try {
    assert.deepEqual(fleet.chargers.map((c) => c.protocol), ["1.6", "1.6", "2.0.1", "2.0.1"]);
    // This CSMS speaks only 2.0.1: the 2.0.1 stations register, the 1.6 ones are refused the subprotocol.
    await csms.until("two 2.0.1 stations registered", () => fleet.summary().accepted === 2);
    assert.deepEqual(
      fleet.chargers.filter((c) => c.snapshot().registration === "Accepted").map((c) => c.id),
      ["MIX-003", "MIX-004"],
    );
  } finally {
    await fleet.stop();
    await csms.close();
  }
});
