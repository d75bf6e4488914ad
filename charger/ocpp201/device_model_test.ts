import assert from "node:assert/strict";
import { invalidValue, reportPages, stationModel, type VariableDef } from "./device_model.ts";

const model = (availability = "Available") =>
  stationModel({
    evses: 2,
    maxW: 11_000,
    phases: 3,
    vendor: "V",
    model: "M",
    securityProfile: 1,
    availability: () => availability,
  });

Deno.test("device model: GetVariables statuses per the spec", () => {
  const m = model();
  const get = (c: string, v: string, extra: object = {}) =>
    m.getVariable({ name: c, ...extra }, { name: v }).attributeStatus;
  assert.equal(m.getVariable({ name: "OCPPCommCtrlr" }, { name: "HeartbeatInterval" }).attributeValue, "300");
  assert.equal(get("Nope", "HeartbeatInterval"), "UnknownComponent");
  assert.equal(get("OCPPCommCtrlr", "Nope"), "UnknownVariable");
  assert.equal(
    m.getVariable({ name: "OCPPCommCtrlr" }, { name: "HeartbeatInterval" }, "MinSet").attributeStatus,
    "NotSupportedAttributeType",
  );
  assert.equal(get("SecurityCtrlr", "BasicAuthPassword"), "Rejected");
  assert.equal(get("EVSE", "AvailabilityState"), "UnknownComponent", "an EVSE component needs its evse");
  assert.equal(get("EVSE", "AvailabilityState", { evse: { id: 3 } }), "UnknownComponent");
  assert.equal(get("EVSE", "AvailabilityState", { evse: { id: 2 } }), "Accepted");
  assert.equal(
    m.getVariable({ name: "Connector", evse: { id: 1, connectorId: 1 } }, { name: "ConnectorType" })
      .attributeValue,
    "cType2",
  );
  assert.equal(
    m.getVariable({ name: "DeviceDataCtrlr" }, { name: "ItemsPerMessage", instance: "GetVariables" })
      .attributeValue,
    "20",
  );
  assert.equal(
    get("DeviceDataCtrlr", "ItemsPerMessage"),
    "UnknownVariable",
    "the instance is part of the name",
  );
});

Deno.test("device model: SetVariables validates, stores, tells listeners, and says RebootRequired", () => {
  const m = model();
  const heard: [string, string][] = [];
  m.onChange((k, v) => heard.push([k, v]));
  const set = (c: string, v: string, value: string) =>
    m.setVariable({ name: c }, { name: v }, value).attributeStatus;
  assert.equal(set("SampledDataCtrlr", "TxUpdatedInterval", "15"), "Accepted");
  assert.equal(m.getInt("SampledDataCtrlr.TxUpdatedInterval"), 15);
  assert.equal(set("SampledDataCtrlr", "TxUpdatedInterval", "-1"), "Rejected");
  assert.equal(set("SampledDataCtrlr", "TxUpdatedInterval", "1.5"), "Rejected");
  assert.equal(set("SecurityCtrlr", "SecurityProfile", "3"), "Rejected");
  assert.equal(set("AuthCtrlr", "Enabled", "yes"), "Rejected");
  assert.equal(set("AuthCtrlr", "Enabled", "false"), "Accepted");
  assert.equal(set("SampledDataCtrlr", "TxEndedMeasurands", "SoC,SoC"), "Rejected");
  assert.equal(set("SampledDataCtrlr", "TxEndedMeasurands", ""), "Accepted");
  assert.equal(set("OCPPCommCtrlr", "NetworkConfigurationPriority", "0"), "RebootRequired");
  assert.equal(set("SecurityCtrlr", "BasicAuthPassword", "x".repeat(41)), "Rejected");
  assert.equal(set("SecurityCtrlr", "BasicAuthPassword", "secret"), "Accepted");
  assert.equal(m.get("SecurityCtrlr.BasicAuthPassword"), "secret");
  assert.equal(
    m.setVariable({ name: "EVSE", evse: { id: 1 } }, { name: "AvailabilityState" }, "Faulted")
      .attributeStatus,
    "Rejected",
  );
  assert.deepEqual(heard, [
    ["SampledDataCtrlr.TxUpdatedInterval", "15"],
    ["AuthCtrlr.Enabled", "false"],
    ["SampledDataCtrlr.TxEndedMeasurands", ""],
    ["OCPPCommCtrlr.NetworkConfigurationPriority", "0"],
    ["SecurityCtrlr.BasicAuthPassword", "secret"],
  ]);
  // The simulator's own options may set ReadOnly variables (as at manufacture), never live ones.
  assert.equal(m.configure("DeviceDataCtrlr.ItemsPerMessage:GetReport", "5"), undefined);
  assert.match(m.configure("DeviceDataCtrlr.ItemsPerMessage:GetReport", "0")!, /integer from 1/);
  assert.match(m.configure("ChargingStation.AvailabilityState", "Faulted")!, /unknown or live/);
  assert.match(m.configure("Nope.Nope", "1")!, /unknown/);
});

