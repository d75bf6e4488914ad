/**
 * The charger-mode catalogue for OCPP 1.6: we are the central system, the charge point is under test.
 * Ids are the OCPP 1.6 compliance test cases' (TC_nnn_CP) where there is one, CW_… otherwise. Cases of
 * a feature profile beyond Core are not applicable unless the charger declares the profile in
 * SupportedFeatureProfiles.
 */
import type { ConformanceCase } from "../case.ts";
import type { CentralCtx } from "../central_mode.ts";
import type { Payload } from "../link.ts";
import {
  bootRetryCase,
  heartbeatCase,
  malformedCase,
  seenSince,
  unknownActionCase,
} from "./charger_common.ts";

type Case = ConformanceCase<CentralCtx>;

const PROBE = { action: "GetConfiguration", payload: { key: ["HeartbeatInterval"] } };
const TX_ID = 7001;

/** A configuration key's value as the charger reports it. */
async function configValue(ctx: CentralCtx, key: string): Promise<string | undefined> {
  const res = await ctx.result("GetConfiguration", { key: [key] });
  return (res.configurationKey ?? []).find((k: Payload) => k.key === key)?.value;
}

/** Waits for connector 1 to report `status` (taken or not since `since`). */
async function statusOf(ctx: CentralCtx, status: string, since: number) {
  const link = await ctx.link();
  const match = (c: { action: string; payload: Payload; at: number }) =>
    c.action === "StatusNotification" && c.payload.connectorId === 1 && c.payload.status === status &&
    c.at >= since;
  return link.inbox.find(match) ??
    await ctx.expect(match, `StatusNotification ${status} for connector 1`, ctx.options.actionMs);
}

/** Remote start on connector 1 with our own transaction id; returns the StartTransaction. */
async function remoteStart(ctx: CentralCtx, idTag: string) {
  ctx.answer("StartTransaction", () => ({ transactionId: TX_ID, idTagInfo: { status: "Accepted" } }));
  const res = await ctx.result("RemoteStartTransaction", { connectorId: 1, idTag });
  ctx.check(res.status === "Accepted", `RemoteStartTransaction is Accepted (got ${res.status})`);
  const start = await ctx.expect("StartTransaction", "StartTransaction", ctx.options.actionMs);
  ctx.check(
    start.payload.idTag === idTag,
    `StartTransaction carries idTag ${idTag} (got ${start.payload.idTag})`,
  );
  ctx.check(
    start.payload.connectorId === 1,
    `StartTransaction is on connector 1 (got ${start.payload.connectorId})`,
  );
  return start;
}

/** Remote stop of our transaction; returns the StopTransaction, then waits for connector 1 to be free. */
async function remoteStop(ctx: CentralCtx) {
  // From before the request: a charger may report the free connector before its StopTransaction.
  const since = ctx.clock.now();
  const res = await ctx.result("RemoteStopTransaction", { transactionId: TX_ID });
  ctx.check(res.status === "Accepted", `RemoteStopTransaction is Accepted (got ${res.status})`);
  const stop = await ctx.expect("StopTransaction", "StopTransaction", ctx.options.actionMs);
  await statusOf(ctx, "Available", since);
  return stop;
}

function resetCase(id: string, type: "Hard" | "Soft"): Case {
  return {
    id,
    purpose: `${type} reset without a transaction: the charger accepts, reconnects and boots again`,
    steps: [`Reset type ${type}`, "Wait for the connection to close and the charger to connect again"],
    expects: [
      "Reset Accepted",
      "a new BootNotification on the new connection",
      "a StatusNotification after it",
    ],
    async run(ctx) {
      await ctx.boot();
      const res = await ctx.result("Reset", { type });
      ctx.check(res.status === "Accepted", `Reset is Accepted (got ${res.status})`);
      const link = await ctx.reconnect();
      const boot = await ctx.boot();
      await seenSince(ctx, link, "StatusNotification", boot.at, "StatusNotification after the boot");
    },
  };
}

