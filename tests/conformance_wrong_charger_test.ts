/**
 * The charger-mode runner against a charge point it has never met: one written here on npm `ocpp-rpc`, an
 * independent implementation. As it should behave, every 1.6 case passes (or is not applicable with its
 * reason); broken one rule at a time — declaring the feature profile a case needs where that is the
 * case's precondition — the case for that rule fails.
 */
import assert from "node:assert/strict";
import { type CaseResult, selectCases } from "../conformance/case.ts";
import { CHARGER_16 } from "../conformance/cases/charger16.ts";
import { centralMode } from "../conformance/central_mode.ts";
import { systemClock } from "../conformance/clock.ts";
import { runCases } from "../conformance/runner.ts";
import { listenForStations } from "../conformance/transport.ts";
import { RPCClient } from "ocpp-rpc";
import type { PeerSession } from "./ocpp_rpc_peer.ts";

type Break = string | undefined;

const PROFILE_OF: Record<string, string> = {
  TC_056_CP: "SmartCharging",
  TC_066_CP: "SmartCharging",
  TC_046_CP: "Reservation",
  TC_042_CP: "LocalAuthListManagement",
  TC_045_CP: "FirmwareManagement",
  TC_044_CP: "FirmwareManagement",
};

/** A 1.6 charge point on ocpp-rpc with one connector that keeps the rules, except the one `broken` names. */
class WrongChargePoint {
  #client?: PeerSession;
  #timer?: ReturnType<typeof setInterval>;
  #tx?: { id: number; idTag: string };
  /** The transaction being started: a stop that arrives meanwhile waits for its id. */
  #starting: Promise<unknown> = Promise.resolve();
  #stopped = false;
  readonly config = new Map<string, string>([
    ["HeartbeatInterval", "0"],
    ["MeterValueSampleInterval", "60"],
    ["NumberOfConnectors", "1"],
    ["SupportedFeatureProfiles", "Core,RemoteTrigger"],
  ]);

  constructor(private readonly url: string, private readonly broken: Break) {
    const extra = broken ? PROFILE_OF[broken] : undefined;
    if (extra) this.config.set("SupportedFeatureProfiles", `Core,RemoteTrigger,${extra}`);
  }