Deno.test("device model: base reports and GetReport filters", () => {
  const m = model("Occupied");
  const full = m.baseReport("FullInventory");
  assert.equal(full.length, m.variables.length);
  const config = m.baseReport("ConfigurationInventory");
  assert.ok(config.length > 0 && config.every((d) => d.variableAttribute[0].mutability !== "ReadOnly"));
  const summary = m.baseReport("SummaryInventory");
  assert.deepEqual(
    summary.map((d) => [d.component.name, d.component.evse?.id, d.variableAttribute[0].value]),
    [
      ["ChargingStation", undefined, "Occupied"],
      ["EVSE", 1, "Occupied"],
      ["Connector", 1, "Occupied"],
      ["EVSE", 2, "Occupied"],
      ["Connector", 2, "Occupied"],
    ],
  );
  const pw = full.find((d) => d.variable.name === "BasicAuthPassword")!;
  assert.equal(pw.variableAttribute[0].value, undefined);
  const hb = full.find((d) => d.variable.name === "HeartbeatInterval")!;
  assert.deepEqual(hb.variableCharacteristics, {
    dataType: "integer",
    unit: "s",
    minLimit: 1,
    maxLimit: 86_400,
    supportsMonitoring: false,
  });
  assert.equal(m.report([{ component: { name: "TxCtrlr" }, variable: { name: "TxStartPoint" } }]).length, 1);
  assert.equal(m.report([{ component: { name: "EVSE", evse: { id: 2 } } }]).length, 2);
  assert.equal(m.report([{ component: { name: "Nope" } }]).length, 0);
});

Deno.test("device model: values by data type", () => {
  const d = (o: Partial<VariableDef>): VariableDef => ({
    component: "C",
    variable: "V",
    mutability: "ReadWrite",
    dataType: "string",
    ...o,
  });
  assert.equal(invalidValue(d({ dataType: "decimal" }), "1.5"), undefined);
  assert.ok(invalidValue(d({ dataType: "decimal" }), "x"));
  assert.equal(invalidValue(d({ dataType: "dateTime" }), "2025-01-01T00:00:00Z"), undefined);
  assert.ok(invalidValue(d({ dataType: "dateTime" }), "tomorrow"));
  assert.equal(invalidValue(d({ dataType: "OptionList", valuesList: ["A", "B"] }), "B"), undefined);
  assert.ok(invalidValue(d({ dataType: "OptionList", valuesList: ["A", "B"] }), "A,B"));
});

Deno.test("report pages: at most ItemsPerMessage items (and BytesPerMessage bytes) per page", () => {
  const items = model().baseReport("FullInventory");
  const pages = reportPages(items, 7);
  assert.ok(pages.slice(0, -1).every((p) => p.length === 7));
  assert.deepEqual(pages.flat(), items);
  const small = reportPages(items, 100, 600);
  assert.ok(small.every((p) => p.length === 1 || JSON.stringify(p).length <= 600 + p.length));
  assert.deepEqual(small.flat(), items);
  assert.deepEqual(reportPages([], 5), []);
});
