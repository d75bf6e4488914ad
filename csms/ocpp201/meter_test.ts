import assert from "node:assert/strict";
import type { MeterSample } from "../../shared/domain.ts";
import { lastEnergyWh, toMeterSamples201 } from "./meter.ts";

const ts = "2026-01-01T00:00:00Z";

/** The folded fields only (the readings kept beside them have their own tests). */
const folded = (samples: MeterSample[]) => samples.map(({ readings: _, ...s }) => s);

Deno.test("2.0.1 meter: the default measurand is the energy register in Wh; units and multipliers scale", () => {
  assert.deepEqual(folded(toMeterSamples201([{ timestamp: ts, sampledValue: [{ value: 1234 }] }])), [
    { timestamp: ts, energyWh: 1234 },
  ]);
  assert.deepEqual(
    folded(toMeterSamples201([{
      timestamp: ts,
      sampledValue: [
        { value: 1.5, unitOfMeasure: { unit: "kWh" } },
        { value: 74, measurand: "Power.Active.Import", unitOfMeasure: { unit: "W", multiplier: 2 } },
        { value: 32000, measurand: "Current.Import", unitOfMeasure: { unit: "A", multiplier: -3 } },
        { value: 230, measurand: "Voltage", unitOfMeasure: { unit: "V" } },
        { value: 80, measurand: "SoC", unitOfMeasure: { unit: "Percent" } },
        { value: 25, measurand: "Frequency" },
      ],
    }])),
    [{ timestamp: ts, energyWh: 1500, powerW: 7400, currentA: 32, voltageV: 230, socPercent: 80 }],
  );
  // A multiplier with no unit scales the base unit: 12 × 10³ Wh.
  assert.deepEqual(
    folded(
      toMeterSamples201([{ timestamp: ts, sampledValue: [{ value: 12, unitOfMeasure: { multiplier: 3 } }] }]),
    ),
    [{ timestamp: ts, energyWh: 12000 }],
  );
});

Deno.test("2.0.1 meter: phases fold as for 1.6; a phase-less total wins", () => {
  assert.deepEqual(
    folded(toMeterSamples201([{
      timestamp: ts,
      sampledValue: [
        { value: 1000, measurand: "Power.Active.Import", phase: "L1" },
        { value: 2000, measurand: "Power.Active.Import", phase: "L2" },
        { value: 10, measurand: "Current.Import", phase: "L1" },
        { value: 16, measurand: "Current.Import", phase: "L2" },
        { value: 228, measurand: "Voltage", phase: "L1-N" },
        { value: 232, measurand: "Voltage", phase: "L2-N" },
        { value: 5000, measurand: "Energy.Active.Import.Register", phase: "L1" },
        { value: 9000, measurand: "Energy.Active.Import.Register" },
      ],
    }])),
    [{ timestamp: ts, powerW: 3000, currentA: 16, voltageV: 230, energyWh: 9000 }],
  );
});

Deno.test("2.0.1 meter: units that do not fit the measurand and unknown measurands are not folded", () => {
  const samples = toMeterSamples201([
    { timestamp: ts, sampledValue: [{ value: 5, unitOfMeasure: { unit: "varh" } }] },
    {
      timestamp: ts,
      sampledValue: [{ value: 5, measurand: "Current.Import", unitOfMeasure: { unit: "kW" } }],
    },
    {
      timestamp: ts,
      sampledValue: [{ value: 7, measurand: "Energy.Active.Export.Register" }, { value: 7 }],
    },
  ]);
  // Kept as readings all the same, as the station sent them.
  assert.deepEqual(folded(samples), [{ timestamp: ts }, { timestamp: ts }, { timestamp: ts, energyWh: 7 }]);
  assert.deepEqual(samples[1].readings, [{ measurand: "Current.Import", value: 5000, unit: "W" }]);
  assert.deepEqual(samples[2].readings, [
    { measurand: "Energy.Active.Export.Register", value: 7, unit: "Wh" },
    { measurand: "Energy.Active.Import.Register", value: 7, unit: "Wh" },
  ]);
  assert.deepEqual(folded(toMeterSamples201(undefined)), []);
});

Deno.test("2.0.1 meter: the last energy reading of a list", () => {
  assert.equal(
    lastEnergyWh([{ timestamp: ts, energyWh: 1 }, { timestamp: ts, energyWh: 5 }, {
      timestamp: ts,
      powerW: 3,
    }]),
    5,
  );
  assert.equal(lastEnergyWh([{ timestamp: ts, powerW: 3 }]), undefined);
});
