/**
 * The csms-mode catalogue for OCPP 2.0.1: we are the charging station, the CSMS is under test. Ids are
 * the OCTT's (TC_B_01_CSMS …) where there is one; CW_<use case>_… otherwise, named after the 2.0.1 use
 * case (B01, C01, E01, F01 …) the case exercises.
 */
import type { ConformanceCase } from "../case.ts";
import { NotApplicable } from "../case.ts";
import type { Link } from "../link.ts";
import type { StationCtx } from "../station_mode.ts";

type Case = ConformanceCase<StationCtx>;

const STATION = { model: "Conformance", vendorName: "Chargewire" };
const EVSE = { id: 1, connectorId: 1 };

function bootPayload(reason = "PowerUp") {
  return { reason, chargingStation: STATION };
}

async function status(ctx: StationCtx, link: Link, connectorStatus: string) {
  await ctx.result(link, "StatusNotification", {
    timestamp: ctx.clock.isoNow(),
    connectorStatus,
    evseId: 1,
    connectorId: 1,
  });
}

/** Connects and boots; the CSMS must accept. */
export async function bootedStation201(ctx: StationCtx): Promise<Link> {
  const link = await ctx.connect();
  const boot = await ctx.result(link, "BootNotification", bootPayload());
  ctx.check(boot.status === "Accepted", `BootNotification is Accepted (got ${boot.status})`);
  await status(ctx, link, "Available");
  return link;
}

/** A transaction of our own: its id and the next seqNo. */
interface Tx {
  transactionId: string;
  seqNo: number;
}

function event(
  ctx: StationCtx,
  tx: Tx,
  eventType: string,
  triggerReason: string,
  extra: Record<string, unknown> = {},
) {
  return {
    eventType,
    timestamp: ctx.clock.isoNow(),
    triggerReason,
    seqNo: tx.seqNo++,
    transactionInfo: { transactionId: tx.transactionId, ...(extra.transactionInfo as object ?? {}) },
    ...Object.fromEntries(Object.entries(extra).filter(([k]) => k !== "transactionInfo")),
  };
}

function newTx(): Tx {
  return { transactionId: crypto.randomUUID(), seqNo: 0 };
}

function meter(ctx: StationCtx, wh: number, at?: string) {
  return [{
    timestamp: at ?? ctx.clock.isoNow(),
    sampledValue: [{ value: wh, measurand: "Energy.Active.Import.Register", unitOfMeasure: { unit: "Wh" } }],
  }];
}

async function startTx(ctx: StationCtx, link: Link, idToken: string, tx = newTx()) {
  const res = await ctx.result(
    link,
    "TransactionEvent",
    event(ctx, tx, "Started", "Authorized", {
      evse: EVSE,
      idToken: { idToken, type: "ISO14443" },
      transactionInfo: { chargingState: "Charging" },
      meterValue: meter(ctx, 0),
    }),
  );
  ctx.check(
    res.idTokenInfo?.status === "Accepted",
    `the Started event's idTokenInfo is Accepted (got ${res.idTokenInfo?.status})`,
  );
  return tx;
}

function bootStatusCase(id: string, status: "Accepted" | "Pending" | "Rejected"): Case {
  return {
    id,
    purpose: `Cold boot: the CSMS answers BootNotification ${status}${
      status === "Accepted" ? " with a heartbeat interval" : ""
    }`,
    steps: [
      ...(status === "Accepted" ? [] : [`The CSMS holds the station ${status}`]),
      "Connect with subprotocol ocpp2.0.1; BootNotification reason PowerUp",
      ...(status === "Accepted" ? ["StatusNotification Available for EVSE 1 connector 1"] : []),
    ],
    expects: [`status ${status}`, "interval > 0", "currentTime a date-time"],
    async run(ctx) {
      if (status !== "Accepted") await ctx.arrange({ kind: "boot-status", stationId: ctx.id, status });
      const link = await ctx.connect();
      const boot = await ctx.result(link, "BootNotification", bootPayload());
      ctx.check(boot.status === status, `BootNotification is ${status} (got ${boot.status})`);
      ctx.check(boot.interval > 0, `the interval is positive (got ${boot.interval})`);
      ctx.check(!Number.isNaN(Date.parse(boot.currentTime)), "currentTime is a date-time");
      if (status === "Accepted") await status_(ctx, link);
    },
  };
}

const status_ = (ctx: StationCtx, link: Link) => status(ctx, link, "Available");

