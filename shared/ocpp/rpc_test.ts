import assert from "node:assert/strict";
import type { ActionMap, CentralSystemActions16, ChargePointActions16 } from "./actions16.ts";
import { type ErrorCode, OcppError, RpcClosedError, RpcTimeoutError } from "./errors.ts";
import { CALL, CALLERROR, CALLRESULT, type FrameError, serializeFrame } from "./frames.ts";
import { type FrameRecord, RpcSession, type RpcSessionOptions } from "./rpc.ts";
import type { OcppVersion } from "./version.ts";

const NOW = "2025-03-01T12:00:00.000Z";

type Csms = RpcSession<ChargePointActions16, CentralSystemActions16>;
type ChargePoint = RpcSession<CentralSystemActions16, ChargePointActions16>;

/** Waits for a condition by polling a bounded number of times; never a timing assertion. */
async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 1));
  }
  throw new Error(`gave up waiting for ${what}`);
}

/** Lets every pending microtask and a few macrotasks run, so that a misbehaving session would show. */
async function settleDown(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0));
}

interface Observed {
  frames: FrameRecord[];
  logs: string[];
  bad: Array<{ error: FrameError; text: string }>;
}

function observer(): Observed & Pick<RpcSessionOptions, "onFrame" | "onBadFrame" | "log"> {
  const o: Observed = { frames: [], logs: [], bad: [] };
  return {
    ...o,
    onFrame: (r) => o.frames.push(r),
    onBadFrame: (error, text) => o.bad.push({ error, text }),
    log: (line) => o.logs.push(line),
  };
}

/** A CSMS session and a charge point session wired back to back, as two ends of one WebSocket. */
function wiredPair(options: { sync?: boolean } = {}) {
  const csmsObs = observer();
  const cpObs = observer();
  const deliver = (fn: () => void) => options.sync ? fn() : queueMicrotask(fn);
  const csms: Csms = new RpcSession({
    version: "ocpp1.6",
    send: (text) => deliver(() => cp.receive(text)),
    ...csmsObs,
  });
  const cp: ChargePoint = new RpcSession({
    version: "ocpp1.6",
    send: (text) => deliver(() => csms.receive(text)),
    ...cpObs,
  });
  return {
    csms,
    cp,
    csmsObs,
    cpObs,
    [Symbol.dispose]() {
      csms.close();
      cp.close();
    },
  };
}

/** One session whose peer is the test itself: what it sends is kept, what it receives is fed by hand. */
function loneSession<In extends ActionMap, Out extends ActionMap>(
  options: Partial<RpcSessionOptions> & { version?: OcppVersion } = {},
) {
  const sent: string[] = [];
  const obs = observer();
  const session = new RpcSession<In, Out>({
    version: "ocpp1.6",
    send: (text) => sent.push(text),
    ...obs,
    ...options,
  });
  return {
    session,
    sent,
    obs,
    /** The parsed frames sent so far. */
    frames: () => sent.map((t) => JSON.parse(t) as unknown[]),
    last: () => JSON.parse(sent[sent.length - 1]) as unknown[],
    [Symbol.dispose]() {
      session.close();
    },
  };
}

const chargePoint = () => loneSession<CentralSystemActions16, ChargePointActions16>();
const csmsAlone = (options: Partial<RpcSessionOptions> = {}) =>
  loneSession<ChargePointActions16, CentralSystemActions16>(options);

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  assert.fail("expected the promise to reject");
}

async function ocppError(p: Promise<unknown>, code: ErrorCode): Promise<OcppError> {
  const err = await rejection(p);
  assert.ok(err instanceof OcppError, `expected OcppError, got ${err}`);
  assert.equal(err.code, code, err.description);
  return err;
}

Deno.test("rpc: a CALL reaches the peer's handler and its answer comes back", async () => {
  using pair = wiredPair();
  const seen: unknown[] = [];
  pair.csms.handle("BootNotification", (payload, ctx) => {
    seen.push(payload, ctx.action, typeof ctx.messageId);
    return { status: "Accepted", currentTime: NOW, interval: 300 };
  });
  const res = await pair.cp.call("BootNotification", {
    chargePointVendor: "Chargewire",
    chargePointModel: "Sim-1",
  });
  assert.deepEqual(res, { status: "Accepted", currentTime: NOW, interval: 300 });
  assert.deepEqual(seen, [
    { chargePointVendor: "Chargewire", chargePointModel: "Sim-1" },
    "BootNotification",
    "string",
  ]);
  // And the other way: the CSMS calls the charge point.
  pair.cp.handle("Reset", (p) => ({ status: p.type === "Soft" ? "Accepted" : "Rejected" }));
  assert.deepEqual(await pair.csms.call("Reset", { type: "Soft" }), { status: "Accepted" });
  assert.deepEqual(await pair.csms.call("Reset", { type: "Hard" }), { status: "Rejected" });
});

