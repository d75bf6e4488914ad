/** The device-model part of the storage contract, checked the same way on every engine. */
import assert from "node:assert/strict";
import type { DeviceVariable } from "../../shared/domain.ts";
import type { CsmsStorage } from "../../shared/storage.ts";

const T1 = "2026-01-01T00:00:00.000Z";
const T2 = "2026-01-01T00:01:00.000Z";

export async function checkDeviceModelContract(storage: CsmsStorage): Promise<void> {
  const report: DeviceVariable[] = [
    {
      component: "OCPPCommCtrlr",
      variable: "HeartbeatInterval",
      attributeType: "Actual",
      value: "300",
      mutability: "ReadWrite",
      dataType: "integer",
      unit: "s",
      updatedAt: T1,
    },
    // The same variable of two EVSEs' connectors, and an instance: distinct keys.
    {
      component: "Connector",
      evseId: 1,
      connectorId: 1,
      variable: "Available",
      attributeType: "Actual",
      value: "true",
      updatedAt: T1,
    },
    {
      component: "Connector",
      evseId: 2,
      connectorId: 1,
      variable: "Available",
      attributeType: "Actual",
      value: "false",
      updatedAt: T1,
    },
    {
      component: "SampledDataCtrlr",
      variable: "TxUpdatedMeasurands",
      variableInstance: "x",
      attributeType: "Actual",
      value: "SoC",
      updatedAt: T1,
    },
    // A password: the charger reports it WriteOnly, and no value is ever kept.
    {
      component: "SecurityCtrlr",
      variable: "BasicAuthPassword",
      attributeType: "Actual",
      value: "must-not-be-kept",
      mutability: "WriteOnly",
      updatedAt: T1,
    },
  ];
  await (await storage.deviceModel.report("CP-DM", report)).durable;
  await (await storage.deviceModel.report("CP-OTHER", [report[0]])).durable;
  let model = await storage.reads.deviceModel("CP-DM");
  assert.deepEqual(model.map((v) => [v.component, v.evseId, v.connectorId, v.variable, v.variableInstance]), [
    ["Connector", 1, 1, "Available", undefined],
    ["Connector", 2, 1, "Available", undefined],
    ["OCPPCommCtrlr", undefined, undefined, "HeartbeatInterval", undefined],
    ["SampledDataCtrlr", undefined, undefined, "TxUpdatedMeasurands", "x"],
    ["SecurityCtrlr", undefined, undefined, "BasicAuthPassword", undefined],
  ]);
  assert.deepEqual(model[2], report[0]);
  assert.equal(model[4].value, undefined);
  assert.equal(model[4].mutability, "WriteOnly");

  // A value-only update (after SetVariables) keeps the characteristics; a password set later stays unkept.
  await (await storage.deviceModel.report("CP-DM", [
    {
      component: "OCPPCommCtrlr",
      variable: "HeartbeatInterval",
      attributeType: "Actual",
      value: "60",
      updatedAt: T2,
    },
    {
      component: "SecurityCtrlr",
      variable: "BasicAuthPassword",
      attributeType: "Actual",
      value: "new-secret",
      updatedAt: T2,
    },
  ])).durable;
  model = await storage.reads.deviceModel("CP-DM");
  assert.deepEqual(model[2], { ...report[0], value: "60", updatedAt: T2 });
  assert.equal(model[4].value, undefined);

  // A charger's model is its own: clearing one leaves the other.
  await (await storage.deviceModel.clear("CP-DM")).durable;
  assert.deepEqual(await storage.reads.deviceModel("CP-DM"), []);
  assert.equal((await storage.reads.deviceModel("CP-OTHER")).length, 1);
}
