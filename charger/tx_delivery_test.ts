/**
 * Transaction-message delivery over two real RPC sessions joined back to back
 * in memory (the session is transport-independent), so refusals and
 * disconnects can be played exactly.
 */
import assert from "node:assert/strict";
import {
  type CentralSystemActions16,
  type ChargePointActions16,
  OcppError,
  RpcSession,
} from "../shared/ocpp/mod.ts";
import { TransactionDelivery } from "./tx_delivery.ts";
import type { TxMessage } from "./tx_queue.ts";

const ts = "2025-01-01T00:00:00.000Z";

function link(refuse: (action: string) => boolean) {
  const seen: { action: string; payload: { transactionId?: number } }[] = [];
  const cp = new RpcSession<CentralSystemActions16, ChargePointActions16>({
    version: "ocpp1.6",
    send: (t) => queueMicrotask(() => cs.receive(t)),
  });
  const cs: RpcSession<ChargePointActions16, CentralSystemActions16> = new RpcSession({
    version: "ocpp1.6",
    send: (t) => queueMicrotask(() => cp.receive(t)),
  });
  let ids = 100;
  const answer = (action: string, payload: { transactionId?: number }) => {
    seen.push({ action, payload });
    if (refuse(action)) throw new OcppError("InternalError", "no");
  };
  cs.handle("StartTransaction", (p) => {
    answer("StartTransaction", p);
    return { transactionId: ++ids, idTagInfo: { status: "Accepted" } };
  });
  cs.handle("MeterValues", (p) => (answer("MeterValues", p), {}));
  cs.handle("StopTransaction", (p) => (answer("StopTransaction", p), {}));
  return { cp, cs, seen };
}

const start: TxMessage = {
  action: "StartTransaction",
  localId: 1,
  payload: { connectorId: 1, idTag: "T", meterStart: 0, timestamp: ts },
};
const stop: TxMessage = { action: "StopTransaction", localId: 1, payload: { meterStop: 5, timestamp: ts } };

Deno.test("delivery: in order, with the answered id; nothing goes while there is no session", async () => {
  const { cp, seen } = link(() => false);
  let online = false;
  const warnings: string[] = [];
  const d = new TransactionDelivery({
    sendable: () => (online ? cp : undefined),
    maxAttempts: () => 3,
    retryIntervalMs: () => 10,
    startAnswered: () => {},
    stopAnswered: () => {},
    warn: (w) => warnings.push(w),
  });
  d.push(start);
  d.push(stop);
  assert.equal(seen.length, 0);
  online = true;
  d.pump();
  assert.equal(await d.whenDrained(2_000), true);
  assert.deepEqual(seen.map((s) => s.action), ["StartTransaction", "StopTransaction"]);
  assert.equal(seen[1].payload.transactionId, 101);
  assert.deepEqual(warnings, []);
  d.stop();
});

Deno.test("delivery: a message refused TransactionMessageAttempts times is given up, and the next one goes", async () => {
  const { cp, seen } = link((a) => a === "StartTransaction");
  const warnings: string[] = [];
  const d = new TransactionDelivery({
    sendable: () => cp,
    maxAttempts: () => 3,
    retryIntervalMs: () => 5,
    startAnswered: () => assert.fail("never accepted"),
    stopAnswered: () => assert.fail("a Stop without a transaction id cannot be sent"),
    warn: (w) => warnings.push(w),
  });
  d.push(start);
  d.push(stop);
  assert.equal(await d.whenDrained(2_000), true);
  assert.deepEqual(seen.map((s) => s.action), ["StartTransaction", "StartTransaction", "StartTransaction"]);
  assert.ok(warnings.some((w) => w.startsWith("giving up StartTransaction after 3 refusals")));
  assert.ok(warnings.some((w) => w.startsWith("dropping StopTransaction")));
  d.stop();
});

Deno.test("delivery: a message lost with its connection is sent again first, without counting as a refusal", async () => {
  const first = link(() => false);
  const second = link(() => false);
  let session: RpcSession<CentralSystemActions16, ChargePointActions16> | undefined = first.cp;
  const d = new TransactionDelivery({
    sendable: () => session,
    maxAttempts: () => 1,
    retryIntervalMs: () => 5,
    startAnswered: () => {},
    stopAnswered: () => {},
    warn: () => {},
  });
  // The first connection dies with the Start in flight: its answer never comes back.
  first.cs.close();
  d.push(start);
  session = undefined;
  first.cp.close();
  d.connectionLost();
  await new Promise((r) => setTimeout(r, 10));
  session = second.cp;
  d.pump();
  assert.equal(await d.whenDrained(2_000), true);
  assert.deepEqual(second.seen.map((s) => s.action), ["StartTransaction"]);
  d.stop();
});
