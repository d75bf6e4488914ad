/**
 * Nothing a charger sends may crash or stall the CSMS: every class of malformed
 * frame gets the right CALLERROR and the connection lives on; an oversized frame
 * closes with 1009; a flood of bad frames disconnects only the sender.
 */
import assert from "node:assert/strict";
import { eventsOf, startTestCsms, TestCharger, waitFor } from "./csms_support.ts";

const LONG_ID = "x".repeat(37);

/** [frame sent, expected CALLERROR message id, expected 1.6 error code] */
const ANSWERED: Array<[string, string, string]> = [
  ["hello", "-1", "FormationViolation"], // not JSON
  ['{"a":1}', "-1", "FormationViolation"], // not an array
  ["[]", "-1", "FormationViolation"], // empty array
  ['[2,"id1"', "-1", "FormationViolation"], // truncated JSON
  ['[9,"id2","Heartbeat",{}]', "id2", "FormationViolation"], // unknown message type
  ['[2,123,"Heartbeat",{}]', "-1", "FormationViolation"], // id not a string
  [`[2,"${LONG_ID}","Heartbeat",{}]`, "-1", "FormationViolation"], // id longer than 36
  ['[2,"","Heartbeat",{}]', "-1", "FormationViolation"], // empty id
  ['[2,"id3","Heartbeat"]', "id3", "ProtocolError"], // missing element
  ['[2,"id4","Heartbeat",{},{}]', "id4", "ProtocolError"], // extra element
  ['[2,"id5",7,{}]', "id5", "ProtocolError"], // action not a string
  ['[2,"id6","Heartbeat",[]]', "id6", "FormationViolation"], // payload not an object
  ['[2,"id7","Frobnicate",{}]', "id7", "NotImplemented"], // unknown action
  ['[2,"id8","Reset",{"type":"Hard"}]', "id8", "NotSupported"], // an action chargers do not send
  ['[2,"id9","BootNotification",{"chargePointVendor":"v"}]', "id9", "OccurenceConstraintViolation"],
  [
    '[2,"id10","StatusNotification",{"connectorId":"1","status":"Available","errorCode":"NoError"}]',
    "id10",
    "TypeConstraintViolation",
  ],
  [
    '[2,"id11","StatusNotification",{"connectorId":1,"status":"Flying","errorCode":"NoError"}]',
    "id11",
    "PropertyConstraintViolation",
  ],
  [`[2,"id12","Authorize",{"idTag":"${"T".repeat(21)}"}]`, "id12", "PropertyConstraintViolation"],
  ['[2,"id13","Heartbeat",{"extra":1}]', "id13", "FormationViolation"], // property the schema forbids
  // 20,000 levels of nesting: parsed and refused without exhausting the stack.
  [`[2,"id14","Heartbeat",{"x":${"[".repeat(20_000)}${"]".repeat(20_000)}}]`, "id14", "FormationViolation"],
  [`${"[".repeat(30_000)}${"]".repeat(30_000)}`, "-1", "FormationViolation"],
];

Deno.test("csms limits: each class of malformed frame gets the right CALLERROR and the connection lives on", async () => {
  const t = await startTestCsms({ BAD_FRAMES_PER_MINUTE: "1000" });
  const cp = await TestCharger.connect(t.csms.url, "CP-BAD-1");
  try {
    await cp.boot();
    for (const [frame, id, code] of ANSWERED) {
      const reply = await cp.sendRaw(frame) as unknown[];
      assert.equal(reply.length, 5, frame);
      assert.deepEqual([reply[0], reply[1], reply[2]], [4, id, code], frame);
      assert.equal(typeof reply[3], "string");
      assert.ok((reply[3] as string).length < 200, "the description does not echo the frame");
      assert.deepEqual(reply[4], {});
    }
    // A binary frame is not OCPP-J either.
    const binary = await cp.sendRaw(new Uint8Array([1, 2, 3]).buffer) as unknown[];
    assert.deepEqual(binary.slice(0, 3), [4, "-1", "FormationViolation"]);

    // Broken or unknown answers are never answered (that could loop between peers): the next frame
    // the charger gets is the answer to its Heartbeat.
    for (const frame of ['[3,"nope",{}]', '[3,"zz"]', '[4,"zz","GenericError",7,{}]', '[3,"x",[]]']) {
      cp.ws.send(frame);
    }
    const before = cp.received.length;
    const hb = await cp.session.call("Heartbeat", {});
    assert.ok(hb.currentTime);
    assert.equal(JSON.parse(cp.received[before])[0], 3);

    assert.ok(cp.isOpen);
    assert.equal((await t.csms.storage.reads.getCharger(cp.id))?.online, true);
    // The unreadable frames were logged as such.
    const unreadable = eventsOf(t.events, "ocpp.frame", cp.id).filter((f) => f.messageType === 0);
    assert.ok(unreadable.length >= 9);
  } finally {
    await cp.close();
    await t.close();
  }
});