for (const sync of [false, true]) {
  Deno.test(
    `rpc: calls issued at once go out one at a time, in order, each after the previous answer (${
      sync ? "synchronous" : "asynchronous"
    } transport)`,
    async () => {
      using pair = wiredPair({ sync });
      const gates = [
        Promise.withResolvers<void>(),
        Promise.withResolvers<void>(),
        Promise.withResolvers<void>(),
      ];
      const arrivals: string[] = [];
      pair.csms
        .handle("Heartbeat", async () => {
          arrivals.push("Heartbeat");
          await gates[0].promise;
          return { currentTime: NOW };
        })
        .handle("StatusNotification", async (p) => {
          arrivals.push(`StatusNotification:${p.status}`);
          await gates[1].promise;
          return {};
        })
        .handle("Authorize", async (p) => {
          arrivals.push(`Authorize:${p.idTag}`);
          await gates[2].promise;
          return { idTagInfo: { status: "Accepted" } };
        });

      const settled: string[] = [];
      const p1 = pair.cp.call("Heartbeat", {}).then((r) => (settled.push("Heartbeat"), r));
      const p2 = pair.cp.call("StatusNotification", {
        connectorId: 1,
        errorCode: "NoError",
        status: "Charging",
      })
        .then((r) => (settled.push("StatusNotification"), r));
      const p3 = pair.cp.call("Authorize", { idTag: "TAG-1" }).then((r) => (settled.push("Authorize"), r));

      const callsOut = () => pair.cpObs.frames.filter((f) => f.direction === "out" && f.messageType === CALL);
      assert.equal(callsOut().length, 1);
      assert.equal(pair.cp.queued, 2);

      await until(() => arrivals.length === 1, "the first CALL");
      await settleDown();
      assert.deepEqual(arrivals, ["Heartbeat"], "the second CALL went out before the first was answered");
      assert.equal(callsOut().length, 1);

      gates[0].resolve();
      assert.deepEqual(await p1, { currentTime: NOW });
      await until(() => arrivals.length === 2, "the second CALL");
      await settleDown();
      assert.deepEqual(arrivals, ["Heartbeat", "StatusNotification:Charging"]);
      assert.equal(pair.cp.queued, 1);

      gates[1].resolve();
      assert.deepEqual(await p2, {});
      await until(() => arrivals.length === 3, "the third CALL");
      gates[2].resolve();
      assert.deepEqual(await p3, { idTagInfo: { status: "Accepted" } });

      assert.deepEqual(settled, ["Heartbeat", "StatusNotification", "Authorize"]);
      assert.equal(pair.cp.queued, 0);
      // On the charge point's wire: CALL, its answer, CALL, its answer, ... never two CALLs in a row.
      assert.deepEqual(
        pair.cpObs.frames.map((f) => `${f.direction} ${f.messageType} ${f.action}`),
        [
          "out 2 Heartbeat",
          "in 3 Heartbeat",
          "out 2 StatusNotification",
          "in 3 StatusNotification",
          "out 2 Authorize",
          "in 3 Authorize",
        ],
      );
    },
  );
}

Deno.test("rpc: answers are matched by id, so a CALLERROR for the first call does not stall the rest", async () => {
  using pair = wiredPair({ sync: true });
  // No handler for DataTransfer: NotSupported comes back at once, synchronously inside the send.
  pair.csms.handle("Heartbeat", () => ({ currentTime: NOW }));
  const a = pair.cp.call("DataTransfer", { vendorId: "x" });
  const b = pair.cp.call("Heartbeat", {});
  await ocppError(a, "NotSupported");
  assert.deepEqual(await b, { currentTime: NOW });
});

