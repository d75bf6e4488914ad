import assert from "node:assert/strict";
import { buildPayload, FORM_ACTIONS, initialValues } from "./command_forms.ts";

Deno.test("command forms: every action's initial values build a payload or name the missing field", () => {
  for (const action of FORM_ACTIONS) {
    const built = buildPayload(action, initialValues(action));
    if (!built.ok) assert.match(built.message, /is required$/, action);
  }
});

Deno.test("command forms: text becomes the OCPP payload", () => {
  assert.deepEqual(buildPayload("Reset", { type: "Hard" }), { ok: true, payload: { type: "Hard" } });
  assert.deepEqual(buildPayload("ChangeAvailability", { connectorId: "0", type: "Inoperative" }), {
    ok: true,
    payload: { connectorId: 0, type: "Inoperative" },
  });
  assert.deepEqual(
    buildPayload("GetConfiguration", { key: " HeartbeatInterval, ,MeterValueSampleInterval " }),
    {
      ok: true,
      payload: { key: ["HeartbeatInterval", "MeterValueSampleInterval"] },
    },
  );
  assert.deepEqual(buildPayload("GetConfiguration", { key: "" }), { ok: true, payload: {} });
  assert.deepEqual(buildPayload("TriggerMessage", { requestedMessage: "Heartbeat", connectorId: "" }), {
    ok: true,
    payload: { requestedMessage: "Heartbeat" },
  });
  assert.deepEqual(buildPayload("ClearCache", {}), { ok: true, payload: {} });
});

Deno.test("command forms: slips are caught with a message", () => {
  assert.deepEqual(buildPayload("UnlockConnector", { connectorId: "one" }), {
    ok: false,
    message: "Connector must be a whole number",
  });
  assert.deepEqual(buildPayload("ChangeConfiguration", { key: "K", value: "" }), {
    ok: false,
    message: "Value is required",
  });
  assert.equal(buildPayload("Reset", { type: "Warm" }).ok, false);
});
