/**
 * The charger-mode runner, OCPP 2.0.1, against a charging station it has never met: one written here on
 * npm `ocpp-rpc`, one EVSE with one connector. As it should behave, every case passes; broken one rule
 * at a time, the case for that rule fails.
 */
import assert from "node:assert/strict";
import { type CaseResult, selectCases } from "../conformance/case.ts";
import { CHARGER_201 } from "../conformance/cases/charger201.ts";
import { centralMode } from "../conformance/central_mode.ts";
import { systemClock } from "../conformance/clock.ts";
import { runCases } from "../conformance/runner.ts";
import { listenForStations } from "../conformance/transport.ts";
import { RPCClient } from "ocpp-rpc";
import type { PeerSession } from "./ocpp_rpc_peer.ts";

type Break = string | undefined;
// deno-lint-ignore no-explicit-any
type Json = any;

class WrongStation {
  #client?: PeerSession;
  #timer?: ReturnType<typeof setInterval>;
  #tx?: { id: string; seqNo: number };
  #starting: Promise<unknown> = Promise.resolve();
  #stopped = false;
  #reason = "PowerUp";
  readonly variables = new Map<string, string>([
    ["OCPPCommCtrlr.HeartbeatInterval", "0"],
    ["SampledDataCtrlr.TxUpdatedInterval", "0"],
  ]);

  constructor(private readonly url: string, private readonly broken: Break) {}