Deno.test("rpc: a call with no answer rejects with RpcTimeoutError and the queue moves on", async () => {
  using cp = chargePoint();
  const first = cp.session.call("Heartbeat", {}, { timeoutMs: 20 });
  const second = cp.session.call("Authorize", { idTag: "TAG-1" });
  assert.equal(cp.sent.length, 1);
  const err = await rejection(first);
  assert.ok(err instanceof RpcTimeoutError, String(err));
  assert.equal(err.action, "Heartbeat");
  assert.equal(err.timeoutMs, 20);
  assert.match(err.message, /Heartbeat/);
  // The next call goes out once the first has timed out.
  await until(() => cp.sent.length === 2, "the queued call");
  const [, secondId, action] = cp.last();
  assert.equal(action, "Authorize");
  cp.session.receive(
    serializeFrame({
      type: CALLRESULT,
      id: secondId as string,
      payload: { idTagInfo: { status: "Blocked" } },
    }),
  );
  assert.deepEqual(await second, { idTagInfo: { status: "Blocked" } });
});

Deno.test("rpc: the session's callTimeoutMs applies when the call sets none", async () => {
  using cp = loneSession<CentralSystemActions16, ChargePointActions16>({ callTimeoutMs: 15 });
  const err = await rejection(cp.session.call("Heartbeat", {}));
  assert.ok(err instanceof RpcTimeoutError);
  assert.equal(err.timeoutMs, 15);
});

Deno.test("rpc: a late answer after the timeout is dropped with a log line", async () => {
  using cp = chargePoint();
  const call = cp.session.call("Heartbeat", {}, { timeoutMs: 10 });
  const [, id] = cp.last();
  assert.ok((await rejection(call)) instanceof RpcTimeoutError);
  const next = cp.session.call("Heartbeat", {});
  const [, nextId] = cp.last();
  // The late answer carries the old id: it must not settle the new call.
  cp.session.receive(serializeFrame({ type: CALLRESULT, id: id as string, payload: { currentTime: NOW } }));
  assert.equal(cp.obs.logs.length, 1);
  assert.match(cp.obs.logs[0], new RegExp(`late.*${id}`));
  cp.session.receive(
    serializeFrame({
      type: CALLRESULT,
      id: nextId as string,
      payload: { currentTime: "2030-01-01T00:00:00Z" },
    }),
  );
  assert.deepEqual(await next, { currentTime: "2030-01-01T00:00:00Z" });
});

Deno.test("rpc: answers with an unknown id are dropped with a log line", async () => {
  using cp = chargePoint();
  // Nothing outstanding at all.
  cp.session.receive('[3,"nobody-asked",{}]');
  const call = cp.session.call("Heartbeat", {});
  const [, id] = cp.last();
  cp.session.receive('[3,"not-ours",{"currentTime":"2025-01-01T00:00:00Z"}]');
  cp.session.receive('[4,"not-ours-either","GenericError","",{}]');
  assert.equal(cp.obs.logs.length, 3);
  assert.match(cp.obs.logs[0], /nobody-asked/);
  assert.match(cp.obs.logs[1], /CALLRESULT.*not-ours/);
  assert.match(cp.obs.logs[2], /CALLERROR.*not-ours-either/);
  assert.equal(cp.sent.length, 1, "an answer is never answered");
  cp.session.receive(serializeFrame({ type: CALLRESULT, id: id as string, payload: { currentTime: NOW } }));
  assert.deepEqual(await call, { currentTime: NOW });
});

Deno.test("rpc: a CALLERROR rejects the call with OcppError, its code normalized", async () => {
  using cp = chargePoint();
  const cases: Array<[string, ErrorCode]> = [
    ["OccurenceConstraintViolation", "OccurrenceConstraintViolation"],
    ["OccurrenceConstraintViolation", "OccurrenceConstraintViolation"],
    ["FormationViolation", "FormatViolation"],
    ["FormatViolation", "FormatViolation"],
    ["NotSupported", "NotSupported"],
    ["SomethingVendorSpecific", "GenericError"],
  ];
  for (const [wire, code] of cases) {
    const call = cp.session.call("Authorize", { idTag: "TAG-1" });
    const [, id] = cp.last();
    cp.session.receive(JSON.stringify([CALLERROR, id, wire, "the reason", { field: "idTag" }]));
    const err = await ocppError(call, code);
    assert.equal(err.description, "the reason");
    assert.deepEqual(err.details, { field: "idTag" });
  }
});

