import assert from "node:assert/strict";
import type { DeviceVariable } from "../../shared/domain.ts";
import type { BusEvent } from "../../shared/events.ts";
import { validatePayload } from "../../shared/ocpp/validate.ts";
import {
  fullReportCommand,
  groupVariables,
  isWritable,
  modelMayHaveChanged,
  reportRequestId,
  setVariableCommand,
  setVariableStatus,
  variableKey,
  variableTitle,
} from "./device_model.ts";

const at = "2024-01-01T00:00:00.000Z";
const model: DeviceVariable[] = [
  {
    component: "EVSE",
    evseId: 1,
    variable: "AvailabilityState",
    attributeType: "Actual",
    value: "Available",
    mutability: "ReadOnly",
    updatedAt: at,
  },
  {
    component: "EVSE",
    evseId: 1,
    variable: "Power",
    attributeType: "MaxSet",
    value: "22000",
    mutability: "ReadOnly",
    unit: "W",
    updatedAt: at,
  },
  {
    component: "Connector",
    evseId: 1,
    connectorId: 2,
    variable: "ConnectorType",
    attributeType: "Actual",
    value: "cType2",
    mutability: "ReadOnly",
    updatedAt: at,
  },
  {
    component: "OCPPCommCtrlr",
    variable: "HeartbeatInterval",
    attributeType: "Actual",
    value: "300",
    mutability: "ReadWrite",
    unit: "s",
    updatedAt: at,
  },
  {
    component: "SampledDataCtrlr",
    componentInstance: "main",
    variable: "TxUpdatedMeasurands",
    variableInstance: "x",
    attributeType: "Target",
    mutability: "WriteOnly",
    updatedAt: at,
  },
];

Deno.test("device model: grouped by component (with instance and EVSE), in the read model's order", () => {
  const groups = groupVariables(model);
  assert.deepEqual(groups.map((g) => g.title), [
    "EVSE · EVSE 1",
    "Connector · EVSE 1 / connector 2",
    "OCPPCommCtrlr",
    "SampledDataCtrlr · main",
  ]);
  assert.deepEqual(groups[0].variables.map(variableTitle), ["AvailabilityState", "Power (MaxSet)"]);
  assert.deepEqual(groups[3].variables.map(variableTitle), ["TxUpdatedMeasurands:x (Target)"]);
  assert.equal(new Set(model.map(variableKey)).size, model.length);
});

Deno.test("device model: the filter matches component, variable, value and unit, in any case", () => {
  assert.deepEqual(groupVariables(model, "heartbeat").map((g) => g.title), ["OCPPCommCtrlr"]);
  assert.deepEqual(groupVariables(model, "CTYPE2").map((g) => g.variables.length), [1]);
  assert.deepEqual(groupVariables(model, "evse 1").map((g) => g.title), [
    "EVSE · EVSE 1",
    "Connector · EVSE 1 / connector 2",
  ]);
  assert.deepEqual(groupVariables(model, " w ").flatMap((g) => g.variables.map((v) => v.variable)), [
    "Power",
  ]);
  assert.deepEqual(groupVariables(model, "nothing like it"), []);
  assert.equal(groupVariables(model, "  ").length, 4);
});

Deno.test("device model: ReadWrite and WriteOnly variables are writable", () => {
  assert.deepEqual(model.filter(isWritable).map((v) => v.variable), [
    "HeartbeatInterval",
    "TxUpdatedMeasurands",
  ]);
});

Deno.test("device model: SetVariables names the variable as the charger reported it", () => {
  const plain = setVariableCommand(model[3], "60");
  assert.deepEqual(plain, {
    action: "SetVariables",
    payload: {
      setVariableData: [{
        component: { name: "OCPPCommCtrlr" },
        variable: { name: "HeartbeatInterval" },
        attributeType: "Actual",
        attributeValue: "60",
      }],
    },
  });
  const nested = setVariableCommand({ ...model[2], mutability: "ReadWrite" }, "cCCS2");
  assert.deepEqual((nested.payload.setVariableData as unknown[])[0], {
    component: { name: "Connector", evse: { id: 1, connectorId: 2 } },
    variable: { name: "ConnectorType" },
    attributeType: "Actual",
    attributeValue: "cCCS2",
  });
  const instance = setVariableCommand(model[4], "Energy.Active.Import.Register");
  assert.deepEqual((instance.payload.setVariableData as unknown[])[0], {
    component: { name: "SampledDataCtrlr", instance: "main" },
    variable: { name: "TxUpdatedMeasurands", instance: "x" },
    attributeType: "Target",
    attributeValue: "Energy.Active.Import.Register",
  });
  for (const c of [plain, nested, instance]) {
    assert.equal(validatePayload("ocpp2.0.1", c.action, "request", c.payload), undefined);
  }
});

Deno.test("device model: a full report request", () => {
  const c = fullReportCommand(reportRequestId(Date.UTC(2024, 0, 1)));
  assert.equal(c.action, "GetBaseReport");
  assert.equal(c.payload.reportBase, "FullInventory");
  assert.equal(validatePayload("ocpp2.0.1", c.action, "request", c.payload), undefined);
  assert.ok(reportRequestId(8.64e15) <= 2_147_483_647);
});

Deno.test("device model: the charger's attributeStatus, with its reason", () => {
  const answer = (attributeStatus: string, attributeStatusInfo?: Record<string, string>) => ({
    setVariableResult: [{
      attributeStatus,
      component: { name: "OCPPCommCtrlr" },
      variable: { name: "HeartbeatInterval" },
      ...(attributeStatusInfo ? { attributeStatusInfo } : {}),
    }],
  });
  assert.equal(validatePayload("ocpp2.0.1", "SetVariables", "response", answer("Accepted")), undefined);
  assert.deepEqual(setVariableStatus(answer("Accepted")), { status: "Accepted" });
  assert.deepEqual(
    setVariableStatus(answer("Rejected", { reasonCode: "ValueOutOfRange", additionalInfo: "max 3600" })),
    {
      status: "Rejected",
      reason: "ValueOutOfRange: max 3600",
    },
  );
  assert.equal(setVariableStatus({}), undefined);
  assert.equal(setVariableStatus(undefined), undefined);
});

Deno.test("device model: answered NotifyReports and SetVariables mean a re-read", () => {
  const frame = (direction: "in" | "out", messageType: 2 | 3, action: string): BusEvent => ({
    type: "ocpp.frame",
    chargerId: "CP",
    at,
    direction,
    messageType,
    messageId: "1",
    action,
    text: "[]",
  });
  assert.equal(modelMayHaveChanged(frame("out", 3, "NotifyReport")), true);
  assert.equal(modelMayHaveChanged(frame("in", 2, "NotifyReport")), false);
  assert.equal(modelMayHaveChanged(frame("out", 3, "Heartbeat")), false);
  const answered = (action: string, ok: boolean): BusEvent => ({
    type: "command.answered",
    chargerId: "CP",
    at,
    commandId: "c",
    action,
    result: ok ? { ok: true, response: {} } : { ok: false, error: "timeout", message: "late" },
  });
  assert.equal(modelMayHaveChanged(answered("SetVariables", true)), true);
  assert.equal(modelMayHaveChanged(answered("SetVariables", false)), false);
  assert.equal(modelMayHaveChanged(answered("Reset", true)), false);
});
