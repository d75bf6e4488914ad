/**
 * The csms-mode runner against a CSMS it has never met: one written here with npm `ocpp-rpc`, an
 * independent implementation. As it should behave, every 1.6 case passes (or is not applicable with its
 * reason); broken one rule at a time, the case for that rule fails — each case is seen to fail when it
 * should. Cases whose rule is "the CSMS sends X" can only be inconclusive when it does not (the runner
 * cannot tell a silent CSMS from a slow operator); their break is a wrong X instead, where X has a field
 * to get wrong.
 */
import assert from "node:assert/strict";
import { type CaseResult, selectCases } from "../conformance/case.ts";
import { CSMS_16 } from "../conformance/cases/csms16.ts";
import { systemClock } from "../conformance/clock.ts";
import type { Arrangement, ArrangeOutcome, Command, Operator } from "../conformance/operator.ts";
import { runCases } from "../conformance/runner.ts";
import { stationMode } from "../conformance/station_mode.ts";
import { type PeerSession, startPeerServer } from "./ocpp_rpc_peer.ts";

type Break = string | undefined;

/** A 1.6 CSMS on ocpp-rpc that keeps the rules, except the one `broken` names (a case id). */
async function wrongCsms(broken: Break) {
  const bootStatus = new Map<string, string>();
  const tags = new Map<string, { status: string; expiryDate?: string }>();
  let client: PeerSession | undefined;
  let nextTx = 1;
  const tagStatus = (idTag: string) => {
    const t = tags.get(idTag);
    if (!t) return "Accepted";
    if (t.expiryDate && Date.parse(t.expiryDate) < Date.now() && t.status === "Accepted") return "Expired";
    return t.status;
  };
  const loose = broken === "CW_MALFORMED_CS" || broken === "CW_UNKNOWN_ACTION_CS";
  const server = await startPeerServer(["ocpp1.6"], (c) => {
    client = c;
    c.handle("BootNotification", () => ({
      status: bootStatus.get(c.identity) ?? "Accepted",
      currentTime: new Date().toISOString(),
      interval: broken === "TC_001_CS" ? 0 : 5,
    }));
    c.handle("Heartbeat", () => {
      if (broken === "CW_HEARTBEAT_CS") throw new Error("broken on purpose");
      return { currentTime: new Date().toISOString() };
    });
    c.handle("StatusNotification", ({ params }) => {
      if (broken === "CW_STATUS_CS" && params.status === "Faulted") throw new Error("broken on purpose");
      return {};
    });
    c.handle("Authorize", ({ params }) => ({
      idTagInfo: { status: broken?.startsWith("TC_023") ? "Accepted" : tagStatus(params.idTag) },
    }));
    c.handle("StartTransaction", ({ params }) => {
      if (broken === "CW_OFFLINE_TRANSACTION_CS" && Date.parse(params.timestamp) < Date.now() - 60_000) {
        throw new Error("broken on purpose: late transactions refused");
      }
      const wrong = broken === "TC_004_1_CS" || broken === "TC_010_CS";
      return { transactionId: nextTx++, idTagInfo: { status: wrong ? "Blocked" : tagStatus(params.idTag) } };
    });
    c.handle("StopTransaction", () => ({}));
    c.handle("FirmwareStatusNotification", () => {
      if (broken === "TC_044_CS") throw new Error("broken on purpose");
      return {};
    });
    c.handle("DiagnosticsStatusNotification", () => {
      if (broken === "TC_045_CS") throw new Error("broken on purpose");
      return {};
    });
    c.handle("MeterValues", () => ({}));
    c.handle("DataTransfer", () => {
      if (broken === "CW_DATA_TRANSFER_CS") throw new Error("broken on purpose");
      return { status: "UnknownVendorId" };
    });
    if (broken === "CW_UNKNOWN_ACTION_CS") c.handle("FlyToTheMoon", () => ({}));
  }, { strict: !loose });

  /** The wrong CSMS's operator: sets its state and makes it send commands, breaking them as told. */
  const operator: Operator = {
    arrange(a: Arrangement): Promise<ArrangeOutcome> {
      const ignore = (broken === "TC_002_CS" || broken === "CW_BOOT_REJECTED_CS") && a.kind === "boot-status";
      if (a.kind === "boot-status" && !ignore) bootStatus.set(a.stationId, a.status);
      if (a.kind === "id-tag") tags.set(a.idTag, { status: a.status, expiryDate: a.expiryDate });
      return Promise.resolve({ done: true });
    },
    ask(c: Command): void {
      const p = { ...c.payload } as Record<string, unknown>;
      if (broken === "TC_012_CS") p.transactionId = (p.transactionId as number) + 1;
      if (broken === "TC_013_CS") p.type = "Soft";
      if (broken === "TC_014_CS") p.type = "Hard";
      if (broken === "CW_CHANGE_AVAILABILITY_CS") p.type = "Operative";
      if (broken === "TC_021_CS") p.key = "";
      if (broken === "TC_017_CS") p.connectorId = 2;
      if (broken === "TC_046_CS" && c.action === "CancelReservation") {
        p.reservationId = (p.reservationId as number) + 1;
      }
      if (broken === "TC_043_CS") p.listVersion = 0;
      client?.call(c.action, p).catch(() => {});
    },
  };
  return { server, operator };
}

