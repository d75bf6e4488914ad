/**
 * Reads OCPP 1.6 meterValue lists into MeterSamples in base units (Wh, W, A, V, %): 1.6's unit spelling
 * and text values here, the measurand and phase rules in csms/meter_readings.ts. Pure.
 */
import type { MeterValue16, SampledValue16 } from "../../shared/ocpp/actions16.ts";
import type { MeterReading, MeterSample } from "../../shared/domain.ts";
import {
  DEFAULT_MEASURAND,
  foldReadings,
  MEASURAND_FIELD,
  type MeterField,
  type Reading,
} from "../meter_readings.ts";
import { MAX_READINGS_PER_SAMPLE, toMeterReading } from "../measurand_readings.ts";

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

/**
 * One MeterSample per meterValue that carries at least one numeric reading. Each sampled value is read
 * once, into both the folded fields and the full reading list: this runs for every MeterValues a fleet
 * sends, so no intermediate arrays or spread objects.
 */
export function toMeterSamples(meterValues: readonly MeterValue16[]): MeterSample[] {
  const out: MeterSample[] = [];
  for (const mv of meterValues) {
    const folded: Reading[] = [];
    const all: MeterReading[] = [];
    for (const sv of mv.sampledValue) {
      const n = numeric(sv);
      if (n === undefined) continue;
      if (all.length < MAX_READINGS_PER_SAMPLE) {
        const r = toMeterReading({
          measurand: sv.measurand,
          value: n,
          unit: sv.unit,
          phase: sv.phase,
          location: sv.location,
          context: sv.context,
        });
        if (r) all.push(r);
      }
      const field = MEASURAND_FIELD[sv.measurand ?? DEFAULT_MEASURAND];
      if (!field) continue;
      const k = scale(field, sv.unit);
      if (k === undefined) continue;
      folded.push(
        sv.phase === undefined ? { field, value: n * k } : { field, value: n * k, phase: sv.phase },
      );
    }
    const sample = foldReadings(mv.timestamp, folded, all);
    if (sample) out.push(sample);
  }
  return out;
}
