/**
 * The csms-mode runner, OCPP 2.0.1, against an independent CSMS written here on npm `ocpp-rpc`: as it
 * should behave, all green; broken one rule at a time, the case for that rule fails. (Security profiles
 * need a key and TLS: not applicable here, and run against Chargewire's CSMS in conformance_test.ts.)
 */
import assert from "node:assert/strict";
import { type CaseResult, selectCases } from "../conformance/case.ts";
import { CSMS_201 } from "../conformance/cases/csms201.ts";
import { systemClock } from "../conformance/clock.ts";
import type { Arrangement, ArrangeOutcome, Command, Operator } from "../conformance/operator.ts";
import { runCases } from "../conformance/runner.ts";
import { stationMode } from "../conformance/station_mode.ts";
import { type PeerSession, startPeerServer } from "./ocpp_rpc_peer.ts";

type Break = string | undefined;

async function wrongCsms(broken: Break) {
  const bootStatus = new Map<string, string>();
  const tags = new Map<string, { status: string; expiryDate?: string }>();
  const seen = new Set<string>();
  let client: PeerSession | undefined;
  let remoteStartId = 100;
  const is = (id: string) => broken === id;
  const tokenStatus = (idToken: string) => {
    const t = tags.get(idToken);
    if (!t) return "Accepted";
    if (t.expiryDate && Date.parse(t.expiryDate) < Date.now() && t.status === "Accepted") return "Expired";
    return t.status;
  };
  const loose = is("CW_MALFORMED_CSMS") || is("CW_UNKNOWN_ACTION_CSMS") || is("CW_B05_SET_VARIABLES_CSMS");
  const server = await startPeerServer(["ocpp2.0.1"], (c) => {
    client = c;
    c.handle("BootNotification", () => ({
      status: bootStatus.get(c.identity) ?? "Accepted",
      currentTime: new Date().toISOString(),
      interval: is("TC_B_01_CSMS") ? 0 : 5,
    }));
    c.handle("Heartbeat", () => {
      if (is("CW_G02_HEARTBEAT_CSMS")) throw new Error("broken on purpose");
      return { currentTime: new Date().toISOString() };
    });
    c.handle("StatusNotification", ({ params }) => {
      if (is("CW_G01_STATUS_CSMS") && params.connectorStatus === "Faulted") {
        throw new Error("broken on purpose");
      }
      return {};
    });
    c.handle("Authorize", ({ params }) => ({
      idTokenInfo: {
        status: broken?.startsWith("CW_C01")
          ? (is("CW_C01_AUTHORIZE_ACCEPTED_CSMS") ? "Invalid" : "Accepted")
          : tokenStatus(params.idToken.idToken),
      },
    }));
    c.handle("TransactionEvent", ({ params }) => {
      const key = `${params.transactionInfo.transactionId}/${params.seqNo}`;
      if (is("CW_E_SEQNO_REPLAY_CSMS") && seen.has(key)) {
        throw new Error("broken on purpose: a replay refused");
      }
      seen.add(key);
      if (is("CW_E12_OFFLINE_CSMS") && params.offline) {
        throw new Error("broken on purpose: offline events refused");
      }
      if (is("CW_E01_TRANSACTION_CSMS") && params.eventType === "Updated") {
        throw new Error("broken on purpose");
      }
      if (!params.idToken) return {};
      const wrong = is("CW_F01_REMOTE_START_CSMS") ||
        is("CW_F03_REMOTE_STOP_CSMS") && params.eventType === "Started";
      return {
        idTokenInfo: {
          status: wrong && is("CW_F01_REMOTE_START_CSMS") ? "Blocked" : tokenStatus(params.idToken.idToken),
        },
      };
    });
    if (is("CW_UNKNOWN_ACTION_CSMS")) c.handle("FlyToTheMoon", () => ({}));
  }, { strict: !loose });

  const operator: Operator = {
    arrange(a: Arrangement): Promise<ArrangeOutcome> {
      const ignore = (is("TC_B_02_CSMS") || is("TC_B_03_CSMS")) && a.kind === "boot-status";
      if (a.kind === "boot-status" && !ignore) bootStatus.set(a.stationId, a.status);
      if (a.kind === "id-tag") tags.set(a.idTag, { status: a.status, expiryDate: a.expiryDate });
      return Promise.resolve({ done: true });
    },
    ask(c: Command): void {
      const p = structuredClone(c.payload) as Record<string, unknown> & Record<string, never>;
      if (c.action === "RequestStartTransaction" && !is("CW_F01_REMOTE_START_CSMS_NO_ID")) {
        (p as Record<string, unknown>).remoteStartId = remoteStartId++;
      }
      if (is("CW_F03_REMOTE_STOP_CSMS")) (p as Record<string, unknown>).transactionId = "another-transaction";
      if (is("CW_B11_RESET_IMMEDIATE_CSMS")) (p as Record<string, unknown>).type = "OnIdle";
      if (is("CW_B11_RESET_ONIDLE_CSMS")) (p as Record<string, unknown>).type = "Immediate";
      if (is("CW_G03_CHANGE_AVAILABILITY_CSMS")) {
        (p as Record<string, unknown>).operationalStatus = "Operative";
      }
      if (is("CW_B05_SET_VARIABLES_CSMS")) (p as Record<string, unknown>).setVariableData = [];
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
      id: "WRONG-PEER-201",
      version: "ocpp2.0.1",
      operator,
      answerMs: 10_000,
      actionMs: 3_000,
    }, "t");
    return await runCases(selectCases(CSMS_201, only), mode, { clock: systemClock });
  } finally {
    await server.close();
  }
}