function authorizeCase(id: string, tokenStatus: "Accepted" | "Blocked" | "Expired" | "Invalid"): Case {
  return {
    id,
    purpose: `Authorize with an id token the CSMS knows as ${tokenStatus} is answered ${tokenStatus}`,
    steps: [`The CSMS knows the token as ${tokenStatus}`, "Boot; Authorize with the token (type ISO14443)"],
    expects: [`idTokenInfo.status is ${tokenStatus}`],
    async run(ctx) {
      const idToken = ctx.tag(`T${tokenStatus.toUpperCase()}`);
      await ctx.arrange(
        tokenStatus === "Expired"
          ? { kind: "id-tag", idTag: idToken, status: "Accepted", expiryDate: "2020-01-01T00:00:00Z" }
          : { kind: "id-tag", idTag: idToken, status: tokenStatus },
      );
      const link = await bootedStation201(ctx);
      const res = await ctx.result(link, "Authorize", { idToken: { idToken, type: "ISO14443" } });
      ctx.check(
        res.idTokenInfo.status === tokenStatus,
        `Authorize is answered ${tokenStatus} (got ${res.idTokenInfo.status})`,
      );
    },
  };
}

function resetCase(id: string, type: "Immediate" | "OnIdle"): Case {
  return {
    id,
    purpose: `Reset ${type} without a transaction: the CSMS sends Reset and accepts the reboot`,
    steps: [
      "Boot",
      `The CSMS sends Reset ${type}; we answer Accepted`,
      "Reconnect; BootNotification reason RemoteReset",
    ],
    expects: [`Reset type ${type}`, "the new BootNotification Accepted"],
    async run(ctx) {
      let link = await bootedStation201(ctx);
      link.handlers.delete("Reset");
      const call = await ctx.command(link, { action: "Reset", payload: { type } });
      ctx.check(call.payload.type === type, `Reset type is ${type} (got ${call.payload.type})`);
      link.reply(call, { status: "Accepted" });
      await link.close();
      link = await ctx.connect();
      const boot = await ctx.result(link, "BootNotification", bootPayload("RemoteReset"));
      ctx.check(
        boot.status === "Accepted",
        `the BootNotification after the reset is Accepted (got ${boot.status})`,
      );
    },
  };
}

function securityCase(id: string, profile: 1 | 2): Case {
  return {
    id,
    purpose: `Security profile ${profile}: ${
      profile === 2 ? "TLS with " : ""
    }HTTP Basic auth; a wrong password is refused`,
    steps: [
      `Connect${profile === 2 ? " over wss://" : ""} with the password and boot`,
      "Connect with a wrong password",
    ],
    expects: ["the first connection boots Accepted", "the second is refused at the handshake"],
    async run(ctx) {
      const tls = ctx.options.url.startsWith("wss:");
      if (profile === 2 && !tls) throw new NotApplicable("the CSMS URL is not wss://");
      if (profile === 1 && tls) throw new NotApplicable("profile 1 is plain ws://; this CSMS is wss://");
      if (ctx.options.password === undefined) {
        throw new NotApplicable("no --password given: the station has no key");
      }
      const link = await bootedStation201(ctx);
      await link.close();
      let refused = false;
      try {
        await ctx.connect({ password: `${ctx.options.password}-wrong` });
      } catch {
        refused = true;
      }
      ctx.check(refused, "a wrong password is refused at the handshake");
    },
  };
}

