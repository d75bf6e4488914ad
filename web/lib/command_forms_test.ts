import assert from "node:assert/strict";
import { OPERATOR_ACTIONS } from "../../shared/ocpp/catalog.ts";
import { buildPayload, formActions, initialValues } from "./command_forms.ts";

Deno.test("command forms: every action's initial values build a payload or name the missing field", () => {
  const actions = formActions("ocpp1.6");
  assert.ok(actions.includes("GetConfiguration") && !actions.includes("RemoteStartTransaction"));
  assert.ok(actions.every((a) => OPERATOR_ACTIONS["ocpp1.6"].includes(a)));
  assert.deepEqual(formActions("ocpp2.0.1"), []);
  for (const action of actions) {
    const built = buildPayload("ocpp1.6", action, initialValues("ocpp1.6", action));
    if (!built.ok) assert.match(built.message, /is required$/, action);
  }
});

Deno.test("command forms: text becomes the OCPP payload", () => {
  assert.deepEqual(buildPayload("ocpp1.6", "Reset", { type: "Hard" }), {
    ok: true,
    payload: { type: "Hard" },
  });
  assert.deepEqual(buildPayload("ocpp1.6", "ChangeAvailability", { connectorId: "0", type: "Inoperative" }), {
    ok: true,
    payload: { connectorId: 0, type: "Inoperative" },
  });
  assert.deepEqual(
    buildPayload("ocpp1.6", "GetConfiguration", { key: " HeartbeatInterval, ,MeterValueSampleInterval " }),
    {
      ok: true,
      payload: { key: ["HeartbeatInterval", "MeterValueSampleInterval"] },
    },
  );
  assert.deepEqual(buildPayload("ocpp1.6", "GetConfiguration", { key: "" }), { ok: true, payload: {} });
  assert.deepEqual(
    buildPayload("ocpp1.6", "TriggerMessage", { requestedMessage: "Heartbeat", connectorId: "" }),
    {
      ok: true,
      payload: { requestedMessage: "Heartbeat" },
    },
  );
  assert.deepEqual(buildPayload("ocpp1.6", "ClearCache", {}), { ok: true, payload: {} });
});

Deno.test("command forms: slips are caught with a message", () => {
  assert.deepEqual(buildPayload("ocpp1.6", "UnlockConnector", { connectorId: "one" }), {
    ok: false,
    message: "Connector must be a whole number",
  });
  assert.deepEqual(buildPayload("ocpp1.6", "ChangeConfiguration", { key: "K", value: "" }), {
    ok: false,
    message: "Value is required",
  });
  assert.equal(buildPayload("ocpp1.6", "Reset", { type: "Warm" }).ok, false);
});

Deno.test("command forms: an action the protocol's set has no form for is refused", () => {
  assert.equal(buildPayload("ocpp2.0.1", "Reset", { type: "Hard" }).ok, false);
  assert.equal(buildPayload("ocpp1.6", "toString", {}).ok, false);
  assert.deepEqual(initialValues("ocpp1.6", "toString"), {});
});
