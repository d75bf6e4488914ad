import assert from "node:assert/strict";
import fc from "fast-check";
import { ERROR_CODES, type ErrorCode } from "./errors.ts";
import {
  CALL,
  CALLERROR,
  CALLRESULT,
  type Frame,
  type FrameError,
  MAX_MESSAGE_ID_LENGTH,
  newMessageId,
  parseFrame,
  type ParseOptions,
  serializeFrame,
  UNKNOWN_MESSAGE_ID,
} from "./frames.ts";

function parseError(text: string, options?: ParseOptions): FrameError {
  const r = parseFrame(text, options);
  assert.equal(r.ok, false, `expected ${JSON.stringify(text.slice(0, 80))} to be refused`);
  return (r as { ok: false; error: FrameError }).error;
}

function expectError(
  text: string,
  code: ErrorCode,
  messageId: string,
  answerable: boolean,
  options?: ParseOptions,
): FrameError {
  const e = parseError(text, options);
  assert.equal(e.code, code, `code for ${text.slice(0, 80)}: ${e.description}`);
  assert.equal(e.messageId, messageId, `messageId for ${text.slice(0, 80)}`);
  assert.equal(e.answerable, answerable, `answerable for ${text.slice(0, 80)}`);
  assert.ok(e.description.length > 0);
  return e;
}

Deno.test("frames: each frame type survives serialize then parse", () => {
  const frames: Frame[] = [
    { type: CALL, id: "19223201", action: "BootNotification", payload: { chargePointVendor: "V" } },
    { type: CALL, id: "a", action: "Heartbeat", payload: {} },
    { type: CALLRESULT, id: "19223201", payload: { status: "Accepted", interval: 300 } },
    { type: CALLRESULT, id: "x".repeat(MAX_MESSAGE_ID_LENGTH), payload: {} },
    { type: CALLERROR, id: "162376037", code: "NotSupported", description: "no", details: {} },
    { type: CALLERROR, id: "7", code: "GenericError", description: "", details: { why: ["a", 1] } },
  ];
  for (const frame of frames) {
    const text = serializeFrame(frame);
    assert.deepEqual(parseFrame(text), { ok: true, frame });
  }
});

Deno.test("frames: serializeFrame writes the OCPP-J array layout", () => {
  assert.equal(
    serializeFrame({ type: CALL, id: "1", action: "Heartbeat", payload: {} }),
    '[2,"1","Heartbeat",{}]',
  );
  assert.equal(serializeFrame({ type: CALLRESULT, id: "1", payload: { a: 1 } }), '[3,"1",{"a":1}]');
  assert.equal(
    serializeFrame({ type: CALLERROR, id: "1", code: "InternalError", description: "d", details: {} }),
    '[4,"1","InternalError","d",{}]',
  );
});

Deno.test("frames: a CALLERROR without its details element is read with empty details", () => {
  assert.deepEqual(parseFrame('[4,"9","GenericError","oops"]'), {
    ok: true,
    frame: { type: CALLERROR, id: "9", code: "GenericError", description: "oops", details: {} },
  });
});

Deno.test("frames: text that is not JSON is RpcFrameworkError with id -1", () => {
  for (
    const text of ["", "   ", "[2,", "not json", '[2,"1","Heartbeat",{}', "{'a':1}", "\uFEFF[]", "[2,'1']"]
  ) {
    expectError(text, "RpcFrameworkError", UNKNOWN_MESSAGE_ID, true);
  }
});

Deno.test("frames: JSON that is not an array (or an empty one) is RpcFrameworkError with id -1", () => {
  for (
    const text of ["{}", '{"0":2,"1":"a"}', "null", "2", '"[2,\\"1\\",\\"Heartbeat\\",{}]"', "true", "[]"]
  ) {
    expectError(text, "RpcFrameworkError", UNKNOWN_MESSAGE_ID, true);
  }
});

Deno.test("frames: an unknown message type id is MessageTypeNotSupported, answered with the frame's id", () => {
  expectError('[5,"abc","Heartbeat",{}]', "MessageTypeNotSupported", "abc", true);
  expectError('[1,"abc",{}]', "MessageTypeNotSupported", "abc", true);
  expectError('[0,"abc"]', "MessageTypeNotSupported", "abc", true);
  expectError('["2","abc","Heartbeat",{}]', "MessageTypeNotSupported", "abc", true);
  expectError('[2.5,"abc","Heartbeat",{}]', "MessageTypeNotSupported", "abc", true);
  expectError('[null,"abc","Heartbeat",{}]', "MessageTypeNotSupported", "abc", true);
  // Unreadable id as well: the answer goes to "-1".
  expectError('[9,42,"Heartbeat",{}]', "MessageTypeNotSupported", UNKNOWN_MESSAGE_ID, true);
  expectError(`[9,"${"x".repeat(37)}"]`, "MessageTypeNotSupported", UNKNOWN_MESSAGE_ID, true);
});

