/**
 * Every sampled value of a meter value as a MeterReading, whatever its measurand: the domain's five
 * folded fields (csms/meter_readings.ts) cover what the charts need, these keep the rest (Power.Offered,
 * Current.Offered, Frequency, Temperature, reactive power, ...) for the charger page's table. Units are
 * brought to their base (kWh → Wh, kW → W, kvar → var, a 2.0.1 multiplier applied); an absent unit is the
 * measurand's default as both protocols define it. Pure.
 */
import type { MeterReading } from "../shared/domain.ts";
import { DEFAULT_MEASURAND } from "./meter_readings.ts";

/** Readings kept per meter value at most: a charger cannot grow a row without bound. */
export const MAX_READINGS_PER_SAMPLE = 64;

/** Both protocols' default unit of a measurand, by its name's start. */
const DEFAULT_UNITS: readonly [string, string][] = [
  ["Energy.Active", "Wh"],
  ["Energy.Reactive", "varh"],
  ["Power.Active", "W"],
  ["Power.Offered", "W"],
  ["Power.Reactive", "var"],
  ["Current", "A"],
  ["Voltage", "V"],
  ["Frequency", "Hz"],
  ["Temperature", "Celsius"],
  ["SoC", "Percent"],
];

const KILO: Readonly<Record<string, string>> = { kWh: "Wh", kW: "W", kvar: "var", kvarh: "varh", kVA: "VA" };

export interface RawReading {
  measurand?: string;
  value: number;
  unit?: string;
  /** 2.0.1's power of ten. */
  multiplier?: number;
  phase?: string;
  location?: string;
  context?: string;
}

function defaultUnit(measurand: string): string | undefined {
  return DEFAULT_UNITS.find(([prefix]) => measurand.startsWith(prefix))?.[1];
}

export function toMeterReading(raw: RawReading): MeterReading | undefined {
  const measurand = raw.measurand ?? DEFAULT_MEASURAND;
  let value = raw.value * 10 ** (raw.multiplier ?? 0);
  let unit = raw.unit ?? defaultUnit(measurand);
  if (unit !== undefined && KILO[unit]) {
    value *= 1000;
    unit = KILO[unit];
  }
  if (!Number.isFinite(value)) return undefined;
  const r: MeterReading = { measurand, value };
  if (unit !== undefined) r.unit = unit;
  if (raw.phase !== undefined) r.phase = raw.phase;
  if (raw.location !== undefined) r.location = raw.location;
  if (raw.context !== undefined) r.context = raw.context;
  return r;
}