  #is(id: string) {
    return this.broken === id;
  }

  get #loose() {
    return this.#is("CW_MALFORMED_CS") || this.#is("CW_UNKNOWN_ACTION_CS");
  }

  #send(action: string, payload: unknown) {
    return this.#client!.call(action, payload).catch(() => {});
  }

  #status(connectorStatus: string) {
    return this.#send("StatusNotification", {
      timestamp: new Date().toISOString(),
      connectorStatus,
      evseId: 1,
      connectorId: 1,
    });
  }

  #event(eventType: string, triggerReason: string, extra: Json = {}) {
    const tx = this.#tx!;
    const seqNo = tx.seqNo++ + (this.#is("CW_F03_REMOTE_STOP_CS") && eventType === "Ended" ? 1 : 0);
    return this.#send("TransactionEvent", {
      eventType,
      timestamp: new Date().toISOString(),
      triggerReason,
      seqNo,
      ...extra,
      transactionInfo: { transactionId: tx.id, ...extra.transactionInfo },
    });
  }

  async connect(): Promise<void> {
    const client = new RPCClient({
      endpoint: this.url,
      identity: "WRONG-CS",
      protocols: ["ocpp2.0.1"],
      strictMode: !this.#loose,
      reconnect: false,
    } as never) as unknown as PeerSession & { connect(): Promise<void> };
    this.#install(client);
    await client.connect();
    this.#client = client;
    if (this.#is("TC_B_01_CS")) await this.#status("Available");
    let boot: { status: string; interval: number };
    // Held Pending: boot again after the interval, and send nothing else meanwhile.
    while (true) {
      boot = await client.call<{ status: string; interval: number }>("BootNotification", {
        reason: this.#is("CW_B11_RESET_IMMEDIATE_CS") || this.#is("CW_B11_RESET_ONIDLE_CS")
          ? "PowerUp"
          : this.#reason,
        chargingStation: { model: "ocpp-rpc", vendorName: "WrongPeer" },
      });
      if (boot.status === "Accepted") break;
      if (this.#is("CW_B02_BOOT_PENDING_RETRY_CS")) await this.#status("Available");
      await new Promise((r) => setTimeout(r, boot.interval * 1000));
    }
    this.variables.set("OCPPCommCtrlr.HeartbeatInterval", String(boot.interval));
    const every = boot.interval * 1000 / (this.#is("CW_G02_HEARTBEAT_INTERVAL_CS") ? 4 : 1);
    this.#timer = setInterval(() => void this.#send("Heartbeat", {}), every);
    await this.#status("Available");
  }

  async close(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    await this.#client?.close({ force: true });
  }

  async #reboot(): Promise<void> {
    clearInterval(this.#timer);
    this.#reason = "RemoteReset";
    await this.#client?.close({ code: 1000 });
    if (!this.#stopped) await this.connect();
  }

  #install(c: PeerSession) {
    const later = (fn: () => unknown) => setTimeout(() => Promise.resolve().then(fn).catch(() => {}), 10);
    const key = (d: Json) => `${d.component.name}.${d.variable.name}`;
    c.handle("GetVariables", ({ params }) => ({
      getVariableResult: params.getVariableData.map((d: Json) => {
        let value = this.variables.get(key(d));
        if (this.#is("CW_B06_GET_VARIABLES_CS") && key(d) === "OCPPCommCtrlr.HeartbeatInterval") {
          value = "999";
        }
        return value === undefined
          ? { attributeStatus: "UnknownVariable", component: d.component, variable: d.variable }
          : {
            attributeStatus: "Accepted",
            attributeValue: value,
            component: d.component,
            variable: d.variable,
          };
      }),
    }));
    c.handle("SetVariables", ({ params }) => ({
      setVariableResult: params.setVariableData.map((d: Json) => {
        const known = this.variables.has(key(d));
        if (known && !this.#is("CW_B05_SET_VARIABLES_CS")) this.variables.set(key(d), d.attributeValue);
        const status = known || this.#is("CW_B05_UNKNOWN_COMPONENT_CS") ? "Accepted" : "UnknownComponent";
        return { attributeStatus: status, component: d.component, variable: d.variable };
      }),
    }));
    c.handle("GetBaseReport", ({ params }) => {
      later(async () => {
        for (let seqNo = 0; seqNo < 2; seqNo++) {
          await this.#client!.call("NotifyReport", {
            requestId: this.#is("CW_B07_BASE_REPORT_CS") ? params.requestId + 1 : params.requestId,
            generatedAt: new Date().toISOString(),
            seqNo,
            tbc: seqNo === 0,
            reportData: [{
              component: { name: "OCPPCommCtrlr" },
              variable: { name: "HeartbeatInterval" },
              variableAttribute: [{ value: this.variables.get("OCPPCommCtrlr.HeartbeatInterval") }],
            }],
          });
        }
      });
      return { status: "Accepted" };
    });
    c.handle("RequestStartTransaction", ({ params }) => {
      if (this.#tx) return { status: "Rejected" };
      this.#tx = { id: crypto.randomUUID(), seqNo: 0 };
      let started = () => {};
      this.#starting = new Promise<void>((resolve) => (started = resolve));
      later(async () => {
        await this.#status("Occupied");
        await this.#event("Started", "RemoteStart", {
          evse: { id: 1, connectorId: 1 },
          idToken: params.idToken,
          transactionInfo: {
            chargingState: "Charging",
            remoteStartId: this.#is("CW_F01_REMOTE_START_CS")
              ? params.remoteStartId + 1
              : params.remoteStartId,
          },
        });
        started();
      });
      return { status: "Accepted" };
    });
    c.handle("RequestStopTransaction", async ({ params }) => {
      await this.#starting;
      if (this.#tx?.id !== params.transactionId) {
        return { status: this.#is("CW_F03_REMOTE_STOP_UNKNOWN_CS") ? "Accepted" : "Rejected" };
      }
      later(async () => {
        await this.#event("Ended", "RemoteStop", {
          transactionInfo: { stoppedReason: "Remote", chargingState: "Idle" },
        });
        this.#tx = undefined;
        await this.#status("Available");
      });
      return { status: "Accepted" };
    });
    c.handle("ChangeAvailability", ({ params }) => {
      if (this.#loose) return { status: "Accepted" };
      const off = params.operationalStatus === "Inoperative";
      if (!this.#is("CW_G03_CHANGE_AVAILABILITY_CS") || !off) {
        later(() => this.#status(off ? "Unavailable" : "Available"));
      }
      return { status: "Accepted" };
    });
    c.handle("TriggerMessage", ({ params }) => {
      if (this.#is("CW_F06_TRIGGER_CS")) return { status: "Rejected" };
      later(() =>
        params.requestedMessage === "Heartbeat" ? this.#send("Heartbeat", {}) : this.#status("Available")
      );
      return { status: "Accepted" };
    });
    c.handle(
      "DataTransfer",
      () => ({ status: this.#is("CW_DATA_TRANSFER_UNKNOWN_VENDOR_CS") ? "Accepted" : "UnknownVendorId" }),
    );
    c.handle("Reset", () => {
      later(() => this.#reboot());
      return { status: "Accepted" };
    });
    if (this.#is("CW_UNKNOWN_ACTION_CS")) c.handle("FlyToTheMoon", () => ({}));
  }
}

async function run(broken: Break, only?: string): Promise<CaseResult[]> {
  const listener = listenForStations("127.0.0.1", 0, "ocpp2.0.1");
  const mode = centralMode({
    listener,
    version: "ocpp2.0.1",
    answerMs: 5_000,
    actionMs: 5_000,
    heartbeatS: 1,
    clock: systemClock,
    print: () => {},
  });
  const station = new WrongStation(`ws://127.0.0.1:${listener.port}/ocpp`, broken);
  const connected = station.connect();
  try {
    return await runCases(selectCases(CHARGER_201, only), mode, { clock: systemClock });
  } finally {
    await connected.catch(() => {});
    await station.close();
    await mode.shutdown();
    await listener.close();
  }
}

Deno.test("charger mode, 2.0.1: an ocpp-rpc station that keeps the rules passes every case", async () => {
  const results = await run(undefined);
  const notGreen = results.filter((r) =>
    !(r.verdict === "pass" || (r.verdict === "not-applicable" && r.reason))
  );
  assert.deepEqual(notGreen.map((r) => `${r.id}: ${r.verdict} ${r.reason}`), []);
});

const BREAKS: Record<string, string> = {
  CW_B02_BOOT_PENDING_RETRY_CS: "a StatusNotification while held Pending",
  TC_B_01_CS: "a StatusNotification before the BootNotification",
  CW_G02_HEARTBEAT_INTERVAL_CS: "heartbeats four times too often",
  CW_B06_GET_VARIABLES_CS: "HeartbeatInterval not the boot answer's interval",
  CW_B05_SET_VARIABLES_CS: "a set variable that keeps its old value",
  CW_B05_UNKNOWN_COMPONENT_CS: "an unknown component Accepted",
  CW_B07_BASE_REPORT_CS: "report pages under another requestId",
  CW_F01_REMOTE_START_CS: "the transaction under another remoteStartId",
  CW_F03_REMOTE_STOP_CS: "a seqNo skipped before the Ended event",
  CW_F03_REMOTE_STOP_UNKNOWN_CS: "an unknown transaction's stop Accepted",
  CW_G03_CHANGE_AVAILABILITY_CS: "Inoperative without going Unavailable",
  CW_F06_TRIGGER_CS: "TriggerMessage Rejected",
  CW_DATA_TRANSFER_UNKNOWN_VENDOR_CS: "an unknown vendor Accepted",
  CW_B11_RESET_IMMEDIATE_CS: "a reboot after Reset that says PowerUp",
  CW_B11_RESET_ONIDLE_CS: "a reboot after Reset that says PowerUp",
  CW_MALFORMED_CS: "a schema-breaking CALL answered with a CALLRESULT",
  CW_UNKNOWN_ACTION_CS: "an unknown action answered with a CALLRESULT",
};

Deno.test("charger mode, 2.0.1: an ocpp-rpc station that breaks one rule fails that rule's case", async (t) => {
  assert.deepEqual(
    Object.keys(BREAKS).sort(),
    CHARGER_201.map((c) => c.id).sort(),
    "every case has its break",
  );
  for (const [id, how] of Object.entries(BREAKS)) {
    await t.step(`${id}: ${how}`, async () => {
      const results = await run(id, id === "TC_B_01_CS" ? id : `TC_B_01_CS,${id}`);
      const result = results.find((r) => r.id === id)!;
      assert.equal(
        result.verdict,
        "fail",
        `${id} should fail (${how}), was ${result.verdict}: ${result.reason}`,
      );
    });
  }
});