Deno.test("frames: a huge unknown type value is not echoed back whole in the description", () => {
  const big = "y".repeat(100_000);
  const e = expectError(`["${big}","abc",{}]`, "MessageTypeNotSupported", "abc", true);
  assert.ok(e.description.length < 200, `description is ${e.description.length} characters`);
});

Deno.test("frames: a message id that is not a string is RpcFrameworkError with id -1", () => {
  for (const id of ["19223201", "null", "true", '["a"]', '{"id":"a"}', "1.5"]) {
    expectError(`[2,${id},"Heartbeat",{}]`, "RpcFrameworkError", UNKNOWN_MESSAGE_ID, true);
  }
  expectError("[2]", "RpcFrameworkError", UNKNOWN_MESSAGE_ID, true);
});

Deno.test("frames: a message id longer than 36 characters or empty is RpcFrameworkError with id -1", () => {
  const e = expectError(`[2,"${"a".repeat(37)}","Heartbeat",{}]`, "RpcFrameworkError", "-1", true);
  assert.match(e.description, /36/);
  expectError('[2,"","Heartbeat",{}]', "RpcFrameworkError", "-1", true);
  // Exactly 36 is allowed.
  const ok = parseFrame(`[2,"${"a".repeat(36)}","Heartbeat",{}]`);
  assert.equal(ok.ok, true);
});

Deno.test("frames: a broken answer (CALLRESULT/CALLERROR) is never answerable", () => {
  expectError(`[3,"${"a".repeat(37)}",{}]`, "RpcFrameworkError", "-1", false);
  expectError('[4,7,"GenericError","",{}]', "RpcFrameworkError", "-1", false);
  expectError('[3,"r1",[]]', "FormatViolation", "r1", false);
});

Deno.test("frames: missing elements are ProtocolError with the frame's id", () => {
  expectError('[2,"c1","Heartbeat"]', "ProtocolError", "c1", true);
  expectError('[2,"c1"]', "ProtocolError", "c1", true);
  expectError('[3,"r1"]', "ProtocolError", "r1", false);
  expectError('[4,"e1","GenericError"]', "ProtocolError", "e1", false);
  expectError('[4,"e1"]', "ProtocolError", "e1", false);
});

Deno.test("frames: extra elements are ProtocolError with the frame's id", () => {
  expectError('[2,"c1","Heartbeat",{},{}]', "ProtocolError", "c1", true);
  expectError('[3,"r1",{},1]', "ProtocolError", "r1", false);
  expectError('[4,"e1","GenericError","",{},null]', "ProtocolError", "e1", false);
});

Deno.test("frames: a CALL action that is not a non-empty string is ProtocolError", () => {
  expectError('[2,"c1",7,{}]', "ProtocolError", "c1", true);
  expectError('[2,"c1","",{}]', "ProtocolError", "c1", true);
  expectError('[2,"c1",null,{}]', "ProtocolError", "c1", true);
});

Deno.test("frames: a payload that is not an object is FormatViolation with the frame's id", () => {
  for (const payload of ["[]", "null", '"x"', "1", "true", "[{}]"]) {
    expectError(`[2,"c1","Heartbeat",${payload}]`, "FormatViolation", "c1", true);
    expectError(`[3,"r1",${payload}]`, "FormatViolation", "r1", false);
  }
  expectError('[4,"e1",5,"d",{}]', "FormatViolation", "e1", false);
  expectError('[4,"e1","GenericError",5,{}]', "FormatViolation", "e1", false);
  expectError('[4,"e1","GenericError","d",[]]', "FormatViolation", "e1", false);
  expectError('[4,"e1","GenericError","d",null]', "FormatViolation", "e1", false);
});

Deno.test("frames: a frame over the size limit is refused unread, flagged tooLarge", () => {
  const text = serializeFrame({
    type: CALL,
    id: "big",
    action: "DataTransfer",
    payload: { data: "x".repeat(200) },
  });
  const e = expectError(text, "FormatViolation", UNKNOWN_MESSAGE_ID, false, { maxBytes: 100 });
  assert.equal(e.tooLarge, true);
  assert.equal(parseFrame(text, { maxBytes: text.length }).ok, true);
  assert.equal(parseError(text, { maxBytes: text.length - 1 }).tooLarge, true);
  // Without a limit, any size goes.
  assert.equal(parseFrame(text).ok, true);
});