Deno.test("csms mode, 2.0.1: an ocpp-rpc CSMS that keeps the rules passes every case", async () => {
  const results = await run(undefined);
  const notGreen = results.filter((r) =>
    !(r.verdict === "pass" || (r.verdict === "not-applicable" && r.reason))
  );
  assert.deepEqual(notGreen.map((r) => `${r.id}: ${r.verdict} ${r.reason}`), []);
});

const BREAKS: Record<string, string> = {
  TC_B_01_CSMS: "a heartbeat interval of 0",
  TC_B_02_CSMS: "Accepted though the station is held Pending",
  TC_B_03_CSMS: "Accepted though the station is rejected",
  CW_G02_HEARTBEAT_CSMS: "Heartbeat answered with CALLERROR",
  CW_G01_STATUS_CSMS: "StatusNotification Faulted answered with CALLERROR",
  CW_C01_AUTHORIZE_ACCEPTED_CSMS: "an accepted token answered Invalid",
  CW_C01_AUTHORIZE_BLOCKED_CSMS: "a Blocked token accepted",
  CW_C01_AUTHORIZE_EXPIRED_CSMS: "an expired token accepted",
  CW_C01_AUTHORIZE_INVALID_CSMS: "an Invalid token accepted",
  CW_E01_TRANSACTION_CSMS: "an Updated event answered with CALLERROR",
  CW_E_SEQNO_REPLAY_CSMS: "a replayed seqNo refused",
  CW_E12_OFFLINE_CSMS: "offline events refused",
  CW_F01_REMOTE_START_CSMS: "the remotely started transaction answered Blocked",
  CW_F03_REMOTE_STOP_CSMS: "RequestStopTransaction names another transaction",
  CW_B11_RESET_IMMEDIATE_CSMS: "OnIdle where Immediate was asked for",
  CW_B11_RESET_ONIDLE_CSMS: "Immediate where OnIdle was asked for",
  CW_G03_CHANGE_AVAILABILITY_CSMS: "Operative where Inoperative was asked for",
  CW_B05_SET_VARIABLES_CSMS: "SetVariables with an empty value",
  CW_MALFORMED_CSMS: "a schema-breaking CALL answered with a CALLRESULT",
  CW_UNKNOWN_ACTION_CSMS: "an unknown action answered with a CALLRESULT",
};

Deno.test("csms mode, 2.0.1: an ocpp-rpc CSMS that breaks one rule fails that rule's case", async (t) => {
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
