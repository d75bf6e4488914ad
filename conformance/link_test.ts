import assert from "node:assert/strict";
import { Link, type WireFrame } from "./link.ts";
import { ManualClock } from "./test_clock.ts";
import type { Transport } from "./transport.ts";

/** The far end of an in-memory transport: what the link sent, and a way to send it text. */
function pipe() {
  const sent: string[] = [];
  let deliver: (text: string) => void = () => {};
  let closeIt: (info: { code: number; reason: string }) => void = () => {};
  const transport: Transport = {
    protocol: "ocpp1.6",
    send: (text) => void sent.push(text),
    onMessage: (l) => void (deliver = l),
    closed: new Promise((resolve) => (closeIt = resolve)),
    close: () => Promise.resolve(closeIt({ code: 1000, reason: "" })),
  };
  return { transport, sent, peer: (frame: unknown) => deliver(JSON.stringify(frame)), closeIt };
}

function setup() {
  const p = pipe();
  const clock = new ManualClock();
  const frames: WireFrame[] = [];
  const link = new Link({ version: "ocpp1.6", transport: p.transport, clock, record: (f) => frames.push(f) });
  return { ...p, clock, frames, link };
}

Deno.test("a call is matched with its answer, and a schema-breaking answer is marked", async () => {
  const t = setup();
  const pending = t.link.call("Heartbeat", {}, 1000);
  const [, id] = JSON.parse(t.sent[0]);
  t.peer([3, id, { currentTime: "not a time" }]);
  const answer = await pending;
  assert.equal(answer.kind, "result");
  assert.equal(t.frames[1].direction, "in");
  assert.equal(t.frames[1].action, "Heartbeat");
  assert.match(t.frames[1].problem!, /Heartbeat response/);
});

Deno.test("a call without an answer times out on the injected clock", async () => {
  const t = setup();
  const pending = t.link.call("Heartbeat", {}, 1000);
  await t.clock.advance(999);
  assert.equal(t.clock.sleeping, 1);
  await t.clock.advance(1);
  assert.deepEqual(await pending, { kind: "timeout" });
});

Deno.test("a CALLERROR answer is the error; our own wrong frame is marked but sent as it is", async () => {
  const t = setup();
  const pending = t.link.call("StatusNotification", { connectorId: "one" }, 1000);
  assert.match(t.frames[0].problem!, /StatusNotification request/);
  assert.deepEqual(JSON.parse(t.sent[0])[3], { connectorId: "one" });
  t.peer([4, JSON.parse(t.sent[0])[1], "TypeConstraintViolation", "connectorId", {}]);
  assert.deepEqual(await pending, {
    kind: "error",
    code: "TypeConstraintViolation",
    description: "connectorId",
  });
});

Deno.test("the peer's calls: a handler answers, the rest wait in the inbox for the case", async () => {
  const t = setup();
  t.link.handlers.set("Reset", () => ({ status: "Accepted" }));
  t.peer([2, "a1", "Reset", { type: "Hard" }]);
  t.peer([2, "a2", "ClearCache", {}]);
  assert.deepEqual(JSON.parse(t.sent[0]), [3, "a1", { status: "Accepted" }]);
  assert.equal(t.sent.length, 1);
  const clear = await t.link.expectCall("ClearCache", 1000);
  assert.ok(clear && !clear.answered);
  t.link.reply(clear, { status: "Rejected" });
  assert.deepEqual(JSON.parse(t.sent[1]), [3, "a2", { status: "Rejected" }]);
  // Taken calls are not handed out again; waiting for one more ends at the time limit.
  const none = t.link.expectCall("ClearCache", 500);
  await t.clock.advance(500);
  assert.equal(await none, undefined);
});

Deno.test("a schema-breaking call from the peer gets its CALLERROR and is marked", () => {
  const t = setup();
  t.peer([2, "b1", "Reset", { type: "Sideways" }]);
  const [type, id, code] = JSON.parse(t.sent[0]);
  assert.deepEqual([type, id, code], [4, "b1", "PropertyConstraintViolation"]);
  assert.match(t.frames[0].problem!, /Reset request/);
  t.peer([2, "b2", "FlyToTheMoon", {}]);
  assert.equal(JSON.parse(t.sent[1])[2], "NotImplemented");
});

Deno.test("a frame that is not OCPP-J is marked; a CALL we cannot read is answered", () => {
  const t = setup();
  t.peer({ not: "an array" });
  assert.match(t.frames[0].problem!, /RpcFrameworkError/);
  assert.equal(JSON.parse(t.sent[0])[0], 4);
});

Deno.test("a waiting case learns at once that the connection closed", async () => {
  const t = setup();
  const waiting = t.link.expectCall("Heartbeat", 60_000);
  t.closeIt({ code: 1001, reason: "bye" });
  assert.equal(await waiting, undefined);
  assert.ok(t.link.closed);
  assert.deepEqual(t.link.closeInfo, { code: 1001, reason: "bye" });
});
