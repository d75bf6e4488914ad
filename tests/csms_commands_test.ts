/**
 * Every operator command through the bus to a test charger and back, and each
 * way a command can fail: offline, timeout, CALLERROR, invalid request.
 */
import assert from "node:assert/strict";
import { OcppError } from "../shared/ocpp/errors.ts";
import { eventsOf, startTestCsms, TestCharger, waitFor } from "./csms_support.ts";

Deno.test("csms commands: each operator command round-trips to the charger", async () => {
  const t = await startTestCsms();
  const cp = await TestCharger.connect(t.csms.url, "CP-CMD-1");
  const seen: Array<[string, unknown]> = [];
  const s = cp.session;
  s.handle("RemoteStartTransaction", (p) => {
    seen.push(["RemoteStartTransaction", p]);
    return { status: "Accepted" };
  })
    .handle("RemoteStopTransaction", (p) => {
      seen.push(["RemoteStopTransaction", p]);
      return { status: "Rejected" };
    })
    .handle("Reset", (p) => {
      seen.push(["Reset", p]);
      return { status: "Accepted" };
    })
    .handle("ChangeAvailability", (p) => {
      seen.push(["ChangeAvailability", p]);
      return { status: "Scheduled" };
    })
    .handle("ChangeConfiguration", (p) => {
      seen.push(["ChangeConfiguration", p]);
      return { status: "RebootRequired" };
    })
    .handle("GetConfiguration", (p) => {
      seen.push(["GetConfiguration", p]);
      return {
        configurationKey: [{ key: "HeartbeatInterval", readonly: false, value: "60" }],
        unknownKey: ["Nope"],
      };
    })
    .handle("ClearCache", (p) => {
      seen.push(["ClearCache", p]);
      return { status: "Accepted" };
    })
    .handle("UnlockConnector", (p) => {
      seen.push(["UnlockConnector", p]);
      return { status: "Unlocked" };
    })
    .handle("DataTransfer", (p) => {
      seen.push(["DataTransfer", p]);
      return { status: "Accepted", data: "pong" };
    })
    .handle("TriggerMessage", (p) => {
      seen.push(["TriggerMessage", p]);
      // What a real charger does: accept, then send the message asked for.
      setTimeout(() => {
        s.call("StatusNotification", { connectorId: 1, status: "Available", errorCode: "NoError" }).catch(
          () => {},
        );
      }, 0);
      return { status: "Accepted" };
    });
  try {
    await cp.boot();
    const cases = [
      ["RemoteStartTransaction", { connectorId: 1, idTag: "TAG-R" }, { status: "Accepted" }],
      ["RemoteStopTransaction", { transactionId: 42 }, { status: "Rejected" }],
      ["Reset", { type: "Soft" }, { status: "Accepted" }],
      ["ChangeAvailability", { connectorId: 1, type: "Inoperative" }, { status: "Scheduled" }],
      ["ChangeConfiguration", { key: "MeterValueSampleInterval", value: "10" }, { status: "RebootRequired" }],
      ["GetConfiguration", { key: ["HeartbeatInterval", "Nope"] }, {
        configurationKey: [{ key: "HeartbeatInterval", readonly: false, value: "60" }],
        unknownKey: ["Nope"],
      }],
      ["ClearCache", {}, { status: "Accepted" }],
      ["UnlockConnector", { connectorId: 1 }, { status: "Unlocked" }],
      ["DataTransfer", { vendorId: "com.example", messageId: "ping" }, { status: "Accepted", data: "pong" }],
      ["TriggerMessage", { requestedMessage: "StatusNotification", connectorId: 1 }, { status: "Accepted" }],
    ] as const;
    for (const [action, payload, expected] of cases) {
      // deno-lint-ignore no-explicit-any
      const result = await t.bus.sendCommand(cp.id, action, payload as any);
      assert.deepEqual(result, { ok: true, response: expected }, action);
    }
    assert.deepEqual(seen, cases.map(([action, payload]) => [action, payload]));

    // The triggered StatusNotification reached the CSMS.
    await waitFor(() => eventsOf(t.events, "connector.status", cp.id).length === 1, "triggered status");

    // Each command was published as asked and as answered.
    const asked = eventsOf(t.events, "command.requested", cp.id);
    const answered = eventsOf(t.events, "command.answered", cp.id);
    assert.deepEqual(asked.map((e) => e.action), cases.map(([a]) => a));
    assert.deepEqual(answered.map((e) => e.commandId), asked.map((e) => e.commandId));
    assert.ok(answered.every((e) => e.result.ok));
  } finally {
    await cp.close();
    await t.close();
  }
});