Deno.test("rpc: a handler's exception becomes CALLERROR InternalError without the stack or message", async () => {
  using pair = wiredPair();
  pair.csms.handle("Authorize", () => {
    throw new Error("db password is hunter2");
  });
  pair.csms.handle("Heartbeat", () => Promise.reject("a bare string"));
  const err = await ocppError(pair.cp.call("Authorize", { idTag: "TAG-1" }), "InternalError");
  assert.doesNotMatch(err.description, /hunter2|\bat\s|\.ts:\d+/);
  const wire = pair.cpObs.frames.find((f) => f.direction === "in" && f.messageType === CALLERROR)!;
  assert.doesNotMatch(wire.text, /hunter2|\bat\s|\.ts:\d+|Error:/);
  assert.equal(wire.action, "Authorize");
  // The stack stays in our own log.
  assert.ok(
    pair.csmsObs.logs.some((l) => l.includes("hunter2") && /\n\s+at /.test(l)),
    pair.csmsObs.logs.join("\n"),
  );

  await ocppError(pair.cp.call("Heartbeat", {}), "InternalError");
  assert.ok(pair.csmsObs.logs.some((l) => l.includes("a bare string")));
});

Deno.test("rpc: a handler throwing OcppError answers with that code, spelt for 1.6 on the wire", async () => {
  using pair = wiredPair();
  let toThrow = new OcppError("PropertyConstraintViolation", "idTag has the wrong shape", {
    hint: "upper case",
  });
  pair.csms.handle("Authorize", () => {
    throw toThrow;
  });
  const err = await ocppError(pair.cp.call("Authorize", { idTag: "TAG-1" }), "PropertyConstraintViolation");
  assert.equal(err.description, "idTag has the wrong shape");
  assert.deepEqual(err.details, { hint: "upper case" });

  const wireCodes = () =>
    pair.cpObs.frames.filter((f) => f.direction === "in" && f.messageType === CALLERROR).map((f) =>
      JSON.parse(f.text)[2]
    );
  toThrow = new OcppError("OccurrenceConstraintViolation", "no");
  await ocppError(pair.cp.call("Authorize", { idTag: "TAG-1" }), "OccurrenceConstraintViolation");
  toThrow = new OcppError("FormatViolation", "no");
  await ocppError(pair.cp.call("Authorize", { idTag: "TAG-1" }), "FormatViolation");
  // A handler that throws the 1.6 spelling itself still gets a code 1.6 knows.
  toThrow = new OcppError("OccurenceConstraintViolation" as ErrorCode, "no");
  await ocppError(pair.cp.call("Authorize", { idTag: "TAG-1" }), "OccurrenceConstraintViolation");
  assert.deepEqual(wireCodes(), [
    "PropertyConstraintViolation",
    "OccurenceConstraintViolation",
    "FormationViolation",
    "OccurenceConstraintViolation",
  ]);
});

Deno.test("rpc: an unknown action is NotImplemented, a known one without a handler NotSupported", () => {
  using csms = csmsAlone();
  csms.session.handle("Heartbeat", () => ({ currentTime: NOW }));
  csms.session.receive('[2,"a1","FlyToTheMoon",{}]');
  assert.deepEqual(csms.last().slice(0, 3), [4, "a1", "NotImplemented"]);
  csms.session.receive('[2,"a2","SignFirmwareStatusNotification",{"status":"Idle"}]');
  assert.deepEqual(csms.last().slice(0, 3), [4, "a2", "NotImplemented"]);
  csms.session.receive('[2,"a3","Authorize",{"idTag":"TAG-1"}]');
  assert.deepEqual(csms.last().slice(0, 3), [4, "a3", "NotSupported"]);
  // A 1.6 action that travels the other way is still a known action.
  csms.session.receive('[2,"a4","Reset",{"type":"Soft"}]');
  assert.deepEqual(csms.last().slice(0, 3), [4, "a4", "NotSupported"]);
  for (const [, , , description, details] of csms.frames()) {
    assert.equal(typeof description, "string");
    assert.deepEqual(details, {});
  }
});

Deno.test("rpc: an invalid incoming payload gets the matching CALLERROR and never reaches the handler", () => {
  using csms = csmsAlone();
  let calls = 0;
  csms.session.handle("Authorize", () => {
    calls++;
    return { idTagInfo: { status: "Accepted" } };
  });
  const cases: Array<[string, string]> = [
    ["{}", "OccurenceConstraintViolation"],
    ['{"idTag":5}', "TypeConstraintViolation"],
    [`{"idTag":"${"x".repeat(21)}"}`, "PropertyConstraintViolation"],
    ['{"idTag":"TAG-1","pin":"0000"}', "FormationViolation"],
  ];
  for (const [i, [payload, code]] of cases.entries()) {
    csms.session.receive(`[2,"v${i}","Authorize",${payload}]`);
    const [type, id, wireCode, description] = csms.last();
    assert.deepEqual([type, id, wireCode], [4, `v${i}`, code], payload);
    assert.ok((description as string).length > 0);
  }
  assert.equal(calls, 0);
});

