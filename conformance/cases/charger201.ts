/**
 * The charger-mode catalogue for OCPP 2.0.1: we are the CSMS, the charging station is under test. Ids are
 * the OCTT's (TC_B_01_CS …) where there is one; CW_<use case>_… otherwise, after the 2.0.1 use case.
 */
import type { ConformanceCase } from "../case.ts";
import type { CentralCtx } from "../central_mode.ts";
import type { IncomingCall, Payload } from "../link.ts";
import {
  bootRetryCase,
  heartbeatCase,
  malformedCase,
  seenSince,
  unknownActionCase,
} from "./charger_common.ts";

type Case = ConformanceCase<CentralCtx>;

const HEARTBEAT_VARIABLE = { component: { name: "OCPPCommCtrlr" }, variable: { name: "HeartbeatInterval" } };
const PROBE = { action: "GetVariables", payload: { getVariableData: [HEARTBEAT_VARIABLE] } };
const REMOTE_START_ID = 4242;

async function statusOf(ctx: CentralCtx, status: string, since: number) {
  const link = await ctx.link();
  const match = (c: IncomingCall) =>
    c.action === "StatusNotification" && c.payload.evseId === 1 && c.payload.connectorStatus === status &&
    c.at >= since;
  return link.inbox.find(match) ??
    await ctx.expect(match, `StatusNotification ${status} for EVSE 1`, ctx.options.actionMs);
}

async function getVariable(ctx: CentralCtx, component: string, variable: string) {
  const res = await ctx.result("GetVariables", {
    getVariableData: [{ component: { name: component }, variable: { name: variable } }],
  });
  return res.getVariableResult[0] as Payload;
}

/** The transaction's events so far, in arrival order. */
async function eventsOf(ctx: CentralCtx, transactionId: string): Promise<IncomingCall[]> {
  const link = await ctx.link();
  return link.inbox.filter((c) =>
    c.action === "TransactionEvent" && c.payload.transactionInfo.transactionId === transactionId
  );
}

/** Remote start on EVSE 1; returns the transaction's id from the first event that carries our remoteStartId. */
async function remoteStart(ctx: CentralCtx, idToken: string): Promise<string> {
  const res = await ctx.result("RequestStartTransaction", {
    evseId: 1,
    remoteStartId: REMOTE_START_ID,
    idToken: { idToken, type: "Central" },
  });
  ctx.check(res.status === "Accepted", `RequestStartTransaction Accepted (got ${res.status})`);
  const started = await ctx.expect(
    (c) => c.action === "TransactionEvent" && c.payload.transactionInfo.remoteStartId === REMOTE_START_ID,
    `TransactionEvent with remoteStartId ${REMOTE_START_ID}`,
    ctx.options.actionMs,
  );
  ctx.check(
    ["RemoteStart", "Authorized", "CablePluggedIn", "EVDetected", "ChargingStateChanged"].includes(
      started.payload.triggerReason,
    ),
    `a start trigger (got ${started.payload.triggerReason})`,
  );
  return started.payload.transactionInfo.transactionId;
}

/** Remote stop; returns the Ended event, once EVSE 1 is Available again. */
async function remoteStop(ctx: CentralCtx, transactionId: string): Promise<IncomingCall> {
  // From before the request: a station may report the free connector before its Ended event.
  const since = ctx.clock.now();
  const res = await ctx.result("RequestStopTransaction", { transactionId });
  ctx.check(res.status === "Accepted", `RequestStopTransaction Accepted (got ${res.status})`);
  const ended = await ctx.expect(
    (c) =>
      c.action === "TransactionEvent" && c.payload.eventType === "Ended" &&
      c.payload.transactionInfo.transactionId === transactionId,
    "TransactionEvent Ended",
    ctx.options.actionMs,
  );
  await statusOf(ctx, "Available", since);
  return ended;
}

function resetCase(id: string, type: "Immediate" | "OnIdle"): Case {
  return {
    id,
    purpose:
      `Reset ${type} without a transaction: the station accepts, reconnects and boots with reason RemoteReset`,
    steps: [`Reset ${type}`, "Wait for the connection to close and the station to connect again"],
    expects: ["Accepted", "a BootNotification with reason RemoteReset", "a StatusNotification after it"],
    async run(ctx) {
      await ctx.boot();
      const res = await ctx.result("Reset", { type });
      ctx.check(res.status === "Accepted", `Reset Accepted (got ${res.status})`);
      const link = await ctx.reconnect();
      const boot = await ctx.boot();
      ctx.check(
        boot.payload.reason === "RemoteReset",
        `boot reason RemoteReset (got ${boot.payload.reason})`,
      );
      await seenSince(ctx, link, "StatusNotification", boot.at, "StatusNotification after the boot");
    },
  };
}

