import assert from "node:assert/strict";
import { validatePayload } from "../shared/ocpp/mod.ts";
import { SUPPORTED_MEASURANDS } from "./config_store.ts";
import { currentA, meterValue, registerWh, sampledValues, supplyFor } from "./meter.ts";

Deno.test("meter: every supported measurand yields a schema-valid sampled value with the right unit", () => {
  const supply = supplyFor(11_000);
  const mv = meterValue(
    { energyWh: 1234.99, powerW: 11_000, offeredW: 11_000, socPct: 45.26, supply },
    SUPPORTED_MEASURANDS,
    "Sample.Periodic",
    "2025-01-01T00:00:00.000Z",
  )!;
  const payload = { connectorId: 1, transactionId: 7, meterValue: [mv] };
  assert.equal(validatePayload("ocpp1.6", "MeterValues", "request", payload), undefined);
  const byMeasurand = new Map(mv.sampledValue.map((s) => [s.measurand, s]));
  assert.deepEqual(
    [...byMeasurand.keys()].sort(),
    [...SUPPORTED_MEASURANDS].sort(),
  );
  assert.equal(byMeasurand.get("Energy.Active.Import.Register")!.value, "1234");
  assert.equal(byMeasurand.get("Energy.Active.Import.Register")!.unit, "Wh");
  assert.equal(byMeasurand.get("Power.Active.Import")!.unit, "W");
  assert.equal(byMeasurand.get("SoC")!.value, "45.3");
  assert.equal(byMeasurand.get("SoC")!.unit, "Percent");
  assert.equal(byMeasurand.get("Voltage")!.value, "230.0");
  // 11 kW on three phases at 230 V is 15.9 A a phase.
  assert.equal(byMeasurand.get("Current.Import")!.value, "15.9");
});

Deno.test("meter: only the configured measurands, and no SoC without a car", () => {
  const s = sampledValues(
    { energyWh: 10, powerW: 0, offeredW: 7_000, supply: supplyFor(7_000) },
    ["SoC", "Energy.Active.Import.Register"],
    "Trigger",
  );
  assert.deepEqual(s.map((v) => v.measurand), ["Energy.Active.Import.Register"]);
  assert.equal(s[0].context, "Trigger");
});

Deno.test("meter: supply by rating and current from power", () => {
  assert.deepEqual(supplyFor(3_700), { phases: 1, voltageV: 230 });
  assert.deepEqual(supplyFor(22_000), { phases: 3, voltageV: 230 });
  assert.deepEqual(supplyFor(50_000), { phases: 0, voltageV: 400 });
  assert.equal(currentA(40_000, supplyFor(50_000)), 100);
  assert.equal(currentA(2_300, supplyFor(3_700)), 10);
});

Deno.test("meter: the register rounds down and tolerates float noise", () => {
  assert.equal(registerWh(99.9999), 99);
  assert.equal(registerWh(0.1 + 0.2 + 99.7), 100);
});