Deno.test("rpc: with validation off the handler sees the payload as sent", async () => {
  using csms = csmsAlone({ validate: false });
  const seen: unknown[] = [];
  csms.session.handle("Authorize", (p) => {
    seen.push(p);
    return { idTagInfo: { status: "Accepted" } };
  });
  csms.session.receive('[2,"n1","Authorize",{"idTag":5}]');
  await until(() => csms.sent.length === 1, "the answer");
  assert.deepEqual(seen, [{ idTag: 5 }]);
  assert.deepEqual(csms.last(), [3, "n1", { idTagInfo: { status: "Accepted" } }]);
});

Deno.test("rpc: an invalid outgoing payload is refused locally and nothing is sent", async () => {
  using cp = chargePoint();
  await ocppError(cp.session.call("Authorize", { idTag: "x".repeat(21) }), "PropertyConstraintViolation");
  await ocppError(cp.session.call("Authorize", {} as { idTag: string }), "OccurrenceConstraintViolation");
  await ocppError(
    cp.session.call("StatusNotification", {
      connectorId: 1,
      errorCode: "NoError",
      status: "Sleeping" as "Available",
    }),
    "PropertyConstraintViolation",
  );
  const err = await ocppError(
    cp.session.call("FlyToTheMoon" as "Heartbeat", {}),
    "NotImplemented",
  );
  assert.match(err.message, /FlyToTheMoon/);
  assert.equal(cp.sent.length, 0);
  assert.equal(cp.session.queued, 0);
  // The session is still usable.
  const ok = cp.session.call("Heartbeat", {});
  cp.session.receive(
    serializeFrame({ type: CALLRESULT, id: cp.last()[1] as string, payload: { currentTime: NOW } }),
  );
  assert.deepEqual(await ok, { currentTime: NOW });
});

Deno.test("rpc: an invalid CALLRESULT payload from the peer rejects the call", async () => {
  using cp = chargePoint();
  const call = cp.session.call("Heartbeat", {});
  cp.session.receive(
    serializeFrame({ type: CALLRESULT, id: cp.last()[1] as string, payload: { currentTime: 5 } }),
  );
  const err = await ocppError(call, "TypeConstraintViolation");
  assert.match(err.description, /Heartbeat/);
});

Deno.test("rpc: a malformed answer to the outstanding call fails it at once instead of waiting for the timeout", async () => {
  using cp = chargePoint();
  const call = cp.session.call("Heartbeat", {}, { timeoutMs: 60_000 });
  cp.session.receive(`[3,"${cp.last()[1]}",[]]`);
  const err = await ocppError(call, "FormatViolation");
  assert.match(err.description, /Heartbeat/);
  assert.equal(cp.sent.length, 1, "a broken answer is never answered");
});

Deno.test("rpc: a handler returning an invalid response answers InternalError and logs why", async () => {
  using pair = wiredPair();
  pair.csms.handle("Heartbeat", () => ({ currentTime: "not a time" }));
  await ocppError(pair.cp.call("Heartbeat", {}), "InternalError");
  assert.ok(
    pair.csmsObs.logs.some((l) => /Heartbeat.*invalid response/.test(l)),
    pair.csmsObs.logs.join("\n"),
  );
});

