/**
 * The neutral rules for turning a meter value's readings into one MeterSample, whatever protocol spelt
 * them: which measurands the domain keeps, and how per-phase readings fold into one number. Each
 * adapter (csms/ocpp16/meter.ts, csms/ocpp201/meter.ts) reads its own wire shape and unit spelling into
 * readings in base units (Wh, W, A, V, %) and hands them here. Pure.
 */
import type { MeterReading, MeterSample } from "../shared/domain.ts";

export type MeterField = "energyWh" | "powerW" | "currentA" | "voltageV" | "socPercent";

/** The measurands the domain keeps (1.6 and 2.0.1 spell them alike), and where each goes. */
export const MEASURAND_FIELD: Readonly<Record<string, MeterField>> = {
  "Energy.Active.Import.Register": "energyWh",
  "Power.Active.Import": "powerW",
  "Current.Import": "currentA",
  "Voltage": "voltageV",
  "SoC": "socPercent",
};

/** Both protocols: a sampled value without a measurand is the energy register. */
export const DEFAULT_MEASURAND = "Energy.Active.Import.Register";

/** One reading in the field's base unit; `phase` as the charger named it, absent for a total. */
export interface Reading {
  field: MeterField;
  value: number;
  phase?: string;
}

const LINE_PHASES = new Set(["L1", "L2", "L3"]);
const LINE_NEUTRAL_PHASES = new Set(["L1-N", "L2-N", "L3-N"]);
const LINE_LINE_PHASES = new Set(["L1-L2", "L2-L3", "L3-L1"]);

/**
 * Folds per-phase readings into one number: energy and power add up over the
 * phases, current is the highest phase (what limits a cable), voltage the mean.
 */
function combinePhases(field: MeterField, byPhase: Map<string, number>): number | undefined {
  for (const set of [LINE_PHASES, LINE_NEUTRAL_PHASES, LINE_LINE_PHASES]) {
    const values = [...byPhase].filter(([p]) => set.has(p)).map(([, v]) => v);
    if (values.length === 0) continue;
    if (field === "currentA") return Math.max(...values);
    if (field === "voltageV") return values.reduce((a, b) => a + b, 0) / values.length;
    if (set === LINE_LINE_PHASES) continue; // line-to-line is meaningful for voltage only
    return values.reduce((a, b) => a + b, 0);
  }
  return undefined;
}

/**
 * One meter value's readings as a sample, `all` its every reading (csms/measurand_readings.ts), which
 * becomes the sample's own list (not copied: the adapters build it fresh per meter value); undefined when
 * it has none at all.
 */
export function foldReadings(
  timestamp: string,
  readings: readonly Reading[],
  all: MeterReading[] = [],
): MeterSample | undefined {
  const sample: MeterSample = { timestamp };
  let phased: Map<MeterField, Map<string, number>> | undefined;
  let any = all.length > 0;
  if (any) sample.readings = all;
  for (const r of readings) {
    if (r.phase === undefined) {
      sample[r.field] = r.value;
      any = true;
    } else {
      phased ??= new Map();
      let m = phased.get(r.field);
      if (!m) phased.set(r.field, m = new Map());
      m.set(r.phase, r.value);
    }
  }
  if (phased) {
    for (const [field, m] of phased) {
      if (sample[field] !== undefined) continue; // a phase-less total wins over its parts
      const v = combinePhases(field, m);
      if (v !== undefined) {
        sample[field] = v;
        any = true;
      }
    }
  }
  return any ? sample : undefined;
}