Deno.test("frames: the size limit counts UTF-8 bytes, multibyte characters at the boundary included", () => {
  const frameWith = (data: string) =>
    serializeFrame({ type: CALL, id: "m", action: "DataTransfer", payload: { vendorId: "v", data } });
  const byteLength = (s: string) => new TextEncoder().encode(s).byteLength;
  for (const char of ["é", "€", "😀"]) {
    // Enough characters that the UTF-16 length alone would be under the limit.
    const text = frameWith(char.repeat(40));
    const bytes = byteLength(text);
    assert.ok(text.length < bytes);
    assert.equal(parseFrame(text, { maxBytes: bytes }).ok, true, `${char}: exactly at the limit`);
    assert.equal(parseError(text, { maxBytes: bytes - 1 }).tooLarge, true, `${char}: one byte over`);
    // The limit falls in the middle of the last character's bytes.
    assert.equal(parseError(text, { maxBytes: text.length }).tooLarge, true, `${char}: UTF-16 length`);
  }
  // A lone surrogate encodes as U+FFFD, three bytes.
  const lone = frameWith("\uD800");
  assert.equal(parseFrame(lone, { maxBytes: byteLength(lone) }).ok, true);
  assert.equal(parseFrame(lone, { maxBytes: byteLength(lone) - 1 }).ok, false);
});

Deno.test("frames: newMessageId gives distinct ids that fit OCPP-J", () => {
  const ids = new Set(Array.from({ length: 1000 }, newMessageId));
  assert.equal(ids.size, 1000);
  for (const id of ids) {
    assert.ok(id.length > 0 && id.length <= MAX_MESSAGE_ID_LENGTH);
    const r = parseFrame(serializeFrame({ type: CALL, id, action: "Heartbeat", payload: {} }));
    assert.equal(r.ok, true);
  }
});

/** Whatever parseFrame returns for untrusted text, it is well formed. */
function checkResult(text: string, options?: ParseOptions): void {
  const r = parseFrame(text, options);
  if (r.ok) {
    assert.ok([CALL, CALLRESULT, CALLERROR].includes(r.frame.type));
    assert.equal(typeof r.frame.id, "string");
    assert.ok(r.frame.id.length >= 1 && r.frame.id.length <= MAX_MESSAGE_ID_LENGTH);
    return;
  }
  assert.ok(ERROR_CODES.includes(r.error.code), r.error.code);
  assert.equal(typeof r.error.messageId, "string");
  assert.ok(r.error.messageId.length >= 1 && r.error.messageId.length <= MAX_MESSAGE_ID_LENGTH);
  assert.equal(typeof r.error.answerable, "boolean");
}

Deno.test("frames (property): parsing arbitrary strings never throws", () => {
  fc.assert(
    fc.property(fc.string({ unit: "binary", maxLength: 200 }), fc.option(fc.nat(300)), (text, max) => {
      checkResult(text, max === null ? undefined : { maxBytes: max });
    }),
    { numRuns: 2000 },
  );
});

Deno.test("frames (property): parsing arbitrary JSON never throws", () => {
  fc.assert(
    fc.property(fc.jsonValue(), (value) => checkResult(JSON.stringify(value))),
    { numRuns: 1000 },
  );
});

Deno.test("frames (property): parsing frame-shaped arrays of arbitrary elements never throws", () => {
  const element = fc.oneof(
    fc.constantFrom(2, 3, 4, 0, 5, "2", -1),
    fc.string({ maxLength: 40 }),
    fc.jsonValue({ maxDepth: 2 }),
  );
  fc.assert(
    fc.property(fc.array(element, { maxLength: 7 }), (elements) => checkResult(JSON.stringify(elements))),
    { numRuns: 2000 },
  );
});

const messageId = fc.string({ unit: "binary", minLength: 1, maxLength: MAX_MESSAGE_ID_LENGTH })
  .filter((s) => s.length <= MAX_MESSAGE_ID_LENGTH);
/** JSON has no -0 (it is written as 0), so a frame that holds one cannot be sent as it is. */
function withoutNegativeZero(v: unknown): unknown {
  if (Object.is(v, -0)) return 0;
  if (Array.isArray(v)) return v.map(withoutNegativeZero);
  if (typeof v === "object" && v !== null) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, withoutNegativeZero(x)]));
  }
  return v;
}
const jsonObject = fc.dictionary(fc.string({ unit: "binary" }), fc.jsonValue({ maxDepth: 3 }), {
  noNullPrototype: true,
}).map((o) => withoutNegativeZero(o) as Record<string, unknown>);
const frameArb: fc.Arbitrary<Frame> = fc.oneof(
  fc.record({
    type: fc.constant(CALL),
    id: messageId,
    action: fc.string({ unit: "binary", minLength: 1 }),
    payload: jsonObject,
  }, { noNullPrototype: true }),
  fc.record({ type: fc.constant(CALLRESULT), id: messageId, payload: jsonObject }, { noNullPrototype: true }),
  fc.record({
    type: fc.constant(CALLERROR),
    id: messageId,
    code: fc.string(),
    description: fc.string({ unit: "binary" }),
    details: jsonObject,
  }, { noNullPrototype: true }),
);

Deno.test("frames (property): parse(serialize(frame)) is the frame", () => {
  fc.assert(
    fc.property(frameArb, (frame) => {
      assert.deepEqual(parseFrame(serializeFrame(frame)), { ok: true, frame });
    }),
    { numRuns: 1000 },
  );
});