Deno.test("rpc: unreadable frames get the right CALLERROR and the connection lives on", async () => {
  using csms = csmsAlone();
  csms.session.handle("Heartbeat", () => ({ currentTime: NOW }));
  csms.session.receive("this is not json");
  assert.deepEqual(csms.last().slice(0, 3), [4, "-1", "FormationViolation"]);
  csms.session.receive(`[2,"${"x".repeat(37)}","Heartbeat",{}]`);
  assert.deepEqual(csms.last().slice(0, 3), [4, "-1", "FormationViolation"]);
  csms.session.receive('[2,"p1","Heartbeat"]');
  assert.deepEqual(csms.last().slice(0, 3), [4, "p1", "ProtocolError"]);
  csms.session.receive('[2,"p2","Heartbeat",[]]');
  assert.deepEqual(csms.last().slice(0, 3), [4, "p2", "FormationViolation"]);
  csms.session.receive('[7,"p3","Heartbeat",{}]');
  assert.deepEqual(csms.last().slice(0, 3), [4, "p3", "FormationViolation"]);
  assert.equal(csms.sent.length, 5);
  // Broken answers are never answered (that could loop between two peers).
  csms.session.receive('[3,"p4"]');
  csms.session.receive('[4,"p5",1,2,3]');
  assert.equal(csms.sent.length, 5);
  assert.equal(csms.obs.bad.length, 7);
  assert.deepEqual(csms.obs.bad.map((b) => b.error.code), [
    "RpcFrameworkError",
    "RpcFrameworkError",
    "ProtocolError",
    "FormatViolation",
    "MessageTypeNotSupported",
    "ProtocolError",
    "FormatViolation",
  ]);
  // Still serving.
  csms.session.receive('[2,"ok1","Heartbeat",{}]');
  await until(() => csms.sent.length === 6, "the answer");
  assert.deepEqual(csms.last(), [3, "ok1", { currentTime: NOW }]);
});

Deno.test("rpc: on 2.0.1 the same faults get the 2.0.1 codes", () => {
  using s = loneSession<ActionMap, ActionMap>({ version: "ocpp2.0.1" });
  s.session.receive("{");
  assert.deepEqual(s.last().slice(0, 3), [4, "-1", "RpcFrameworkError"]);
  s.session.receive('[9,"m1"]');
  assert.deepEqual(s.last().slice(0, 3), [4, "m1", "MessageTypeNotSupported"]);
  s.session.receive('[2,"m2","Heartbeat",[]]');
  assert.deepEqual(s.last().slice(0, 3), [4, "m2", "FormatViolation"]);
  s.session.receive('[2,"m3","BootNotification",{"reason":"PowerUp"}]');
  assert.deepEqual(s.last().slice(0, 3), [4, "m3", "NotSupported"]);
});

Deno.test("rpc: a frame over maxFrameBytes is not answered and is reported as too large", () => {
  using csms = csmsAlone({ maxFrameBytes: 64 });
  csms.session.handle("DataTransfer", () => ({ status: "Accepted" }));
  csms.session.receive(JSON.stringify([2, "big", "DataTransfer", { vendorId: "v", data: "€".repeat(30) }]));
  assert.equal(csms.sent.length, 0);
  assert.equal(csms.obs.bad.length, 1);
  assert.equal(csms.obs.bad[0].error.tooLarge, true);
  assert.deepEqual(csms.obs.frames.map((f) => [f.direction, f.messageType, f.messageId]), [["in", 0, "-1"]]);
});

Deno.test("rpc: close() rejects the outstanding and queued calls with RpcClosedError", async () => {
  using cp = chargePoint();
  const calls = [
    cp.session.call("Heartbeat", {}),
    cp.session.call("Authorize", { idTag: "A" }),
    cp.session.call("Authorize", { idTag: "B" }),
  ];
  assert.equal(cp.sent.length, 1);
  cp.session.close("socket gone");
  assert.equal(cp.session.closed, true);
  assert.equal(cp.session.queued, 0);
  for (const [i, call] of calls.entries()) {
    const err = await rejection(call);
    assert.ok(err instanceof RpcClosedError, String(err));
    assert.equal(err.action, i === 0 ? "Heartbeat" : "Authorize");
    assert.match(err.message, /socket gone/);
  }
  assert.equal(cp.sent.length, 1, "queued calls were never sent");
  // After close: calls fail at once, incoming text is ignored, close again is harmless.
  const after = await rejection(cp.session.call("Heartbeat", {}));
  assert.ok(after instanceof RpcClosedError);
  assert.match(after.message, /socket gone/);
  cp.session.receive('[2,"late","Reset",{"type":"Soft"}]');
  cp.session.receive("garbage");
  assert.equal(cp.sent.length, 1);
  cp.session.close();
});

Deno.test("rpc: an answer from a handler that finishes after close() is not sent", async () => {
  using csms = csmsAlone();
  const gate = Promise.withResolvers<void>();
  let finished = false;
  csms.session.handle("Heartbeat", async () => {
    await gate.promise;
    finished = true;
    return { currentTime: NOW };
  });
  csms.session.receive('[2,"h1","Heartbeat",{}]');
  csms.session.close();
  gate.resolve();
  await until(() => finished, "the handler");
  await settleDown();
  assert.equal(csms.sent.length, 0);
});

