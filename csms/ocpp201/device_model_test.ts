import assert from "node:assert/strict";
import {
  getVariablesUpdates,
  newBasicAuthPassword,
  passwordTaken,
  reportedVariables,
  setVariablesUpdates,
} from "./device_model.ts";

const at = "2026-01-01T00:00:00.000Z";
const later = "2026-01-02T00:00:00.000Z";

Deno.test("2.0.1 device model: each reported attribute is a variable, characteristics kept, passwords not", () => {
  const vars = reportedVariables({
    requestId: 1,
    generatedAt: at,
    seqNo: 0,
    reportData: [
      {
        component: { name: "OCPPCommCtrlr" },
        variable: { name: "HeartbeatInterval" },
        variableAttribute: [{ value: "60", mutability: "ReadWrite" }, { type: "MaxSet", value: "3600" }],
        variableCharacteristics: { dataType: "integer", unit: "s", supportsMonitoring: false },
      },
      {
        component: { name: "Connector", instance: "A", evse: { id: 1, connectorId: 2 } },
        variable: { name: "ConnectorType", instance: "x" },
        variableAttribute: [{ type: "Actual", value: "cType2", mutability: "ReadOnly" }],
      },
      {
        component: { name: "SecurityCtrlr" },
        variable: { name: "BasicAuthPassword" },
        variableAttribute: [{ value: "leaked-password-123", mutability: "WriteOnly" }],
      },
    ],
  }, at);
  assert.deepEqual(vars, [
    {
      component: "OCPPCommCtrlr",
      variable: "HeartbeatInterval",
      attributeType: "Actual",
      value: "60",
      mutability: "ReadWrite",
      dataType: "integer",
      unit: "s",
      updatedAt: at,
    },
    {
      component: "OCPPCommCtrlr",
      variable: "HeartbeatInterval",
      attributeType: "MaxSet",
      value: "3600",
      dataType: "integer",
      unit: "s",
      updatedAt: at,
    },
    {
      component: "Connector",
      componentInstance: "A",
      evseId: 1,
      connectorId: 2,
      variable: "ConnectorType",
      variableInstance: "x",
      attributeType: "Actual",
      value: "cType2",
      mutability: "ReadOnly",
      updatedAt: at,
    },
    {
      component: "SecurityCtrlr",
      variable: "BasicAuthPassword",
      attributeType: "Actual",
      mutability: "WriteOnly",
      updatedAt: at,
    },
  ]);
  assert.deepEqual(reportedVariables({ requestId: 1, generatedAt: at, seqNo: 0 }, at), []);
});

Deno.test("2.0.1 device model: SetVariables results Accepted and RebootRequired update the value asked for", () => {
  const known = reportedVariables({
    requestId: 1,
    generatedAt: at,
    seqNo: 0,
    reportData: [{
      component: { name: "OCPPCommCtrlr" },
      variable: { name: "HeartbeatInterval" },
      variableAttribute: [{ value: "60", mutability: "ReadWrite" }],
      variableCharacteristics: { dataType: "integer", unit: "s", supportsMonitoring: false },
    }],
  }, at);
  const updates = setVariablesUpdates(
    {
      setVariableData: [
        {
          component: { name: "OCPPCommCtrlr" },
          variable: { name: "HeartbeatInterval" },
          attributeValue: "120",
        },
        { component: { name: "TxCtrlr" }, variable: { name: "EVConnectionTimeOut" }, attributeValue: "30" },
        { component: { name: "X" }, variable: { name: "Y" }, attributeValue: "z" },
      ],
    },
    {
      setVariableResult: [
        {
          component: { name: "OCPPCommCtrlr" },
          variable: { name: "HeartbeatInterval" },
          attributeStatus: "Accepted",
        },
        {
          component: { name: "TxCtrlr" },
          variable: { name: "EVConnectionTimeOut" },
          attributeType: "Actual",
          attributeStatus: "RebootRequired",
        },
        { component: { name: "X" }, variable: { name: "Y" }, attributeStatus: "Rejected" },
      ],
    },
    known,
    later,
  );
  assert.deepEqual(updates, [
    { ...known[0], value: "120", updatedAt: later },
    {
      component: "TxCtrlr",
      variable: "EVConnectionTimeOut",
      attributeType: "Actual",
      value: "30",
      updatedAt: later,
    },
  ]);
});

Deno.test("2.0.1 device model: GetVariables' accepted values update; a password's value is never kept", () => {
  const updates = getVariablesUpdates(
    {
      getVariableResult: [
        {
          component: { name: "A" },
          variable: { name: "B" },
          attributeStatus: "Accepted",
          attributeValue: "1",
        },
        { component: { name: "A" }, variable: { name: "C" }, attributeStatus: "UnknownVariable" },
        {
          component: { name: "SecurityCtrlr" },
          variable: { name: "basicauthpassword" },
          attributeStatus: "Accepted",
          attributeValue: "secret-secret-secret",
        },
      ],
    },
    [],
    later,
  );
  assert.deepEqual(updates, [
    { component: "A", variable: "B", attributeType: "Actual", value: "1", updatedAt: later },
    { component: "SecurityCtrlr", variable: "basicauthpassword", attributeType: "Actual", updatedAt: later },
  ]);
});

Deno.test("2.0.1 device model: a new BasicAuthPassword, and whether the station took it", () => {
  const req = {
    setVariableData: [
      {
        component: { name: "SecurityCtrlr" },
        variable: { name: "BasicAuthPassword" },
        attributeValue: "k".repeat(20),
      },
    ],
  } as const;
  assert.equal(newBasicAuthPassword(req as never), "k".repeat(20));
  assert.equal(
    newBasicAuthPassword({
      setVariableData: [{
        component: { name: "X" },
        variable: { name: "BasicAuthPassword" },
        attributeValue: "v",
      }],
    }),
    undefined,
  );
  const result = (attributeStatus: "Accepted" | "RebootRequired" | "Rejected") => ({
    setVariableResult: [
      { component: { name: "SecurityCtrlr" }, variable: { name: "BasicAuthPassword" }, attributeStatus },
    ] as [
      { component: { name: string }; variable: { name: string }; attributeStatus: typeof attributeStatus },
    ],
  });
  assert.equal(passwordTaken(result("Accepted")), true);
  assert.equal(passwordTaken(result("RebootRequired")), true);
  assert.equal(passwordTaken(result("Rejected")), false);
});
