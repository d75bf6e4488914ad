import assert from "node:assert/strict";
import { toMeterSamples } from "./meter.ts";

const ts = "2026-01-01T00:00:00Z";

Deno.test("meter: default measurand is the energy register in Wh; kWh and kW are scaled", () => {
  assert.deepEqual(toMeterSamples([{ timestamp: ts, sampledValue: [{ value: "1234" }] }]), [
    { timestamp: ts, energyWh: 1234 },
  ]);
  assert.deepEqual(
    toMeterSamples([{
      timestamp: ts,
      sampledValue: [
        { value: "1.5", unit: "kWh" },
        { value: "7.4", measurand: "Power.Active.Import", unit: "kW" },
        { value: "32", measurand: "Current.Import", unit: "A" },
        { value: "230", measurand: "Voltage", unit: "V" },
        { value: "80", measurand: "SoC", unit: "Percent" },
        { value: "25", measurand: "Temperature", unit: "Celsius" },
      ],
    }]),
    [{ timestamp: ts, energyWh: 1500, powerW: 7400, currentA: 32, voltageV: 230, socPercent: 80 }],
  );
});

Deno.test("meter: phases are folded; a phase-less total wins", () => {
  const phased = toMeterSamples([{
    timestamp: ts,
    sampledValue: [
      { value: "1000", measurand: "Power.Active.Import", phase: "L1" },
      { value: "2000", measurand: "Power.Active.Import", phase: "L2" },
      { value: "3000", measurand: "Power.Active.Import", phase: "L3" },
      { value: "10", measurand: "Current.Import", phase: "L1" },
      { value: "16", measurand: "Current.Import", phase: "L2" },
      { value: "1", measurand: "Current.Import", phase: "N" },
      { value: "228", measurand: "Voltage", phase: "L1-N" },
      { value: "232", measurand: "Voltage", phase: "L2-N" },
    ],
  }]);
  assert.deepEqual(phased, [{ timestamp: ts, powerW: 6000, currentA: 16, voltageV: 230 }]);
  const total = toMeterSamples([{
    timestamp: ts,
    sampledValue: [
      { value: "100", measurand: "Power.Active.Import", phase: "L1" },
      { value: "555", measurand: "Power.Active.Import" },
    ],
  }]);
  assert.deepEqual(total, [{ timestamp: ts, powerW: 555 }]);
});

Deno.test("meter: unreadable values, wrong units and signed data are skipped", () => {
  assert.deepEqual(
    toMeterSamples([
      { timestamp: ts, sampledValue: [{ value: "abc" }, { value: "" }, { value: "5", unit: "varh" }] },
      { timestamp: ts, sampledValue: [{ value: "12", format: "SignedData" }] },
      { timestamp: ts, sampledValue: [{ value: "Infinity" }, { value: "7" }] },
    ]),
    [{ timestamp: ts, energyWh: 7 }],
  );
});