export const CSMS_201: Case[] = [
  bootStatusCase("TC_B_01_CSMS", "Accepted"),
  bootStatusCase("TC_B_02_CSMS", "Pending"),
  bootStatusCase("TC_B_03_CSMS", "Rejected"),
  {
    id: "CW_G02_HEARTBEAT_CSMS",
    purpose: "Heartbeat is answered with the CSMS's current time",
    steps: ["Boot", "Heartbeat twice"],
    expects: ["each currentTime a date-time"],
    async run(ctx) {
      const link = await bootedStation201(ctx);
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
    id: "CW_G01_STATUS_CSMS",
    purpose: "StatusNotification is answered for every connector status",
    steps: ["Boot", "StatusNotification Occupied, Reserved, Unavailable, Faulted, Available"],
    expects: ["every one answered with an empty CALLRESULT"],
    async run(ctx) {
      const link = await bootedStation201(ctx);
      for (const s of ["Occupied", "Reserved", "Unavailable", "Faulted", "Available"]) {
        await status(ctx, link, s);
      }
    },
  },
  authorizeCase("CW_C01_AUTHORIZE_ACCEPTED_CSMS", "Accepted"),
  authorizeCase("CW_C01_AUTHORIZE_BLOCKED_CSMS", "Blocked"),
  authorizeCase("CW_C01_AUTHORIZE_EXPIRED_CSMS", "Expired"),
  authorizeCase("CW_C01_AUTHORIZE_INVALID_CSMS", "Invalid"),
  {
    id: "CW_E01_TRANSACTION_CSMS",
    purpose:
      "A whole transaction in TransactionEvents: Started, Updated with meter values, Ended, seqNo 0, 1, 2",
    steps: [
      "Boot; StatusNotification Occupied",
      "TransactionEvent Started (seqNo 0, idToken, meter value)",
      "Updated (seqNo 1, MeterValuePeriodic)",
      "Ended (seqNo 2, stoppedReason Local)",
    ],
    expects: ["the Started answered with idTokenInfo Accepted", "every event answered"],
    async run(ctx) {
      const idToken = ctx.tag("TXOK");
      await ctx.arrange({ kind: "id-tag", idTag: idToken, status: "Accepted" });
      const link = await bootedStation201(ctx);
      await status(ctx, link, "Occupied");
      const tx = await startTx(ctx, link, idToken);
      await ctx.result(
        link,
        "TransactionEvent",
        event(ctx, tx, "Updated", "MeterValuePeriodic", { meterValue: meter(ctx, 500) }),
      );
      await ctx.result(
        link,
        "TransactionEvent",
        event(ctx, tx, "Ended", "StopAuthorized", {
          transactionInfo: { stoppedReason: "Local", chargingState: "Idle" },
          meterValue: meter(ctx, 800),
        }),
      );
      await status(ctx, link, "Available");
    },
  },
  {
    id: "CW_E_SEQNO_REPLAY_CSMS",
    purpose:
      "A TransactionEvent sent again with the same seqNo (a lost answer) is answered again, not refused",
    steps: ["Boot; Started seqNo 0", "the same Started again", "Ended seqNo 1"],
    expects: ["both copies answered with a CALLRESULT", "the Ended answered"],
    async run(ctx) {
      const idToken = ctx.tag("TXREPLAY");
      await ctx.arrange({ kind: "id-tag", idTag: idToken, status: "Accepted" });
      const link = await bootedStation201(ctx);
      const tx = newTx();
      const started = event(ctx, tx, "Started", "Authorized", {
        evse: EVSE,
        idToken: { idToken, type: "ISO14443" },
        meterValue: meter(ctx, 0),
      });
      await ctx.result(link, "TransactionEvent", started);
      await ctx.result(link, "TransactionEvent", started);
      await ctx.result(
        link,
        "TransactionEvent",
        event(ctx, tx, "Ended", "StopAuthorized", { transactionInfo: { stoppedReason: "Local" } }),
      );
    },
  },
  {
    id: "CW_E12_OFFLINE_CSMS",
    purpose: "Transaction events queued while offline are accepted when replayed in order with offline=true",
    steps: [
      "Boot (after 'being offline')",
      "Started, Updated, Ended stamped minutes ago, each with offline true and seqNo 0, 1, 2",
    ],
    expects: ["every event answered; the Started's idTokenInfo Accepted"],
    async run(ctx) {
      const idToken = ctx.tag("TXOFF");
      await ctx.arrange({ kind: "id-tag", idTag: idToken, status: "Accepted" });
      const link = await bootedStation201(ctx);
      const t = Date.parse(ctx.clock.isoNow());
      const at = (minutesAgo: number) => new Date(t - minutesAgo * 60_000).toISOString();
      const tx = newTx();
      const res = await ctx.result(link, "TransactionEvent", {
        ...event(ctx, tx, "Started", "Authorized", {
          evse: EVSE,
          idToken: { idToken, type: "ISO14443" },
          meterValue: meter(ctx, 0, at(10)),
          offline: true,
        }),
        timestamp: at(10),
      });
      ctx.check(res.idTokenInfo?.status === "Accepted", "the offline Started's idTokenInfo is Accepted");
      await ctx.result(link, "TransactionEvent", {
        ...event(ctx, tx, "Updated", "MeterValuePeriodic", {
          meterValue: meter(ctx, 300, at(8)),
          offline: true,
        }),
        timestamp: at(8),
      });
      await ctx.result(link, "TransactionEvent", {
        ...event(ctx, tx, "Ended", "EVCommunicationLost", {
          transactionInfo: { stoppedReason: "EVDisconnected" },
          offline: true,
        }),
        timestamp: at(5),
      });
    },
  },
  {
    id: "CW_F01_REMOTE_START_CSMS",
    purpose:
      "Remote start: the CSMS sends RequestStartTransaction; the Started event echoes its remoteStartId",
    steps: [
      "Boot",
      "The CSMS sends RequestStartTransaction for EVSE 1; we answer Accepted",
      "TransactionEvent Started, triggerReason RemoteStart, with its remoteStartId and idToken",
    ],
    expects: ["a remoteStartId and an idToken in the request", "the Started answered, idTokenInfo Accepted"],
    async run(ctx) {
      const link = await bootedStation201(ctx);
      link.handlers.delete("RequestStartTransaction");
      const call = await ctx.command(link, {
        action: "RequestStartTransaction",
        payload: { evseId: 1, idToken: { idToken: ctx.tag("REMOTE"), type: "Central" } },
      });
      ctx.check(Number.isInteger(call.payload.remoteStartId), "the request has a remoteStartId");
      const tx = newTx();
      link.reply(call, { status: "Accepted", transactionId: tx.transactionId });
      const res = await ctx.result(
        link,
        "TransactionEvent",
        event(ctx, tx, "Started", "RemoteStart", {
          evse: EVSE,
          idToken: call.payload.idToken,
          transactionInfo: { remoteStartId: call.payload.remoteStartId, chargingState: "Charging" },
        }),
      );
      ctx.check(
        res.idTokenInfo?.status === "Accepted",
        `idTokenInfo Accepted (got ${res.idTokenInfo?.status})`,
      );
      await ctx.result(
        link,
        "TransactionEvent",
        event(ctx, tx, "Ended", "StopAuthorized", { transactionInfo: { stoppedReason: "Local" } }),
      );
    },
  },
  {
    id: "CW_F03_REMOTE_STOP_CSMS",
    purpose: "Remote stop: the CSMS sends RequestStopTransaction naming the running transaction",
    steps: [
      "Boot; start a transaction",
      "The CSMS sends RequestStopTransaction; we answer Accepted",
      "Ended, triggerReason RemoteStop",
    ],
    expects: ["the request names our transactionId", "the Ended answered"],
    async run(ctx) {
      const idToken = ctx.tag("RSTOP");
      await ctx.arrange({ kind: "id-tag", idTag: idToken, status: "Accepted" });
      const link = await bootedStation201(ctx);
      const tx = await startTx(ctx, link, idToken);
      link.handlers.delete("RequestStopTransaction");
      const call = await ctx.command(link, {
        action: "RequestStopTransaction",
        payload: { transactionId: tx.transactionId },
      });
      ctx.check(
        call.payload.transactionId === tx.transactionId,
        `the request names ${tx.transactionId} (got ${call.payload.transactionId})`,
      );
      link.reply(call, { status: "Accepted" });
      await ctx.result(
        link,
        "TransactionEvent",
        event(ctx, tx, "Ended", "RemoteStop", { transactionInfo: { stoppedReason: "Remote" } }),
      );
    },
  },
  resetCase("CW_B11_RESET_IMMEDIATE_CSMS", "Immediate"),
  resetCase("CW_B11_RESET_ONIDLE_CSMS", "OnIdle"),
  {
    id: "CW_G03_CHANGE_AVAILABILITY_CSMS",
    purpose: "Change availability: the CSMS makes EVSE 1 Inoperative and takes the Unavailable status",
    steps: [
      "Boot",
      "The CSMS sends ChangeAvailability Inoperative for EVSE 1; we answer Accepted",
      "StatusNotification Unavailable",
    ],
    expects: ["operationalStatus Inoperative", "the status answered"],
    async run(ctx) {
      const link = await bootedStation201(ctx);
      link.handlers.delete("ChangeAvailability");
      const call = await ctx.command(link, {
        action: "ChangeAvailability",
        payload: { operationalStatus: "Inoperative", evse: { id: 1 } },
      });
      ctx.check(
        call.payload.operationalStatus === "Inoperative",
        `Inoperative (got ${call.payload.operationalStatus})`,
      );
      link.reply(call, { status: "Accepted" });
      await status(ctx, link, "Unavailable");
    },
  },
  {
    id: "CW_F06_TRIGGER_CSMS",
    purpose: "Trigger message: the CSMS asks for a StatusNotification and takes it",
    steps: [
      "Boot",
      "The CSMS sends TriggerMessage StatusNotification; we answer Accepted",
      "StatusNotification",
    ],
    expects: ["a TriggerMessage", "the triggered message answered"],
    async run(ctx) {
      const link = await bootedStation201(ctx);
      link.handlers.delete("TriggerMessage");
      const call = await ctx.command(link, {
        action: "TriggerMessage",
        payload: { requestedMessage: "StatusNotification", evse: { id: 1, connectorId: 1 } },
      });
      link.reply(call, { status: "Accepted" });
      if (call.payload.requestedMessage === "Heartbeat") await ctx.result(link, "Heartbeat", {});
      else await status(ctx, link, "Available");
    },
  },
  {
    id: "CW_B06_GET_VARIABLES_CSMS",
    purpose: "Get variables: the CSMS sends GetVariables and takes the station's values",
    steps: ["Boot", "The CSMS sends GetVariables OCPPCommCtrlr.HeartbeatInterval; we answer Accepted, 60"],
    expects: ["a GetVariables request"],
    async run(ctx) {
      const link = await bootedStation201(ctx);
      link.handlers.set("GetVariables", (p) => ({
        getVariableResult: p.getVariableData.map((d: { component: object; variable: object }) => ({
          attributeStatus: "Accepted",
          attributeValue: "60",
          component: d.component,
          variable: d.variable,
        })),
      }));
      await ctx.command(link, {
        action: "GetVariables",
        payload: {
          getVariableData: [{
            component: { name: "OCPPCommCtrlr" },
            variable: { name: "HeartbeatInterval" },
          }],
        },
      });
    },
  },
  {
    id: "CW_B05_SET_VARIABLES_CSMS",
    purpose: "Set variables: the CSMS sends SetVariables with a value and takes Accepted",
    steps: ["Boot", "The CSMS sends SetVariables OCPPCommCtrlr.HeartbeatInterval=120; we answer Accepted"],
    expects: ["a SetVariables request giving each variable a non-empty value"],
    async run(ctx) {
      const link = await bootedStation201(ctx);
      const call = await ctx.command(link, {
        action: "SetVariables",
        payload: {
          setVariableData: [{
            component: { name: "OCPPCommCtrlr" },
            variable: { name: "HeartbeatInterval" },
            attributeValue: "120",
          }],
        },
      });
      ctx.check(
        call.payload.setVariableData.every((d: { attributeValue: string }) => d.attributeValue !== ""),
        "every variable is given a value",
      );
    },
  },
  {
    id: "CW_MALFORMED_CSMS",
    purpose: "A CALL that breaks its schema gets the right CALLERROR and the connection lives on",
    steps: ["Boot", 'StatusNotification with evseId "one" (a string)', "Heartbeat"],
    expects: [
      "CALLERROR TypeConstraintViolation (or FormatViolation / PropertyConstraintViolation)",
      "the Heartbeat answered",
    ],
    async run(ctx) {
      const link = await bootedStation201(ctx);
      const answer = await ctx.call(link, "StatusNotification", {
        timestamp: ctx.clock.isoNow(),
        connectorStatus: "Available",
        evseId: "one",
        connectorId: 1,
      });
      ctx.check(answer.kind === "error", "the broken CALL is answered with a CALLERROR");
      if (answer.kind === "error") {
        ctx.check(
          ["TypeConstraintViolation", "FormatViolation", "PropertyConstraintViolation"].includes(answer.code),
          `the code names the broken field (got ${answer.code})`,
        );
      }
      await ctx.result(link, "Heartbeat", {});
    },
  },
  {
    id: "CW_UNKNOWN_ACTION_CSMS",
    purpose: "A CALL of an action 2.0.1 does not have gets CALLERROR NotImplemented; the connection lives on",
    steps: ["Boot", "CALL FlyToTheMoon {}", "Heartbeat"],
    expects: ["CALLERROR NotImplemented", "the Heartbeat answered"],
    async run(ctx) {
      const link = await bootedStation201(ctx);
      const answer = await ctx.call(link, "FlyToTheMoon", {});
      ctx.check(
        answer.kind === "error" && answer.code === "NotImplemented",
        `CALLERROR NotImplemented (got ${answer.kind === "error" ? answer.code : answer.kind})`,
      );
      await ctx.result(link, "Heartbeat", {});
    },
  },
  securityCase("CW_A_SECURITY_PROFILE_1_CSMS", 1),
  securityCase("CW_A_SECURITY_PROFILE_2_CSMS", 2),
];