async function run(broken: Break, only?: string): Promise<CaseResult[]> {
  const { server, operator } = await wrongCsms(broken);
  try {
    const mode = stationMode({
      url: server.url,
      id: "WRONG-PEER",
      version: "ocpp1.6",
      operator,
      answerMs: 10_000,
      actionMs: 10_000,
    }, "t");
    return await runCases(selectCases(CSMS_16, only), mode, { clock: systemClock });
  } finally {
    await server.close();
  }
}

Deno.test("csms mode, 1.6: an ocpp-rpc CSMS that keeps the rules passes every case", async () => {
  const results = await run(undefined);
  const notGreen = results.filter((r) =>
    !(r.verdict === "pass" || (r.verdict === "not-applicable" && r.reason))
  );
  assert.deepEqual(notGreen.map((r) => `${r.id}: ${r.verdict} ${r.reason}`), []);
});

/** Each case and the way the wrong CSMS breaks its rule. */
const BREAKS: Record<string, string> = {
  TC_001_CS: "a heartbeat interval of 0",
  TC_002_CS: "Accepted though the station is held Pending",
  CW_BOOT_REJECTED_CS: "Accepted though the station is rejected",
  CW_HEARTBEAT_CS: "Heartbeat answered with CALLERROR",
  CW_STATUS_CS: "StatusNotification Faulted answered with CALLERROR",
  TC_004_1_CS: "StartTransaction answered Blocked for an accepted tag",
  TC_023_1_CS: "an Invalid tag authorized",
  TC_023_2_CS: "a Blocked tag authorized",
  TC_023_3_CS: "an expired tag authorized",
  TC_010_CS: "the remotely started transaction answered Blocked",
  TC_012_CS: "RemoteStopTransaction names another transaction",
  TC_013_CS: "Soft reset where Hard was asked for",
  TC_014_CS: "Hard reset where Soft was asked for",
  CW_CHANGE_AVAILABILITY_CS: "Operative where Inoperative was asked for",
  TC_021_CS: "ChangeConfiguration with an empty key",
  TC_017_CS: "UnlockConnector of another connector",
  CW_OFFLINE_TRANSACTION_CS: "a late StartTransaction refused",
  CW_MALFORMED_CS: "a schema-breaking CALL answered with a CALLRESULT",
  CW_UNKNOWN_ACTION_CS: "an unknown action answered with a CALLRESULT",
  CW_DATA_TRANSFER_CS: "DataTransfer answered with CALLERROR",
  TC_046_CS: "CancelReservation of another reservation",
  TC_043_CS: "SendLocalList with list version 0",
  TC_044_CS: "FirmwareStatusNotification answered with CALLERROR",
  TC_045_CS: "DiagnosticsStatusNotification answered with CALLERROR",
};

Deno.test("csms mode, 1.6: an ocpp-rpc CSMS that breaks one rule fails that rule's case", async (t) => {
  for (const [id, how] of Object.entries(BREAKS)) {
    await t.step(`${id}: ${how}`, async () => {
      const [result] = await run(id, id);
      assert.equal(result.id, id);
      assert.equal(
        result.verdict,
        "fail",
        `${id} should fail (${how}), was ${result.verdict}: ${result.reason}`,
      );
    });
  }
});
