import assert from "node:assert/strict";
import type { MeterSample } from "../../shared/domain.ts";
import { toMeterSamples } from "./meter.ts";

const ts = "2026-01-01T00:00:00Z";

/** The folded fields only (the readings kept beside them have their own tests). */
const folded = (samples: MeterSample[]) => samples.map(({ readings: _, ...s }) => s);

Deno.test("meter: default measurand is the energy register in Wh; kWh and kW are scaled", () => {
  assert.deepEqual(folded(toMeterSamples([{ timestamp: ts, sampledValue: [{ value: "1234" }] }])), [
    { timestamp: ts, energyWh: 1234 },
  ]);
  assert.deepEqual(
    folded(toMeterSamples([{
      timestamp: ts,
      sampledValue: [
        { value: "1.5", unit: "kWh" },
        { value: "7.4", measurand: "Power.Active.Import", unit: "kW" },
        { value: "32", measurand: "Current.Import", unit: "A" },
        { value: "230", measurand: "Voltage", unit: "V" },
        { value: "80", measurand: "SoC", unit: "Percent" },
        { value: "25", measurand: "Temperature", unit: "Celsius" },
      ],
    }])),
    [{ timestamp: ts, energyWh: 1500, powerW: 7400, currentA: 32, voltageV: 230, socPercent: 80 }],
  );
});

Deno.test("meter: phases are folded; a phase-less total wins", () => {
  const phased = folded(toMeterSamples([{
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
  }]));
  assert.deepEqual(phased, [{ timestamp: ts, powerW: 6000, currentA: 16, voltageV: 230 }]);
  const total = folded(toMeterSamples([{
    timestamp: ts,
    sampledValue: [
      { value: "100", measurand: "Power.Active.Import", phase: "L1" },
      { value: "555", measurand: "Power.Active.Import" },
    ],
  }]));
  assert.deepEqual(total, [{ timestamp: ts, powerW: 555 }]);
});

Deno.test("meter: unreadable values and signed data are skipped; a wrong unit is kept as a reading only", () => {
  const samples = toMeterSamples([
    { timestamp: ts, sampledValue: [{ value: "abc" }, { value: "" }, { value: "5", unit: "varh" }] },
    { timestamp: ts, sampledValue: [{ value: "12", format: "SignedData" }] },
    { timestamp: ts, sampledValue: [{ value: "Infinity" }, { value: "7" }] },
  ]);
  assert.deepEqual(folded(samples), [{ timestamp: ts }, { timestamp: ts, energyWh: 7 }]);
  assert.deepEqual(samples[0].readings, [{
    measurand: "Energy.Active.Import.Register",
    value: 5,
    unit: "varh",
  }]);
});

Deno.test("meter: every numeric sampled value is kept as a reading, with phase, location and context", () => {
  const [sample] = toMeterSamples([{
    timestamp: ts,
    sampledValue: [
      { value: "1.5", unit: "kWh", context: "Sample.Periodic" },
      { value: "11", measurand: "Power.Offered", unit: "kW" },
      { value: "16", measurand: "Current.Offered" },
      { value: "10", measurand: "Current.Import", phase: "L1", location: "Outlet" },
      { value: "49.98", measurand: "Frequency" },
      { value: "31.5", measurand: "Temperature", location: "Body", unit: "Celsius" },
      { value: "2.1", measurand: "Power.Reactive.Import", unit: "kvar" },
    ],
  }]);
  assert.deepEqual(sample.readings, [
    { measurand: "Energy.Active.Import.Register", value: 1500, unit: "Wh", context: "Sample.Periodic" },
    { measurand: "Power.Offered", value: 11000, unit: "W" },
    { measurand: "Current.Offered", value: 16, unit: "A" },
    { measurand: "Current.Import", value: 10, unit: "A", phase: "L1", location: "Outlet" },
    { measurand: "Frequency", value: 49.98, unit: "Hz" },
    { measurand: "Temperature", value: 31.5, unit: "Celsius", location: "Body" },
    { measurand: "Power.Reactive.Import", value: 2100, unit: "var" },
  ]);
  assert.equal(sample.energyWh, 1500);
});

Deno.test("meter: a meter value keeps at most 64 readings; a non-numeric value takes no place", () => {
  const sampledValue = [
    { value: "n/a", measurand: "Frequency" as const },
    ...Array.from({ length: 70 }, (_, i) => ({ value: String(i), measurand: "Frequency" as const })),
    { value: "5000" },
  ];
  const [sample] = toMeterSamples([{ timestamp: ts, sampledValue }]);
  assert.equal(sample.readings?.length, 64);
  assert.deepEqual(sample.readings?.[0], { measurand: "Frequency", value: 0, unit: "Hz" });
  assert.equal(sample.readings?.[63].value, 63);
  // The folded fields are read past the bound: the energy register after 70 others still counts.
  assert.equal(sample.energyWh, 5000);
});