Deno.test("csms commands: offline, timeout, CALLERROR, invalid and disconnect are reported plainly", async () => {
  const t = await startTestCsms({ CALL_TIMEOUT: "0.3" });
  const cp = await TestCharger.connect(t.csms.url, "CP-CMD-2");
  const never = Promise.withResolvers<never>();
  cp.session
    .handle("Reset", () => never.promise) // never answers
    .handle("ChangeConfiguration", () => {
      throw new OcppError("PropertyConstraintViolation", "value out of range");
    });
  try {
    await cp.boot();

    const offline = await t.bus.sendCommand("CP-NOT-THERE", "ClearCache", {});
    assert.equal(offline.ok, false);
    assert.equal(!offline.ok && offline.error, "offline");
    assert.match(!offline.ok ? offline.message : "", /CP-NOT-THERE is not connected/);

    const timeout = await t.bus.sendCommand(cp.id, "Reset", { type: "Hard" });
    assert.equal(!timeout.ok && timeout.error, "timeout");
    assert.match(!timeout.ok ? timeout.message : "", /did not answer Reset within 300 ms/);

    const explicit = await t.bus.sendCommand(cp.id, "Reset", { type: "Soft" }, { timeoutMs: 100 });
    assert.match(!explicit.ok ? explicit.message : "", /within 100 ms/);

    const rejected = await t.bus.sendCommand(cp.id, "ChangeConfiguration", { key: "K", value: "999" });
    assert.deepEqual(rejected, {
      ok: false,
      error: "callerror",
      code: "PropertyConstraintViolation",
      message:
        "charger CP-CMD-2 answered ChangeConfiguration with PropertyConstraintViolation: value out of range",
    });

    // No handler on the charger: its RPC layer answers NotSupported.
    const unsupported = await t.bus.sendCommand(cp.id, "UnlockConnector", { connectorId: 1 });
    assert.equal(!unsupported.ok && unsupported.error, "callerror");
    assert.equal(!unsupported.ok && unsupported.code, "NotSupported");

    const invalid = await t.bus.sendCommand(cp.id, "Reset", { type: "Bogus" as "Hard" });
    assert.equal(!invalid.ok && invalid.error, "invalid");
    assert.match(
      !invalid.ok ? invalid.message : "",
      /Reset request is invalid: \/type must be one of Hard, Soft/,
    );

    // deno-lint-ignore no-explicit-any
    const notOperator = await t.bus.sendCommand(cp.id, "StartTransaction" as any, {} as any);
    assert.equal(!notOperator.ok && notOperator.error, "invalid");

    // A charger that drops the connection while a command is outstanding.
    cp.session.handle("ClearCache", () => {
      cp.ws.close();
      return never.promise;
    });
    const dropped = await t.bus.sendCommand(cp.id, "ClearCache", {}, { timeoutMs: 5000 });
    assert.equal(!dropped.ok && dropped.error, "offline");
    assert.match(!dropped.ok ? dropped.message : "", /disconnected before answering ClearCache/);

    // Every command that reached the charger's CSMS is answered on the bus once (on Redis, the offline
    // answer for a charger no node holds comes from the bus itself, without reaching a CSMS).
    assert.equal(eventsOf(t.events, "command.answered").filter((e) => e.chargerId === cp.id).length, 7);
  } finally {
    await cp.close();
    await t.close();
  }
});