Deno.test("rpc: an abort signal cancels an outstanding call and lets the next one go", async () => {
  using cp = chargePoint();
  const ac = new AbortController();
  const first = cp.session.call("Heartbeat", {}, { signal: ac.signal });
  const [, firstId] = cp.last();
  const second = cp.session.call("Authorize", { idTag: "TAG-1" });
  const reason = new Error("operator cancelled");
  ac.abort(reason);
  assert.equal(await rejection(first), reason);
  assert.equal(cp.sent.length, 2);
  const [, secondId, action] = cp.last();
  assert.equal(action, "Authorize");
  // The aborted call's answer, when it comes, is dropped.
  cp.session.receive(
    serializeFrame({ type: CALLRESULT, id: firstId as string, payload: { currentTime: NOW } }),
  );
  assert.ok(cp.obs.logs.some((l) => l.includes(firstId as string)));
  cp.session.receive(
    serializeFrame({
      type: CALLRESULT,
      id: secondId as string,
      payload: { idTagInfo: { status: "Accepted" } },
    }),
  );
  assert.deepEqual(await second, { idTagInfo: { status: "Accepted" } });
});

Deno.test("rpc: an abort signal removes a queued call before it is ever sent", async () => {
  using cp = chargePoint();
  const first = cp.session.call("Heartbeat", {});
  const ac = new AbortController();
  const queued = cp.session.call("Authorize", { idTag: "NEVER" }, { signal: ac.signal });
  const third = cp.session.call("Authorize", { idTag: "TAG-3" });
  assert.equal(cp.session.queued, 2);
  ac.abort();
  const err = await rejection(queued);
  assert.ok(err instanceof DOMException && err.name === "AbortError", String(err));
  assert.equal(cp.session.queued, 1);
  cp.session.receive(
    serializeFrame({ type: CALLRESULT, id: cp.last()[1] as string, payload: { currentTime: NOW } }),
  );
  await first;
  cp.session.receive(
    serializeFrame({
      type: CALLRESULT,
      id: cp.last()[1] as string,
      payload: { idTagInfo: { status: "Accepted" } },
    }),
  );
  await third;
  assert.deepEqual(cp.frames().map((f) => f[3]), [{}, { idTag: "TAG-3" }]);
});

Deno.test("rpc: an already aborted signal rejects at once and sends nothing", async () => {
  using cp = chargePoint();
  const err = await rejection(cp.session.call("Heartbeat", {}, { signal: AbortSignal.abort("nope") }));
  assert.equal(err, "nope");
  assert.equal(cp.sent.length, 0);
});

Deno.test("rpc: onFrame records every frame both ways, with the action filled in for answers", async () => {
  using pair = wiredPair();
  pair.csms.handle("BootNotification", () => ({ status: "Accepted", currentTime: NOW, interval: 60 }));
  await pair.cp.call("BootNotification", { chargePointVendor: "V", chargePointModel: "M" });
  await ocppError(pair.cp.call("Authorize", { idTag: "T" }), "NotSupported");
  const shape = (f: FrameRecord) => [f.direction, f.messageType, f.action];
  assert.deepEqual(pair.cpObs.frames.map(shape), [
    ["out", 2, "BootNotification"],
    ["in", 3, "BootNotification"],
    ["out", 2, "Authorize"],
    ["in", 4, "Authorize"],
  ]);
  assert.deepEqual(pair.csmsObs.frames.map(shape), [
    ["in", 2, "BootNotification"],
    ["out", 3, "BootNotification"],
    ["in", 2, "Authorize"],
    ["out", 4, "Authorize"],
  ]);
  // Both ends saw the same texts and ids, in the same order.
  assert.deepEqual(
    pair.cpObs.frames.map((f) => [f.text, f.messageId]),
    pair.csmsObs.frames.map((f) => [f.text, f.messageId]),
  );
  for (const f of pair.cpObs.frames) assert.equal(JSON.parse(f.text)[1], f.messageId);
});