  get #loose() {
    return this.broken === "CW_MALFORMED_CP" || this.broken === "CW_UNKNOWN_ACTION_CP";
  }

  #is(id: string) {
    return this.broken === id;
  }

  #send(action: string, payload: unknown) {
    return this.#client!.call(action, payload).catch(() => {});
  }

  #status(status: string, connectorId = 1) {
    return this.#send("StatusNotification", { connectorId, errorCode: "NoError", status });
  }

  async connect(): Promise<void> {
    const client = new RPCClient({
      endpoint: this.url,
      identity: "WRONG-CP",
      protocols: ["ocpp1.6"],
      strictMode: !this.#loose,
      reconnect: false,
    } as never) as unknown as PeerSession & { connect(): Promise<void> };
    this.#install(client);
    await client.connect();
    this.#client = client;
    if (this.#is("TC_001_CP")) await this.#status("Available");
    let boot: { status: string; interval: number };
    // Held Pending: boot again after the interval, and send nothing else meanwhile.
    while (true) {
      boot = await client.call<{ status: string; interval: number }>("BootNotification", {
        chargePointVendor: "WrongPeer",
        chargePointModel: "ocpp-rpc",
      });
      if (boot.status === "Accepted") break;
      if (this.#is("CW_BOOT_PENDING_RETRY_CP")) await this.#status("Available");
      await new Promise((r) => setTimeout(r, boot.interval * 1000));
    }
    this.config.set("HeartbeatInterval", String(boot.interval));
    const every = boot.interval * 1000 / (this.#is("CW_HEARTBEAT_INTERVAL_CP") ? 4 : 1);
    this.#timer = setInterval(() => void this.#send("Heartbeat", {}), every);
    await this.#status("Available", 0);
    await this.#status("Available");
  }

  async close(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    await this.#client?.close({ force: true });
  }

  async #reboot(): Promise<void> {
    clearInterval(this.#timer);
    await this.#client?.close({ code: 1000 });
    if (!this.#stopped) await this.connect();
  }

  #install(c: PeerSession) {
    // After the answer has gone out; a call cut short by a closing connection is no failure here.
    const later = (fn: () => unknown) => setTimeout(() => Promise.resolve().then(fn).catch(() => {}), 10);
    c.handle("GetConfiguration", ({ params }) => {
      const keys = params.key?.length ? params.key : [...this.config.keys()];
      return {
        configurationKey: keys.filter((k: string) => this.config.has(k)).map((k: string) => ({
          key: k,
          readonly: k !== "MeterValueSampleInterval" && k !== "HeartbeatInterval",
          value: k === "HeartbeatInterval" && this.#is("TC_019_CP") ? "999" : this.config.get(k),
        })),
        unknownKey: keys.filter((k: string) => !this.config.has(k)),
      };
    });
    c.handle("ChangeConfiguration", ({ params }) => {
      if (!this.config.has(params.key)) {
        return { status: this.#is("CW_CHANGE_CONFIGURATION_UNKNOWN_CP") ? "Accepted" : "NotSupported" };
      }
      if (!this.#is("TC_021_CP")) this.config.set(params.key, params.value);
      return { status: "Accepted" };
    });
    c.handle("RemoteStartTransaction", ({ params }) => {
      if (this.#tx) return { status: "Rejected" };
      let started = () => {};
      this.#starting = new Promise<void>((resolve) => (started = resolve));
      later(async () => {
        await this.#status("Preparing");
        const idTag = this.#is("TC_010_CP") ? "SOMEONE-ELSE" : params.idTag;
        const res = await this.#client!.call<{ transactionId: number }>("StartTransaction", {
          connectorId: 1,
          idTag,
          meterStart: 100,
          timestamp: new Date().toISOString(),
        });
        this.#tx = { id: res.transactionId, idTag };
        started();
        await this.#status("Charging");
      });
      return { status: "Accepted" };
    });
    c.handle("RemoteStopTransaction", async ({ params }) => {
      await this.#starting;
      if (this.#tx?.id !== params.transactionId) {
        return { status: this.#is("CW_REMOTE_STOP_UNKNOWN_CP") ? "Accepted" : "Rejected" };
      }
      const tx = this.#tx!;
      this.#tx = undefined;
      later(async () => {
        await this.#send("StopTransaction", {
          transactionId: tx.id,
          meterStop: 200,
          timestamp: new Date().toISOString(),
          reason: this.#is("TC_012_CP") ? "Local" : "Remote",
        });
        await this.#status("Finishing");
        await this.#status("Available");
      });
      return { status: "Accepted" };
    });
    c.handle("ChangeAvailability", ({ params }) => {
      if (this.#loose) return { status: "Accepted" };
      const off = params.type === "Inoperative";
      if (!this.#is("CW_CHANGE_AVAILABILITY_CP") || !off) {
        later(() => this.#status(off ? "Unavailable" : "Available"));
      }
      return { status: "Accepted" };
    });
    c.handle("TriggerMessage", ({ params }) => {
      if (this.#is("TC_054_CP")) return { status: "Rejected" };
      later(() =>
        params.requestedMessage === "Heartbeat" ? this.#send("Heartbeat", {}) : this.#status("Available")
      );
      return { status: "Accepted" };
    });
    const brokenHere = (id: string) => {
      if (this.#is(id)) throw new Error("broken on purpose");
    };
    c.handle("UnlockConnector", () => (brokenHere("TC_017_CP"), { status: "Unlocked" }));
    c.handle("ClearCache", () => (brokenHere("TC_061_CP"), { status: "Accepted" }));
    c.handle(
      "DataTransfer",
      () => ({ status: this.#is("CW_DATA_TRANSFER_UNKNOWN_VENDOR_CP") ? "Accepted" : "UnknownVendorId" }),
    );
    c.handle("Reset", () => {
      if (this.#is("TC_013_CP") || this.#is("TC_014_CP")) return { status: "Rejected" };
      later(() => this.#reboot());
      return { status: "Accepted" };
    });
    if (this.#is("CW_UNKNOWN_ACTION_CP")) c.handle("FlyToTheMoon", () => ({}));
    c.handle("SetChargingProfile", () => ({ status: "Rejected" }));
    c.handle("ClearChargingProfile", () => ({ status: "Accepted" }));
    c.handle("GetCompositeSchedule", () => (brokenHere("TC_066_CP"), { status: "Rejected" }));
    c.handle("ReserveNow", () => ({ status: "Rejected" }));
    c.handle("SendLocalList", () => ({ status: "Accepted" }));
    c.handle("GetLocalListVersion", () => ({ listVersion: 4 }));
    c.handle("GetDiagnostics", () => (brokenHere("TC_045_CP"), {}));
    c.handle("UpdateFirmware", () => (brokenHere("TC_044_CP"), {}));
  }
}

async function run(broken: Break, only?: string): Promise<CaseResult[]> {
  const listener = listenForStations("127.0.0.1", 0, "ocpp1.6");
  const mode = centralMode({
    listener,
    version: "ocpp1.6",
    answerMs: 5_000,
    actionMs: 5_000,
    heartbeatS: 1,
    clock: systemClock,
    print: () => {},
  });
  const charger = new WrongChargePoint(`ws://127.0.0.1:${listener.port}/ocpp`, broken);
  const connected = charger.connect();
  try {
    return await runCases(selectCases(CHARGER_16, only), mode, { clock: systemClock });
  } finally {
    await connected.catch(() => {});
    await charger.close();
    await mode.shutdown();
    await listener.close();
  }
}

Deno.test("charger mode, 1.6: an ocpp-rpc charge point that keeps the rules passes every case", async () => {
  const results = await run(undefined);
  const notGreen = results.filter((r) =>
    !(r.verdict === "pass" || (r.verdict === "not-applicable" && r.reason))
  );
  assert.deepEqual(notGreen.map((r) => `${r.id}: ${r.verdict} ${r.reason}`), []);
  assert.match(results.find((r) => r.id === "TC_056_CP")!.reason!, /does not declare SmartCharging/);
});

const BREAKS: Record<string, string> = {
  CW_BOOT_PENDING_RETRY_CP: "a StatusNotification while held Pending",
  TC_001_CP: "a StatusNotification before the BootNotification",
  CW_HEARTBEAT_INTERVAL_CP: "heartbeats four times too often",
  TC_019_CP: "HeartbeatInterval not the boot answer's interval",
  TC_021_CP: "a changed key that keeps its old value",
  CW_CHANGE_CONFIGURATION_UNKNOWN_CP: "an unknown key Accepted",
  TC_010_CP: "the remote start's transaction under another idTag",
  TC_012_CP: "a remote stop with reason Local",
  CW_REMOTE_STOP_UNKNOWN_CP: "an unknown transaction's stop Accepted",
  CW_CHANGE_AVAILABILITY_CP: "Inoperative without going Unavailable",
  TC_054_CP: "TriggerMessage Rejected though RemoteTrigger is declared",
  TC_017_CP: "UnlockConnector answered with CALLERROR",
  TC_061_CP: "ClearCache answered with CALLERROR",
  CW_DATA_TRANSFER_UNKNOWN_VENDOR_CP: "an unknown vendor Accepted",
  TC_013_CP: "Hard reset Rejected",
  TC_014_CP: "Soft reset Rejected",
  CW_MALFORMED_CP: "a schema-breaking CALL answered with a CALLRESULT",
  CW_UNKNOWN_ACTION_CP: "an unknown action answered with a CALLRESULT",
  TC_056_CP: "SmartCharging declared, the TxDefaultProfile Rejected",
  TC_066_CP: "SmartCharging declared, GetCompositeSchedule answered with CALLERROR",
  TC_046_CP: "Reservation declared, ReserveNow Rejected",
  TC_042_CP: "LocalAuthListManagement declared, the list version not the one sent",
  TC_045_CP: "FirmwareManagement declared, GetDiagnostics answered with CALLERROR",
  TC_044_CP: "FirmwareManagement declared, UpdateFirmware answered with CALLERROR",
};

Deno.test("charger mode, 1.6: an ocpp-rpc charge point that breaks one rule fails that rule's case", async (t) => {
  assert.deepEqual(
    Object.keys(BREAKS).sort(),
    CHARGER_16.map((c) => c.id).sort(),
    "every case has its break",
  );
  for (const [id, how] of Object.entries(BREAKS)) {
    await t.step(`${id}: ${how}`, async () => {
      const results = await run(id, id === "TC_001_CP" ? id : `TC_001_CP,${id}`);
      const result = results.find((r) => r.id === id)!;
      assert.equal(
        result.verdict,
        "fail",
        `${id} should fail (${how}), was ${result.verdict}: ${result.reason}`,
      );
    });
  }
});
