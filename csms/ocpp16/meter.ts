/**
 * Reads OCPP 1.6 meterValue lists into MeterSamples in base units (Wh, W, A, V, %): 1.6's unit spelling
 * and text values here, the measurand and phase rules in csms/meter_readings.ts. Pure.
 */
import type { MeterValue16, SampledValue16 } from "../../shared/ocpp/actions16.ts";
import type { MeterSample } from "../../shared/domain.ts";
import {
  DEFAULT_MEASURAND,
  foldReadings,
  MEASURAND_FIELD,
  type MeterField,
  type Reading,
} from "../meter_readings.ts";
import { toMeterReadings } from "../measurand_readings.ts";

/** Multiplier from the unit a charger reported to our base unit; undefined when it does not fit the measurand. */
function scale(field: MeterField, unit: string | undefined): number | undefined {
  switch (field) {
    case "energyWh":
      return unit === undefined || unit === "Wh" ? 1 : unit === "kWh" ? 1000 : undefined;
    case "powerW":
      return unit === undefined || unit === "W" ? 1 : unit === "kW" ? 1000 : undefined;
    case "currentA":
      return unit === undefined || unit === "A" ? 1 : undefined;
    case "voltageV":
      return unit === undefined || unit === "V" ? 1 : undefined;
    case "socPercent":
      return unit === undefined || unit === "Percent" ? 1 : undefined;
  }
}

function numeric(v: SampledValue16): number | undefined {
  if (v.format === "SignedData") return undefined;
  const n = Number(v.value);
  return v.value.trim() !== "" && Number.isFinite(n) ? n : undefined;
}

function readings(values: readonly SampledValue16[]): Reading[] {
  const out: Reading[] = [];
  for (const sv of values) {
    const field = MEASURAND_FIELD[sv.measurand ?? DEFAULT_MEASURAND];
    if (!field) continue;
    const k = scale(field, sv.unit);
    const n = numeric(sv);
    if (k === undefined || n === undefined) continue;
    out.push(sv.phase === undefined ? { field, value: n * k } : { field, value: n * k, phase: sv.phase });
  }
  return out;
}

/** Every numeric sampled value, whatever its measurand, in its unit as sent (kilo-units resolved). */
function allReadings(values: readonly SampledValue16[]) {
  return toMeterReadings(values.flatMap((sv) => {
    const value = numeric(sv);
    return value === undefined ? [] : [{
      value,
      ...(sv.measurand !== undefined && { measurand: sv.measurand }),
      ...(sv.unit !== undefined && { unit: sv.unit }),
      ...(sv.phase !== undefined && { phase: sv.phase }),
      ...(sv.location !== undefined && { location: sv.location }),
      ...(sv.context !== undefined && { context: sv.context }),
    }];
  }));
}

/** One MeterSample per meterValue that carries at least one numeric reading. */
export function toMeterSamples(meterValues: readonly MeterValue16[]): MeterSample[] {
  const out: MeterSample[] = [];
  for (const mv of meterValues) {
    const sample = foldReadings(mv.timestamp, readings(mv.sampledValue), allReadings(mv.sampledValue));
    if (sample) out.push(sample);
  }
  return out;
}