export const CHARGER_201: Case[] = [
  {
    id: "TC_B_01_CS",
    purpose: "Cold boot: the station sends BootNotification first, then the status of its connectors",
    steps: ["Wait for the station to connect and boot; answer Accepted", "Wait for StatusNotification"],
    expects: ["BootNotification first, schema-valid", "a StatusNotification after it"],
    async run(ctx) {
      const link = await ctx.link();
      const boot = await ctx.boot();
      ctx.check(
        link.inbox[0] === boot,
        `BootNotification is the first message (got ${link.inbox[0]?.action})`,
      );
      await seenSince(ctx, link, "StatusNotification", boot.at, "StatusNotification after the boot");
    },
  },
  heartbeatCase("CW_G02_HEARTBEAT_INTERVAL_CS"),
  {
    id: "CW_B06_GET_VARIABLES_CS",
    purpose: "Get variables: OCPPCommCtrlr.HeartbeatInterval is the interval given at boot",
    steps: ["GetVariables OCPPCommCtrlr.HeartbeatInterval"],
    expects: ["attributeStatus Accepted", "the value is the boot answer's interval"],
    async run(ctx) {
      await ctx.boot();
      const r = await getVariable(ctx, "OCPPCommCtrlr", "HeartbeatInterval");
      ctx.check(r.attributeStatus === "Accepted", `Accepted (got ${r.attributeStatus})`);
      ctx.check(
        Number(r.attributeValue) === ctx.options.heartbeatS,
        `HeartbeatInterval is ${ctx.options.heartbeatS} (got ${r.attributeValue})`,
      );
    },
  },
  {
    id: "CW_B05_SET_VARIABLES_CS",
    purpose: "Set variables: a writable variable takes a new value that GetVariables reports",
    steps: ["SetVariables SampledDataCtrlr.TxUpdatedInterval=17", "GetVariables of it"],
    expects: ["Accepted (or RebootRequired)", "the value reads 17"],
    async run(ctx) {
      await ctx.boot();
      const res = await ctx.result("SetVariables", {
        setVariableData: [{
          component: { name: "SampledDataCtrlr" },
          variable: { name: "TxUpdatedInterval" },
          attributeValue: "17",
        }],
      });
      const status = res.setVariableResult[0].attributeStatus;
      ctx.check(["Accepted", "RebootRequired"].includes(status), `Accepted (got ${status})`);
      if (status === "Accepted") {
        const r = await getVariable(ctx, "SampledDataCtrlr", "TxUpdatedInterval");
        ctx.check(r.attributeValue === "17", `it reads 17 (got ${r.attributeValue})`);
      }
    },
  },
  {
    id: "CW_B05_UNKNOWN_COMPONENT_CS",
    purpose: "Set variables of a component the station does not have is answered UnknownComponent",
    steps: ["SetVariables CwNoSuchComponent.Foo=1"],
    expects: ["UnknownComponent"],
    async run(ctx) {
      await ctx.boot();
      const res = await ctx.result("SetVariables", {
        setVariableData: [{
          component: { name: "CwNoSuchComponent" },
          variable: { name: "Foo" },
          attributeValue: "1",
        }],
      });
      const status = res.setVariableResult[0].attributeStatus;
      ctx.check(status === "UnknownComponent", `UnknownComponent (got ${status})`);
    },
  },
  {
    id: "CW_B07_BASE_REPORT_CS",
    purpose:
      "Get base report: FullInventory is Accepted and arrives as NotifyReport pages with our requestId",
    steps: ["GetBaseReport FullInventory, requestId 31", "NotifyReport pages until tbc is false"],
    expects: ["Accepted", "every page carries requestId 31, seqNo 0, 1, …"],
    async run(ctx) {
      await ctx.boot();
      const res = await ctx.result("GetBaseReport", { requestId: 31, reportBase: "FullInventory" });
      ctx.check(res.status === "Accepted", `Accepted (got ${res.status})`);
      for (let seq = 0;; seq++) {
        const page = await ctx.expect("NotifyReport", `NotifyReport page ${seq}`, ctx.options.actionMs);
        ctx.check(
          page.payload.requestId === 31,
          `page ${seq} has requestId 31 (got ${page.payload.requestId})`,
        );
        ctx.check(page.payload.seqNo === seq, `page seqNo ${seq} (got ${page.payload.seqNo})`);
        if (!page.payload.tbc) break;
        if (seq > 1000) ctx.check(false, "the report ends within 1000 pages");
      }
    },
  },
  {
    id: "CW_F01_REMOTE_START_CS",
    purpose:
      "Remote start: RequestStartTransaction starts a transaction whose events carry the remoteStartId",
    steps: [
      "RequestStartTransaction EVSE 1, remoteStartId 4242",
      "Wait for its TransactionEvent",
      "Stop it remotely",
    ],
    expects: ["Accepted", "a TransactionEvent with remoteStartId 4242"],
    async run(ctx) {
      await ctx.boot();
      const transactionId = await remoteStart(ctx, "CWREMOTE");
      await remoteStop(ctx, transactionId);
    },
  },
  {
    id: "CW_F03_REMOTE_STOP_CS",
    purpose:
      "Remote stop: RequestStopTransaction ends the transaction; its events count seqNo 0, 1, 2 … without gaps",
    steps: [
      "Start a transaction remotely",
      "RequestStopTransaction with its id",
      "Wait for Ended and Available",
    ],
    expects: [
      "Accepted",
      "Ended with triggerReason RemoteStop and stoppedReason Remote",
      "one Started, seqNo consecutive from the first event",
    ],
    async run(ctx) {
      await ctx.boot();
      const transactionId = await remoteStart(ctx, "CWRSTOP");
      const ended = await remoteStop(ctx, transactionId);
      ctx.check(
        ended.payload.triggerReason === "RemoteStop",
        `triggerReason RemoteStop (got ${ended.payload.triggerReason})`,
      );
      ctx.check(
        ended.payload.transactionInfo.stoppedReason === "Remote",
        `stoppedReason Remote (got ${ended.payload.transactionInfo.stoppedReason})`,
      );
      const events = await eventsOf(ctx, transactionId);
      ctx.check(
        events.filter((e) => e.payload.eventType === "Started").length === 1,
        "exactly one Started event",
      );
      const seqNos = events.map((e) => e.payload.seqNo as number);
      ctx.note(`seqNo of the transaction's events: ${seqNos.join(", ")}`);
      ctx.check(
        seqNos.every((s, i) => i === 0 || s === seqNos[i - 1] + 1),
        `seqNo counts up by one (${seqNos.join(", ")})`,
      );
    },
  },
  {
    id: "CW_F03_REMOTE_STOP_UNKNOWN_CS",
    purpose: "Remote stop of a transaction the station does not run is Rejected",
    steps: ["RequestStopTransaction transactionId cw-no-such-transaction"],
    expects: ["Rejected"],
    async run(ctx) {
      await ctx.boot();
      const res = await ctx.result("RequestStopTransaction", { transactionId: "cw-no-such-transaction" });
      ctx.check(res.status === "Rejected", `Rejected (got ${res.status})`);
    },
  },
  {
    id: "CW_G03_CHANGE_AVAILABILITY_CS",
    purpose:
      "Change availability: EVSE 1 goes Unavailable when Inoperative and Available again when Operative",
    steps: ["ChangeAvailability EVSE 1 Inoperative", "ChangeAvailability EVSE 1 Operative"],
    expects: ["Accepted, then StatusNotification Unavailable", "Accepted, then StatusNotification Available"],
    async run(ctx) {
      await ctx.boot();
      const t0 = ctx.clock.now();
      const off = await ctx.result("ChangeAvailability", {
        operationalStatus: "Inoperative",
        evse: { id: 1 },
      });
      ctx.check(off.status === "Accepted", `Inoperative Accepted (got ${off.status})`);
      await statusOf(ctx, "Unavailable", t0);
      const t1 = ctx.clock.now();
      const on = await ctx.result("ChangeAvailability", { operationalStatus: "Operative", evse: { id: 1 } });
      ctx.check(on.status === "Accepted", `Operative Accepted (got ${on.status})`);
      await statusOf(ctx, "Available", t1);
    },
  },
  {
    id: "CW_F06_TRIGGER_CS",
    purpose: "Trigger message: the station sends the Heartbeat and the StatusNotification it is asked for",
    steps: ["TriggerMessage Heartbeat", "TriggerMessage StatusNotification EVSE 1 connector 1"],
    expects: ["Accepted, then a Heartbeat", "Accepted, then a StatusNotification for EVSE 1"],
    async run(ctx) {
      await ctx.boot();
      const hb = await ctx.result("TriggerMessage", { requestedMessage: "Heartbeat" });
      ctx.check(hb.status === "Accepted", `Accepted (got ${hb.status})`);
      await ctx.expect("Heartbeat", "triggered Heartbeat");
      const st = await ctx.result("TriggerMessage", {
        requestedMessage: "StatusNotification",
        evse: { id: 1, connectorId: 1 },
      });
      ctx.check(st.status === "Accepted", `Accepted (got ${st.status})`);
      await ctx.expect(
        (c) => c.action === "StatusNotification" && c.payload.evseId === 1,
        "triggered StatusNotification",
      );
    },
  },
  {
    id: "CW_DATA_TRANSFER_UNKNOWN_VENDOR_CS",
    purpose: "DataTransfer for a vendor the station does not know is answered UnknownVendorId",
    steps: ["DataTransfer vendorId org.example.nobody"],
    expects: ["UnknownVendorId"],
    async run(ctx) {
      await ctx.boot();
      const res = await ctx.result("DataTransfer", { vendorId: "org.example.nobody", messageId: "Ping" });
      ctx.check(res.status === "UnknownVendorId", `UnknownVendorId (got ${res.status})`);
    },
  },
  resetCase("CW_B11_RESET_IMMEDIATE_CS", "Immediate"),
  resetCase("CW_B11_RESET_ONIDLE_CS", "OnIdle"),
  bootRetryCase("CW_B02_BOOT_PENDING_RETRY_CS", { type: "Immediate" }),
  malformedCase(
    "CW_MALFORMED_CS",
    { action: "ChangeAvailability", payload: { operationalStatus: "Inoperative", evse: { id: "one" } } },
    PROBE,
  ),
  unknownActionCase("CW_UNKNOWN_ACTION_CS", PROBE),
];