Deno.test("csms limits: a frame over MAX_FRAME_BYTES closes with 1009; one under it is answered", async () => {
  const t = await startTestCsms();
  const cp = await TestCharger.connect(t.csms.url, "CP-BIG");
  try {
    const fits = await cp.session.call("DataTransfer", { vendorId: "v", data: "x".repeat(60_000) });
    assert.equal(fits.status, "UnknownVendorId");
    cp.ws.send(JSON.stringify([2, "big", "DataTransfer", { vendorId: "v", data: "x".repeat(65_536) }]));
    const closed = await cp.closed();
    assert.equal(closed.code, 1009);
    const gone = await waitFor(() => eventsOf(t.events, "charger.disconnected", cp.id)[0], "disconnect");
    assert.equal(gone.reason, "kicked");
    assert.equal(gone.code, 1009);
  } finally {
    await cp.close();
    await t.close();
  }
});

Deno.test("csms limits: a bad-frame flood disconnects the sender while another charger is unaffected", async () => {
  const t = await startTestCsms({ BAD_FRAMES_PER_MINUTE: "5" });
  const bad = await TestCharger.connect(t.csms.url, "CP-FLOOD");
  const good = await TestCharger.connect(t.csms.url, "CP-CALM");
  try {
    await bad.boot();
    await good.boot();
    for (let i = 0; i < 5; i++) {
      await bad.sendRaw("garbage");
      // The other charger is served between every bad frame.
      assert.ok((await good.session.call("Heartbeat", {})).currentTime);
    }
    assert.ok(bad.isOpen, "five bad frames a minute are tolerated");
    bad.ws.send("one too many");
    const closed = await bad.closed();
    assert.equal(closed.code, 1008);
    assert.match(closed.reason, /bad frames/);

    // Unaffected: still connected, still answered, still online.
    assert.ok(good.isOpen);
    assert.ok((await good.session.call("Heartbeat", {})).currentTime);
    await waitFor(
      async () => (await t.csms.storage.reads.getCharger("CP-FLOOD"))?.online === false,
      "flood offline",
    );
    assert.equal((await t.csms.storage.reads.getCharger("CP-CALM"))?.online, true);
    const gone = eventsOf(t.events, "charger.disconnected");
    assert.deepEqual(gone.map((e) => [e.chargerId, e.reason]), [["CP-FLOOD", "kicked"]]);
  } finally {
    await bad.close();
    await good.close();
    await t.close();
  }
});

Deno.test("csms limits: a bad CALL whose message id reads InternalError still counts as a bad frame", async () => {
  const t = await startTestCsms({ BAD_FRAMES_PER_MINUTE: "2" });
  const bad = await TestCharger.connect(t.csms.url, "CP-SLY");
  try {
    await bad.boot();
    // Each is answered [4,"InternalError","FormationViolation",...]: the id must not hide the error code.
    for (let i = 0; i < 3; i++) bad.ws.send('[2,"InternalError","Heartbeat",[]]');
    await waitFor(() => !bad.isOpen, "the sly charger disconnected");
    const closed = await bad.closed();
    assert.equal(closed.code, 1008);
    assert.match(closed.reason, /bad frames/);
  } finally {
    await bad.close();
    await t.close();
  }
});
