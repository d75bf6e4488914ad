/**
 * The csms-mode catalogue for OCPP 1.6: we are the charge point, the CSMS is under test. Core profile
 * cases; ids are the OCPP 1.6 compliance test cases' (TC_nnn_CS) where there is one, CW_… otherwise.
 */
import type { ConformanceCase } from "../case.ts";
import { NotApplicable } from "../case.ts";
import type { Link } from "../link.ts";
import type { StationCtx } from "../station_mode.ts";

type Case = ConformanceCase<StationCtx>;

const BOOT = { chargePointVendor: "Chargewire", chargePointModel: "Conformance" };

/** Connects and boots; the CSMS must accept. The case's precondition for everything after a boot. */
export async function bootedStation(ctx: StationCtx): Promise<Link> {
  const link = await ctx.connect();
  const boot = await ctx.result(link, "BootNotification", BOOT);
  ctx.check(boot.status === "Accepted", `BootNotification is Accepted (got ${boot.status})`);
  await ctx.result(link, "StatusNotification", { connectorId: 1, errorCode: "NoError", status: "Available" });
  return link;
}

/** Starts a transaction on connector 1 with `idTag`; returns the CSMS's transactionId. */
async function startTransaction(ctx: StationCtx, link: Link, idTag: string, timestamp?: string) {
  const res = await ctx.result(link, "StartTransaction", {
    connectorId: 1,
    idTag,
    meterStart: 1000,
    timestamp: timestamp ?? ctx.clock.isoNow(),
  });
  ctx.check(
    res.idTagInfo?.status === "Accepted",
    `StartTransaction's idTagInfo is Accepted (got ${res.idTagInfo?.status})`,
  );
  ctx.check(Number.isInteger(res.transactionId), "StartTransaction gives an integer transactionId");
  return res.transactionId as number;
}

function authorizeCase(status: "Blocked" | "Expired" | "Invalid", id: string): Case {
  return {
    id,
    purpose: `Authorize with an id tag the CSMS knows as ${status} is answered ${status}`,
    steps: [
      `The CSMS knows the id tag as ${status}${status === "Expired" ? " (an expiry date in the past)" : ""}`,
      "Boot, then Authorize with that id tag",
    ],
    expects: [`idTagInfo.status is ${status}`],
    async run(ctx) {
      const idTag = ctx.tag(status.toUpperCase());
      await ctx.arrange(
        status === "Expired"
          ? { kind: "id-tag", idTag, status: "Accepted", expiryDate: "2020-01-01T00:00:00Z" }
          : { kind: "id-tag", idTag, status },
      );
      const link = await bootedStation(ctx);
      const res = await ctx.result(link, "Authorize", { idTag });
      ctx.check(
        res.idTagInfo.status === status,
        `Authorize is answered ${status} (got ${res.idTagInfo.status})`,
      );
    },
  };
}

function resetCase(type: "Hard" | "Soft", id: string): Case {
  return {
    id,
    purpose: `${type} reset without a transaction: the CSMS sends Reset and accepts the station's new boot`,
    steps: [
      "Boot",
      `The CSMS sends Reset type ${type}; we answer Accepted`,
      "We close the connection, connect again and boot",
    ],
    expects: [`Reset type is ${type}`, "the new BootNotification is Accepted"],
    async run(ctx) {
      let link = await bootedStation(ctx);
      link.handlers.delete("Reset");
      const call = await ctx.command(link, { action: "Reset", payload: { type } });
      ctx.check(call.payload.type === type, `Reset type is ${type} (got ${call.payload.type})`);
      link.reply(call, { status: "Accepted" });
      await link.close();
      link = await ctx.connect();
      const boot = await ctx.result(link, "BootNotification", BOOT);
      ctx.check(
        boot.status === "Accepted",
        `the BootNotification after the reset is Accepted (got ${boot.status})`,
      );
    },
  };
}