Deno.test("rpc: a failing observer or transport never breaks the session nor escapes as a rejection", async () => {
  const logs: string[] = [];
  let sendFails = false;
  const sent: string[] = [];
  const csms: Csms = new RpcSession({
    version: "ocpp1.6",
    send: (text) => {
      if (sendFails) throw new Error("socket closed");
      sent.push(text);
    },
    onFrame: () => {
      throw new Error("observer broke");
    },
    onBadFrame: () => {
      throw new Error("bad-frame observer broke");
    },
    log: (l) => logs.push(l),
  });
  try {
    csms.handle("Heartbeat", () => ({ currentTime: NOW }));
    // The observer throws on every frame, yet the frames still flow.
    csms.receive('[2,"o1","Heartbeat",{}]');
    csms.receive("not json");
    await until(() => sent.length === 2, "both answers");
    assert.deepEqual(JSON.parse(sent[0]), [4, "-1", "FormationViolation", JSON.parse(sent[0])[3], {}]);
    assert.deepEqual(JSON.parse(sent[1]), [3, "o1", { currentTime: NOW }]);
    const call = csms.call("Reset", { type: "Soft" });
    assert.equal(sent.length, 3);
    csms.receive(`[3,"${JSON.parse(sent[2])[1]}",{"status":"Accepted"}]`);
    assert.deepEqual(await call, { status: "Accepted" });
    assert.ok(logs.some((l) => l.includes("observer broke")));

    // A send that throws: the CALL rejects with that error, the answer to a CALL is logged and dropped.
    sendFails = true;
    const failed = await rejection(csms.call("Reset", { type: "Hard" }));
    assert.match(String(failed), /socket closed/);
    csms.receive('[2,"o2","Heartbeat",{}]');
    await until(() => logs.some((l) => l.includes("could not send CALLRESULT o2")), "the log line");
    csms.receive('[2,"o3","Nope",{}]');
    assert.ok(logs.some((l) => l.includes("could not send CALLERROR o3")));
  } finally {
    csms.close();
  }
});

Deno.test("rpc: each CALL gets a fresh id", async () => {
  using cp = chargePoint();
  const ids = new Set<string>();
  for (let i = 0; i < 50; i++) {
    const call = cp.session.call("Heartbeat", {});
    const [, id] = cp.last();
    ids.add(id as string);
    cp.session.receive(serializeFrame({ type: CALLRESULT, id: id as string, payload: { currentTime: NOW } }));
    await call;
  }
  assert.equal(ids.size, 50);
});

Deno.test("rpc: a handler result that cannot be serialized answers InternalError (validation off)", async () => {
  using csms = csmsAlone({ validate: false });
  csms.session.handle("Heartbeat", () => ({ currentTime: 1n }) as unknown as { currentTime: string });
  csms.session.receive('[2,"b1","Heartbeat",{}]');
  await until(() => csms.sent.length === 1, "the answer");
  assert.deepEqual(csms.last().slice(0, 3), [4, "b1", "InternalError"]);
  assert.ok(csms.obs.logs.some((l) => /Heartbeat.*unserializable/.test(l)), csms.obs.logs.join("\n"));
});

Deno.test("rpc: a handler that fails after close() sends nothing", async () => {
  using csms = csmsAlone();
  const gate = Promise.withResolvers<void>();
  let failed = false;
  csms.session.handle("Heartbeat", async () => {
    await gate.promise;
    failed = true;
    throw new OcppError("GenericError", "too late");
  });
  csms.session.receive('[2,"h2","Heartbeat",{}]');
  csms.session.close();
  gate.resolve();
  await until(() => failed, "the handler");
  await settleDown();
  assert.equal(csms.sent.length, 0);
});

Deno.test("rpc: a handler's afterAnswer runs once its CALLRESULT is written, and not after a CALLERROR", async () => {
  using csms = csmsAlone();
  const seenAt: number[] = [];
  csms.session.handle("Heartbeat", (_p, ctx) => {
    ctx.afterAnswer(() => seenAt.push(csms.sent.length));
    return { currentTime: NOW };
  });
  csms.session.handle("Authorize", (_p, ctx) => {
    ctx.afterAnswer(() => seenAt.push(-1));
    throw new OcppError("NotSupported", "no");
  });
  csms.session.receive('[2,"h1","Heartbeat",{}]');
  for (let i = 0; i < 100 && csms.sent.length < 1; i++) await Promise.resolve();
  // It ran with the answer already sent (one frame out).
  assert.deepEqual(csms.last().slice(0, 2), [3, "h1"]);
  assert.deepEqual(seenAt, [1]);
  csms.session.receive('[2,"a1","Authorize",{"idTag":"TAG-1"}]');
  for (let i = 0; i < 100 && csms.sent.length < 2; i++) await Promise.resolve();
  assert.deepEqual(csms.last().slice(0, 2), [4, "a1"]);
  assert.deepEqual(seenAt, [1]);
});