export const CHARGER_16: Case[] = [
  {
    id: "TC_001_CP",
    purpose: "Cold boot: the charger sends BootNotification, then the status of its connectors",
    steps: [
      "Wait for the charger to connect and send BootNotification; answer Accepted",
      "Wait for StatusNotification",
    ],
    expects: ["a schema-valid BootNotification first", "a StatusNotification after it"],
    async run(ctx) {
      const link = await ctx.link();
      const boot = await ctx.boot();
      const first = link.inbox[0];
      ctx.check(first === boot, `BootNotification is the charger's first message (got ${first?.action})`);
      await seenSince(ctx, link, "StatusNotification", boot.at, "StatusNotification after the boot");
    },
  },
  heartbeatCase("CW_HEARTBEAT_INTERVAL_CP"),
  {
    id: "TC_019_CP",
    purpose:
      "Retrieve configuration: GetConfiguration lists the Core keys, HeartbeatInterval as given at boot",
    steps: ["GetConfiguration with no key"],
    expects: [
      "HeartbeatInterval, MeterValueSampleInterval, NumberOfConnectors among the keys",
      "HeartbeatInterval is the boot answer's interval",
    ],
    async run(ctx) {
      await ctx.boot();
      const res = await ctx.result("GetConfiguration", {});
      const keys = new Map<string, Payload>((res.configurationKey ?? []).map((k: Payload) => [k.key, k]));
      for (const key of ["HeartbeatInterval", "MeterValueSampleInterval", "NumberOfConnectors"]) {
        ctx.check(keys.has(key), `the configuration has ${key}`);
      }
      ctx.check(
        Number(keys.get("HeartbeatInterval").value) === ctx.options.heartbeatS,
        `HeartbeatInterval is ${ctx.options.heartbeatS}, the boot answer's interval (got ${
          keys.get("HeartbeatInterval").value
        })`,
      );
    },
  },
  {
    id: "TC_021_CP",
    purpose: "Change configuration: a writable key takes a new value that GetConfiguration then reports",
    steps: ["ChangeConfiguration MeterValueSampleInterval=17", "GetConfiguration MeterValueSampleInterval"],
    expects: ["Accepted (or RebootRequired)", "the value reads 17"],
    async run(ctx) {
      await ctx.boot();
      const res = await ctx.result("ChangeConfiguration", { key: "MeterValueSampleInterval", value: "17" });
      ctx.check(["Accepted", "RebootRequired"].includes(res.status), `Accepted (got ${res.status})`);
      if (res.status === "Accepted") {
        const value = await configValue(ctx, "MeterValueSampleInterval");
        ctx.check(value === "17", `MeterValueSampleInterval reads 17 (got ${value})`);
      }
    },
  },
  {
    id: "CW_CHANGE_CONFIGURATION_UNKNOWN_CP",
    purpose: "Change configuration of a key the charger does not have is answered NotSupported",
    steps: ["ChangeConfiguration CwNoSuchKey=1"],
    expects: ["NotSupported"],
    async run(ctx) {
      await ctx.boot();
      const res = await ctx.result("ChangeConfiguration", { key: "CwNoSuchKey", value: "1" });
      ctx.check(res.status === "NotSupported", `NotSupported (got ${res.status})`);
    },
  },
  {
    id: "TC_010_CP",
    purpose: "Remote start: RemoteStartTransaction on a free connector starts a transaction with its idTag",
    steps: [
      "RemoteStartTransaction connector 1, idTag CW-REMOTE",
      "Wait for StartTransaction",
      "Stop it remotely",
    ],
    expects: ["Accepted", "StartTransaction on connector 1 with idTag CW-REMOTE"],
    async run(ctx) {
      await ctx.boot();
      await remoteStart(ctx, "CW-REMOTE");
      await remoteStop(ctx);
    },
  },
  {
    id: "TC_012_CP",
    purpose: "Remote stop: RemoteStopTransaction ends the transaction with reason Remote",
    steps: [
      "Start a transaction remotely",
      "RemoteStopTransaction with its id",
      "Wait for StopTransaction and Available",
    ],
    expects: ["Accepted", "StopTransaction with the transactionId, reason Remote, meterStop ≥ meterStart"],
    async run(ctx) {
      await ctx.boot();
      const start = await remoteStart(ctx, "CW-RSTOP");
      const stop = await remoteStop(ctx);
      ctx.check(
        stop.payload.transactionId === TX_ID,
        `StopTransaction names ${TX_ID} (got ${stop.payload.transactionId})`,
      );
      ctx.check(stop.payload.reason === "Remote", `reason Remote (got ${stop.payload.reason})`);
      ctx.check(stop.payload.meterStop >= start.payload.meterStart, "meterStop is not below meterStart");
    },
  },
  {
    id: "CW_REMOTE_STOP_UNKNOWN_CP",
    purpose: "Remote stop of a transaction the charger does not run is Rejected",
    steps: ["RemoteStopTransaction transactionId 999999"],
    expects: ["Rejected"],
    async run(ctx) {
      await ctx.boot();
      const res = await ctx.result("RemoteStopTransaction", { transactionId: 999999 });
      ctx.check(res.status === "Rejected", `Rejected (got ${res.status})`);
    },
  },
  {
    id: "CW_CHANGE_AVAILABILITY_CP",
    purpose:
      "Change availability: connector 1 goes Unavailable when Inoperative and Available again when Operative",
    steps: ["ChangeAvailability connector 1 Inoperative", "ChangeAvailability connector 1 Operative"],
    expects: ["Accepted, then StatusNotification Unavailable", "Accepted, then StatusNotification Available"],
    async run(ctx) {
      await ctx.boot();
      const t0 = ctx.clock.now();
      const off = await ctx.result("ChangeAvailability", { connectorId: 1, type: "Inoperative" });
      ctx.check(off.status === "Accepted", `Inoperative Accepted (got ${off.status})`);
      await statusOf(ctx, "Unavailable", t0);
      const t1 = ctx.clock.now();
      const on = await ctx.result("ChangeAvailability", { connectorId: 1, type: "Operative" });
      ctx.check(on.status === "Accepted", `Operative Accepted (got ${on.status})`);
      await statusOf(ctx, "Available", t1);
    },
  },
  {
    id: "TC_054_CP",
    purpose: "Trigger message: the charger sends the Heartbeat and the StatusNotification it is asked for",
    profile: "RemoteTrigger",
    steps: ["TriggerMessage Heartbeat", "TriggerMessage StatusNotification connector 1"],
    expects: ["Accepted, then a Heartbeat", "Accepted, then a StatusNotification for connector 1"],
    async run(ctx) {
      await ctx.requireProfile("RemoteTrigger");
      await ctx.boot();
      const hb = await ctx.result("TriggerMessage", { requestedMessage: "Heartbeat" });
      ctx.check(hb.status === "Accepted", `Accepted (got ${hb.status})`);
      await ctx.expect("Heartbeat", "triggered Heartbeat");
      const st = await ctx.result("TriggerMessage", {
        requestedMessage: "StatusNotification",
        connectorId: 1,
      });
      ctx.check(st.status === "Accepted", `Accepted (got ${st.status})`);
      await ctx.expect(
        (c) => c.action === "StatusNotification" && c.payload.connectorId === 1,
        "triggered StatusNotification",
      );
    },
  },
  {
    id: "TC_017_CP",
    purpose: "Unlock connector without a transaction is answered with a status of the schema",
    steps: ["UnlockConnector connector 1"],
    expects: ["Unlocked, UnlockFailed or NotSupported"],
    async run(ctx) {
      await ctx.boot();
      await ctx.result("UnlockConnector", { connectorId: 1 });
    },
  },
  {
    id: "TC_061_CP",
    purpose: "Clear cache is answered Accepted or Rejected",
    steps: ["ClearCache"],
    expects: ["a status of the schema"],
    async run(ctx) {
      await ctx.boot();
      await ctx.result("ClearCache", {});
    },
  },
  {
    id: "CW_DATA_TRANSFER_UNKNOWN_VENDOR_CP",
    purpose: "DataTransfer for a vendor the charger does not know is answered UnknownVendorId",
    steps: ["DataTransfer vendorId org.example.nobody"],
    expects: ["UnknownVendorId"],
    async run(ctx) {
      await ctx.boot();
      const res = await ctx.result("DataTransfer", { vendorId: "org.example.nobody", messageId: "Ping" });
      ctx.check(res.status === "UnknownVendorId", `UnknownVendorId (got ${res.status})`);
    },
  },
  resetCase("TC_013_CP", "Hard"),
  resetCase("TC_014_CP", "Soft"),
  bootRetryCase("CW_BOOT_PENDING_RETRY_CP", { type: "Soft" }),
  malformedCase("CW_MALFORMED_CP", {
    action: "ChangeAvailability",
    payload: { connectorId: "one", type: "Inoperative" },
  }, PROBE),
  unknownActionCase("CW_UNKNOWN_ACTION_CP", PROBE),
  {
    id: "TC_056_CP",
    purpose: "Smart charging: a TxDefaultProfile is accepted",
    profile: "SmartCharging",
    steps: ["SetChargingProfile connector 0, TxDefaultProfile, 16 A"],
    expects: ["Accepted"],
    async run(ctx) {
      await ctx.requireProfile("SmartCharging");
      await ctx.boot();
      const res = await ctx.result("SetChargingProfile", {
        connectorId: 0,
        csChargingProfiles: {
          chargingProfileId: 901,
          stackLevel: 0,
          chargingProfilePurpose: "TxDefaultProfile",
          chargingProfileKind: "Absolute",
          chargingSchedule: {
            chargingRateUnit: "A",
            startSchedule: ctx.clock.isoNow(),
            chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }],
          },
        },
      });
      ctx.check(res.status === "Accepted", `Accepted (got ${res.status})`);
      await ctx.result("ClearChargingProfile", { id: 901 });
    },
  },
  {
    id: "TC_066_CP",
    purpose: "Smart charging: GetCompositeSchedule for connector 1 is answered",
    profile: "SmartCharging",
    steps: ["GetCompositeSchedule connector 1, 3600 s"],
    expects: ["Accepted or Rejected, of the schema"],
    async run(ctx) {
      await ctx.requireProfile("SmartCharging");
      await ctx.boot();
      await ctx.result("GetCompositeSchedule", { connectorId: 1, duration: 3600 });
    },
  },
  {
    id: "TC_046_CP",
    purpose: "Reservation: ReserveNow makes connector 1 Reserved; CancelReservation frees it",
    profile: "Reservation",
    steps: ["ReserveNow connector 1", "CancelReservation"],
    expects: ["Accepted, StatusNotification Reserved", "Accepted, StatusNotification Available"],
    async run(ctx) {
      await ctx.requireProfile("Reservation");
      await ctx.boot();
      const t0 = ctx.clock.now();
      const res = await ctx.result("ReserveNow", {
        connectorId: 1,
        expiryDate: new Date(Date.parse(ctx.clock.isoNow()) + 3600_000).toISOString(),
        idTag: "CW-RESERVE",
        reservationId: 77,
      });
      ctx.check(res.status === "Accepted", `ReserveNow Accepted (got ${res.status})`);
      await statusOf(ctx, "Reserved", t0);
      const t1 = ctx.clock.now();
      const cancel = await ctx.result("CancelReservation", { reservationId: 77 });
      ctx.check(cancel.status === "Accepted", `CancelReservation Accepted (got ${cancel.status})`);
      await statusOf(ctx, "Available", t1);
    },
  },
  {
    id: "TC_042_CP",
    purpose: "Local list: GetLocalListVersion, SendLocalList Full, and the new version reported",
    profile: "LocalAuthListManagement",
    steps: ["SendLocalList version 5 Full with one tag", "GetLocalListVersion"],
    expects: ["Accepted", "listVersion 5"],
    async run(ctx) {
      await ctx.requireProfile("LocalAuthListManagement");
      await ctx.boot();
      const res = await ctx.result("SendLocalList", {
        listVersion: 5,
        updateType: "Full",
        localAuthorizationList: [{ idTag: "CW-LOCAL", idTagInfo: { status: "Accepted" } }],
      });
      ctx.check(res.status === "Accepted", `SendLocalList Accepted (got ${res.status})`);
      const v = await ctx.result("GetLocalListVersion", {});
      ctx.check(v.listVersion === 5, `listVersion 5 (got ${v.listVersion})`);
    },
  },
  {
    id: "TC_045_CP",
    purpose: "Diagnostics: GetDiagnostics is answered and followed by DiagnosticsStatusNotification",
    profile: "FirmwareManagement",
    steps: ["GetDiagnostics to an unreachable location"],
    expects: ["an answer of the schema", "a DiagnosticsStatusNotification"],
    async run(ctx) {
      await ctx.requireProfile("FirmwareManagement");
      await ctx.boot();
      await ctx.result("GetDiagnostics", { location: "http://127.0.0.1:9/diagnostics", retries: 0 });
      await ctx.expect(
        "DiagnosticsStatusNotification",
        "DiagnosticsStatusNotification",
        ctx.options.actionMs,
      );
    },
  },
  {
    id: "TC_044_CP",
    purpose: "Firmware: UpdateFirmware is answered and followed by FirmwareStatusNotification",
    profile: "FirmwareManagement",
    steps: ["UpdateFirmware from an unreachable location, now"],
    expects: ["an empty answer", "a FirmwareStatusNotification"],
    async run(ctx) {
      await ctx.requireProfile("FirmwareManagement");
      await ctx.boot();
      await ctx.result("UpdateFirmware", {
        location: "http://127.0.0.1:9/firmware.bin",
        retrieveDate: ctx.clock.isoNow(),
        retries: 0,
      });
      await ctx.expect("FirmwareStatusNotification", "FirmwareStatusNotification", ctx.options.actionMs);
    },
  },
];