export const CSMS_16: Case[] = [
  {
    id: "TC_001_CS",
    purpose: "Cold boot: the CSMS accepts the BootNotification and gives a heartbeat interval",
    steps: [
      "Connect with subprotocol ocpp1.6",
      "BootNotification",
      "StatusNotification Available for connectors 0 and 1",
    ],
    expects: [
      "status Accepted",
      "interval > 0",
      "currentTime is a date-time",
      "each StatusNotification answered",
    ],
    async run(ctx) {
      const link = await ctx.connect();
      const boot = await ctx.result(link, "BootNotification", BOOT);
      ctx.check(boot.status === "Accepted", `BootNotification is Accepted (got ${boot.status})`);
      ctx.check(boot.interval > 0, `the heartbeat interval is positive (got ${boot.interval})`);
      ctx.check(!Number.isNaN(Date.parse(boot.currentTime)), "currentTime is a date-time");
      for (const connectorId of [0, 1]) {
        await ctx.result(link, "StatusNotification", {
          connectorId,
          errorCode: "NoError",
          status: "Available",
        });
      }
    },
  },
  {
    id: "TC_002_CS",
    purpose: "Cold boot while the CSMS holds the station Pending",
    steps: ["The CSMS holds the station Pending", "Connect and send BootNotification"],
    expects: ["status Pending", "interval > 0 (when to boot again)"],
    async run(ctx) {
      await ctx.arrange({ kind: "boot-status", stationId: ctx.id, status: "Pending" });
      const link = await ctx.connect();
      const boot = await ctx.result(link, "BootNotification", BOOT);
      ctx.check(boot.status === "Pending", `BootNotification is Pending (got ${boot.status})`);
      ctx.check(boot.interval > 0, `the retry interval is positive (got ${boot.interval})`);
    },
  },
  {
    id: "CW_BOOT_REJECTED_CS",
    purpose: "Cold boot while the CSMS rejects the station",
    steps: ["The CSMS rejects the station", "Connect and send BootNotification"],
    expects: ["status Rejected", "interval > 0 (when to boot again)"],
    async run(ctx) {
      await ctx.arrange({ kind: "boot-status", stationId: ctx.id, status: "Rejected" });
      const link = await ctx.connect();
      const boot = await ctx.result(link, "BootNotification", BOOT);
      ctx.check(boot.status === "Rejected", `BootNotification is Rejected (got ${boot.status})`);
      ctx.check(boot.interval > 0, `the retry interval is positive (got ${boot.interval})`);
    },
  },
  {
    id: "CW_HEARTBEAT_CS",
    purpose: "Heartbeat is answered with the CSMS's current time",
    steps: ["Boot", "Heartbeat twice"],
    expects: ["each answer's currentTime is a date-time"],
    async run(ctx) {
      const link = await bootedStation(ctx);
      for (let i = 0; i < 2; i++) {
        const res = await ctx.result(link, "Heartbeat", {});
        ctx.check(
          !Number.isNaN(Date.parse(res.currentTime)),
          `Heartbeat ${i + 1}'s currentTime is a date-time`,
        );
      }
    },
  },
  {
    id: "CW_STATUS_CS",
    purpose: "StatusNotification is answered for every connector status and an error code",
    steps: ["Boot", "StatusNotification with each 1.6 status, then Faulted with errorCode GroundFailure"],
    expects: ["every one answered with an empty CALLRESULT"],
    async run(ctx) {
      const link = await bootedStation(ctx);
      const statuses = [
        "Preparing",
        "Charging",
        "SuspendedEV",
        "SuspendedEVSE",
        "Finishing",
        "Unavailable",
        "Available",
      ];
      for (const status of statuses) {
        await ctx.result(link, "StatusNotification", { connectorId: 1, errorCode: "NoError", status });
      }
      await ctx.result(link, "StatusNotification", {
        connectorId: 1,
        errorCode: "GroundFailure",
        status: "Faulted",
        info: "conformance",
        timestamp: ctx.clock.isoNow(),
      });
      await ctx.result(link, "StatusNotification", {
        connectorId: 1,
        errorCode: "NoError",
        status: "Available",
      });
    },
  },
  {
    id: "TC_004_1_CS",
    purpose: "Regular charging session, identification first: Authorize, start, meter values, stop",
    steps: [
      "Boot; Authorize an id tag the CSMS accepts",
      "StatusNotification Preparing; StartTransaction; StatusNotification Charging",
      "MeterValues for the transaction; StopTransaction; StatusNotification Finishing, Available",
    ],
    expects: [
      "Authorize Accepted",
      "an integer transactionId with idTagInfo Accepted",
      "every message answered",
    ],
    async run(ctx) {
      const idTag = ctx.tag("OK");
      await ctx.arrange({ kind: "id-tag", idTag, status: "Accepted" });
      const link = await bootedStation(ctx);
      const auth = await ctx.result(link, "Authorize", { idTag });
      ctx.check(auth.idTagInfo.status === "Accepted", `Authorize is Accepted (got ${auth.idTagInfo.status})`);
      await ctx.result(link, "StatusNotification", {
        connectorId: 1,
        errorCode: "NoError",
        status: "Preparing",
      });
      const transactionId = await startTransaction(ctx, link, idTag);
      await ctx.result(link, "StatusNotification", {
        connectorId: 1,
        errorCode: "NoError",
        status: "Charging",
      });
      await ctx.result(link, "MeterValues", {
        connectorId: 1,
        transactionId,
        meterValue: [{
          timestamp: ctx.clock.isoNow(),
          sampledValue: [{ value: "1500", measurand: "Energy.Active.Import.Register", unit: "Wh" }],
        }],
      });
      const stop = await ctx.result(link, "StopTransaction", {
        transactionId,
        idTag,
        meterStop: 2000,
        timestamp: ctx.clock.isoNow(),
        reason: "Local",
      });
      if (stop.idTagInfo) {
        ctx.check(stop.idTagInfo.status === "Accepted", "StopTransaction's idTagInfo is Accepted");
      }
      await ctx.result(link, "StatusNotification", {
        connectorId: 1,
        errorCode: "NoError",
        status: "Finishing",
      });
      await ctx.result(link, "StatusNotification", {
        connectorId: 1,
        errorCode: "NoError",
        status: "Available",
      });
    },
  },
  authorizeCase("Invalid", "TC_023_1_CS"),
  authorizeCase("Blocked", "TC_023_2_CS"),
  authorizeCase("Expired", "TC_023_3_CS"),
  {
    id: "TC_010_CS",
    purpose: "Remote start: the CSMS sends RemoteStartTransaction and accepts the transaction it starts",
    steps: [
      "Boot",
      "The CSMS sends RemoteStartTransaction for connector 1; we answer Accepted",
      "StartTransaction with the id tag it named",
    ],
    expects: ["a RemoteStartTransaction with an idTag", "StartTransaction Accepted"],
    async run(ctx) {
      const idTag = ctx.tag("REMOTE");
      await ctx.arrange({ kind: "id-tag", idTag, status: "Accepted" });
      const link = await bootedStation(ctx);
      link.handlers.delete("RemoteStartTransaction");
      const call = await ctx.command(link, {
        action: "RemoteStartTransaction",
        payload: { connectorId: 1, idTag },
      });
      link.reply(call, { status: "Accepted" });
      await ctx.result(link, "StatusNotification", {
        connectorId: 1,
        errorCode: "NoError",
        status: "Preparing",
      });
      const transactionId = await startTransaction(ctx, link, call.payload.idTag);
      await ctx.result(link, "StopTransaction", {
        transactionId,
        meterStop: 1000,
        timestamp: ctx.clock.isoNow(),
      });
    },
  },
  {
    id: "TC_012_CS",
    purpose: "Remote stop: the CSMS sends RemoteStopTransaction for the running transaction",
    steps: [
      "Boot; start a transaction",
      "The CSMS sends RemoteStopTransaction; we answer Accepted",
      "StopTransaction reason Remote",
    ],
    expects: ["RemoteStopTransaction names the CSMS's transactionId", "StopTransaction answered"],
    async run(ctx) {
      const idTag = ctx.tag("RSTOP");
      await ctx.arrange({ kind: "id-tag", idTag, status: "Accepted" });
      const link = await bootedStation(ctx);
      const transactionId = await startTransaction(ctx, link, idTag);
      link.handlers.delete("RemoteStopTransaction");
      const call = await ctx.command(link, { action: "RemoteStopTransaction", payload: { transactionId } });
      ctx.check(
        call.payload.transactionId === transactionId,
        `RemoteStopTransaction names transaction ${transactionId} (got ${call.payload.transactionId})`,
      );
      link.reply(call, { status: "Accepted" });
      await ctx.result(link, "StopTransaction", {
        transactionId,
        meterStop: 1500,
        timestamp: ctx.clock.isoNow(),
        reason: "Remote",
      });
    },
  },
  resetCase("Hard", "TC_013_CS"),
  resetCase("Soft", "TC_014_CS"),
  {
    id: "CW_CHANGE_AVAILABILITY_CS",
    purpose: "Change availability: the CSMS makes connector 1 Inoperative and takes the Unavailable status",
    steps: [
      "Boot",
      "The CSMS sends ChangeAvailability Inoperative for connector 1; we answer Accepted",
      "StatusNotification Unavailable",
    ],
    expects: ["ChangeAvailability Inoperative for connector 1", "the status is answered"],
    async run(ctx) {
      const link = await bootedStation(ctx);
      link.handlers.delete("ChangeAvailability");
      const call = await ctx.command(link, {
        action: "ChangeAvailability",
        payload: { connectorId: 1, type: "Inoperative" },
      });
      ctx.check(call.payload.type === "Inoperative", `type is Inoperative (got ${call.payload.type})`);
      link.reply(call, { status: "Accepted" });
      await ctx.result(link, "StatusNotification", {
        connectorId: 1,
        errorCode: "NoError",
        status: "Unavailable",
      });
    },
  },
  {
    id: "TC_019_CS",
    purpose: "Retrieve configuration: the CSMS sends GetConfiguration and takes the answer",
    steps: ["Boot", "The CSMS sends GetConfiguration; we answer with HeartbeatInterval"],
    expects: ["a GetConfiguration request"],
    async run(ctx) {
      const link = await bootedStation(ctx);
      link.handlers.set("GetConfiguration", () => ({
        configurationKey: [{ key: "HeartbeatInterval", readonly: false, value: "60" }],
      }));
      await ctx.command(link, { action: "GetConfiguration", payload: {} });
    },
  },
  {
    id: "TC_021_CS",
    purpose: "Change configuration: the CSMS sends ChangeConfiguration with a key and a value",
    steps: ["Boot", "The CSMS sends ChangeConfiguration HeartbeatInterval=120; we answer Accepted"],
    expects: ["a ChangeConfiguration request naming a key and a value"],
    async run(ctx) {
      const link = await bootedStation(ctx);
      const call = await ctx.command(link, {
        action: "ChangeConfiguration",
        payload: { key: "HeartbeatInterval", value: "120" },
      });
      ctx.check(call.payload.key.length > 0, "a key is named");
    },
  },
  {
    id: "TC_017_CS",
    purpose: "Unlock connector: the CSMS sends UnlockConnector and takes Unlocked",
    steps: ["Boot", "The CSMS sends UnlockConnector for connector 1; we answer Unlocked"],
    expects: ["an UnlockConnector for connector 1"],
    async run(ctx) {
      const link = await bootedStation(ctx);
      const call = await ctx.command(link, { action: "UnlockConnector", payload: { connectorId: 1 } });
      ctx.check(call.payload.connectorId === 1, `connector 1 (got ${call.payload.connectorId})`);
    },
    profile: "Core",
  },
  {
    id: "TC_054_CS",
    purpose: "Trigger message: the CSMS asks for a StatusNotification and takes it",
    profile: "RemoteTrigger",
    steps: [
      "Boot",
      "The CSMS sends TriggerMessage StatusNotification; we answer Accepted",
      "StatusNotification",
    ],
    expects: ["a TriggerMessage", "the triggered message answered"],
    async run(ctx) {
      const link = await bootedStation(ctx);
      link.handlers.delete("TriggerMessage");
      const call = await ctx.command(link, {
        action: "TriggerMessage",
        payload: { requestedMessage: "StatusNotification", connectorId: 1 },
      });
      link.reply(call, { status: "Accepted" });
      if (call.payload.requestedMessage === "Heartbeat") await ctx.result(link, "Heartbeat", {});
      else {
        await ctx.result(link, "StatusNotification", {
          connectorId: call.payload.connectorId ?? 1,
          errorCode: "NoError",
          status: "Available",
        });
      }
    },
  },
  {
    id: "CW_OFFLINE_TRANSACTION_CS",
    purpose: "A transaction that ran while offline is accepted when it is sent late, in order",
    steps: [
      "Boot; the station 'was offline': StartTransaction and StopTransaction stamped minutes ago",
      "MeterValues of the transaction in between",
    ],
    expects: ["StartTransaction Accepted with a transactionId", "StopTransaction and MeterValues answered"],
    async run(ctx) {
      const idTag = ctx.tag("OFFLINE");
      await ctx.arrange({ kind: "id-tag", idTag, status: "Accepted" });
      const link = await bootedStation(ctx);
      const t = Date.parse(ctx.clock.isoNow());
      const at = (minutesAgo: number) => new Date(t - minutesAgo * 60_000).toISOString();
      const transactionId = await startTransaction(ctx, link, idTag, at(10));
      await ctx.result(link, "MeterValues", {
        connectorId: 1,
        transactionId,
        meterValue: [{ timestamp: at(8), sampledValue: [{ value: "1200" }] }],
      });
      await ctx.result(link, "StopTransaction", {
        transactionId,
        meterStop: 1400,
        timestamp: at(5),
        reason: "Local",
      });
    },
  },
  {
    id: "CW_MALFORMED_CS",
    purpose: "A CALL that breaks its schema is answered with the right CALLERROR and the connection lives on",
    steps: ["Boot", 'StatusNotification with connectorId "one" (a string)', "Heartbeat"],
    expects: [
      "CALLERROR TypeConstraintViolation (or FormationViolation / PropertyConstraintViolation)",
      "the Heartbeat answered",
    ],
    async run(ctx) {
      const link = await bootedStation(ctx);
      const answer = await ctx.call(link, "StatusNotification", {
        connectorId: "one",
        errorCode: "NoError",
        status: "Available",
      });
      ctx.check(answer.kind === "error", "the broken CALL is answered with a CALLERROR");
      if (answer.kind === "error") {
        ctx.check(
          ["TypeConstraintViolation", "FormationViolation", "FormatViolation", "PropertyConstraintViolation"]
            .includes(answer.code),
          `the code names the broken field (got ${answer.code})`,
        );
      }
      await ctx.result(link, "Heartbeat", {});
    },
  },
  {
    id: "CW_UNKNOWN_ACTION_CS",
    purpose: "A CALL of an action 1.6 does not have gets CALLERROR NotImplemented; the connection lives on",
    steps: ["Boot", "CALL FlyToTheMoon {}", "Heartbeat"],
    expects: ["CALLERROR NotImplemented", "the Heartbeat answered"],
    async run(ctx) {
      const link = await bootedStation(ctx);
      const answer = await ctx.call(link, "FlyToTheMoon", {});
      ctx.check(
        answer.kind === "error" && answer.code === "NotImplemented",
        `CALLERROR NotImplemented (got ${answer.kind === "error" ? answer.code : answer.kind})`,
      );
      await ctx.result(link, "Heartbeat", {});
    },
  },
  {
    id: "CW_DATA_TRANSFER_CS",
    purpose: "DataTransfer from the station is answered with a status of the schema",
    steps: ["Boot", "DataTransfer vendorId org.example.conformance"],
    expects: ["a CALLRESULT (any status; UnknownVendorId for an unknown vendor)"],
    async run(ctx) {
      const link = await bootedStation(ctx);
      await ctx.result(link, "DataTransfer", {
        vendorId: "org.example.conformance",
        messageId: "Ping",
        data: "x",
      });
    },
  },
  {
    id: "TC_056_CS",
    purpose: "Smart charging: the CSMS sends SetChargingProfile with a TxDefaultProfile",
    profile: "SmartCharging",
    steps: ["Boot", "The CSMS sends SetChargingProfile TxDefaultProfile for connector 0; we answer Accepted"],
    expects: ["a profile with a schedule of at least one period"],
    async run(ctx) {
      const link = await bootedStation(ctx);
      const call = await ctx.command(link, {
        action: "SetChargingProfile",
        payload: {
          connectorId: 0,
          csChargingProfiles: {
            chargingProfileId: 56,
            stackLevel: 0,
            chargingProfilePurpose: "TxDefaultProfile",
            chargingProfileKind: "Absolute",
            chargingSchedule: {
              chargingRateUnit: "A",
              chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }],
            },
          },
        },
      });
      const periods = call.payload.csChargingProfiles.chargingSchedule.chargingSchedulePeriod;
      ctx.check(periods.length > 0, "the schedule has a period");
    },
  },
  {
    id: "TC_046_CS",
    purpose: "Reservation: the CSMS sends ReserveNow and takes the Reserved status, then CancelReservation",
    profile: "Reservation",
    steps: [
      "Boot",
      "The CSMS sends ReserveNow for connector 1; we answer Accepted; StatusNotification Reserved",
      "The CSMS sends CancelReservation of it; we answer Accepted; StatusNotification Available",
    ],
    expects: [
      "ReserveNow with a reservationId and an expiry",
      "CancelReservation names the same reservationId",
    ],
    async run(ctx) {
      const idTag = ctx.tag("RESERVE");
      await ctx.arrange({ kind: "id-tag", idTag, status: "Accepted" });
      const link = await bootedStation(ctx);
      const expiryDate = new Date(Date.parse(ctx.clock.isoNow()) + 3600_000).toISOString();
      const reserve = await ctx.command(link, {
        action: "ReserveNow",
        payload: { connectorId: 1, expiryDate, idTag, reservationId: 46 },
      });
      await ctx.result(link, "StatusNotification", {
        connectorId: 1,
        errorCode: "NoError",
        status: "Reserved",
      });
      const cancel = await ctx.command(link, {
        action: "CancelReservation",
        payload: { reservationId: reserve.payload.reservationId },
      });
      ctx.check(
        cancel.payload.reservationId === reserve.payload.reservationId,
        `CancelReservation names ${reserve.payload.reservationId} (got ${cancel.payload.reservationId})`,
      );
      await ctx.result(link, "StatusNotification", {
        connectorId: 1,
        errorCode: "NoError",
        status: "Available",
      });
    },
  },
  {
    id: "TC_043_CS",
    purpose: "Local list: the CSMS sends SendLocalList with a version and entries",
    profile: "LocalAuthListManagement",
    steps: ["Boot", "The CSMS sends SendLocalList Full; we answer Accepted"],
    expects: ["a listVersion of at least 1 and an update type"],
    async run(ctx) {
      const link = await bootedStation(ctx);
      const call = await ctx.command(link, {
        action: "SendLocalList",
        payload: {
          listVersion: 1,
          updateType: "Full",
          localAuthorizationList: [{ idTag: ctx.tag("LOCAL"), idTagInfo: { status: "Accepted" } }],
        },
      });
      ctx.check(call.payload.listVersion >= 1, `listVersion at least 1 (got ${call.payload.listVersion})`);
    },
  },
  {
    id: "TC_044_CS",
    purpose: "Firmware: the CSMS sends UpdateFirmware and takes the station's FirmwareStatusNotifications",
    profile: "FirmwareManagement",
    steps: [
      "Boot",
      "The CSMS sends UpdateFirmware; we answer",
      "FirmwareStatusNotification Downloading, Downloaded, Installing, Installed",
    ],
    expects: ["a location and a retrieve date", "every status notification answered"],
    async run(ctx) {
      const link = await bootedStation(ctx);
      link.handlers.set("UpdateFirmware", () => ({}));
      const call = await ctx.command(link, {
        action: "UpdateFirmware",
        payload: { location: "http://127.0.0.1:9/firmware.bin", retrieveDate: ctx.clock.isoNow() },
      });
      ctx.check(call.payload.location.length > 0, "a location is given");
      for (const status of ["Downloading", "Downloaded", "Installing", "Installed"]) {
        await ctx.result(link, "FirmwareStatusNotification", { status });
      }
    },
  },
  {
    id: "TC_045_CS",
    purpose:
      "Diagnostics: the CSMS sends GetDiagnostics and takes the station's DiagnosticsStatusNotifications",
    profile: "FirmwareManagement",
    steps: [
      "Boot",
      "The CSMS sends GetDiagnostics; we answer with a file name",
      "DiagnosticsStatusNotification Uploading, UploadFailed",
    ],
    expects: ["a location to upload to", "every status notification answered"],
    async run(ctx) {
      const link = await bootedStation(ctx);
      link.handlers.set("GetDiagnostics", () => ({ fileName: "conformance-diagnostics.txt" }));
      const call = await ctx.command(link, {
        action: "GetDiagnostics",
        payload: { location: "http://127.0.0.1:9/diagnostics" },
      });
      ctx.check(call.payload.location.length > 0, "a location is given");
      for (const status of ["Uploading", "UploadFailed"]) {
        await ctx.result(link, "DiagnosticsStatusNotification", { status });
      }
    },
  },
  {
    id: "CW_SECURITY_PROFILE_1_CS",
    purpose: "Security profile 1: HTTP Basic auth with the station's password; a wrong one is refused",
    steps: ["Connect with the password and boot", "Connect with a wrong password"],
    expects: ["the first connection boots Accepted", "the second is refused at the handshake"],
    async run(ctx) {
      if (ctx.options.password === undefined) {
        throw new NotApplicable("no --password given: the station has no key");
      }
      if (ctx.options.url.startsWith("wss:")) {
        throw new NotApplicable("profile 1 is plain ws://; this CSMS is wss://");
      }
      const link = await bootedStation(ctx);
      await link.close();
      let refused = false;
      try {
        await ctx.connect({ password: `${ctx.options.password}-wrong` });
      } catch {
        refused = true;
      }
      ctx.check(refused, "a wrong password is refused at the handshake");
    },
  },
  {
    id: "CW_SECURITY_PROFILE_2_CS",
    purpose: "Security profile 2: TLS (wss://) with HTTP Basic auth; a wrong password is refused",
    steps: ["Connect over wss:// with the password and boot", "Connect with a wrong password"],
    expects: ["the first connection boots Accepted", "the second is refused at the handshake"],
    async run(ctx) {
      if (!ctx.options.url.startsWith("wss:")) throw new NotApplicable("the CSMS URL is not wss://");
      if (ctx.options.password === undefined) {
        throw new NotApplicable("no --password given: the station has no key");
      }
      const link = await bootedStation(ctx);
      await link.close();
      let refused = false;
      try {
        await ctx.connect({ password: `${ctx.options.password}-wrong` });
      } catch {
        refused = true;
      }
      ctx.check(refused, "a wrong password is refused at the handshake");
    },
  },
];
