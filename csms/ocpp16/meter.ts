/**
 * Reads OCPP 1.6 meterValue lists into MeterSamples in base units (Wh, W, A, V, %).
 * Pure, so that the unit and phase rules are unit-tested.
 */
import type { MeterValue16, SampledValue16 } from "../../shared/ocpp/actions16.ts";
import type { MeterSample } from "../../shared/domain.ts";

type Field = "energyWh" | "powerW" | "currentA" | "voltageV" | "socPercent";

const MEASURAND_FIELD: Record<string, Field> = {
  "Energy.Active.Import.Register": "energyWh",
  "Power.Active.Import": "powerW",
  "Current.Import": "currentA",
  "Voltage": "voltageV",
  "SoC": "socPercent",
};

/** Multiplier from the unit a charger reported to our base unit; undefined when it does not fit the measurand. */
function scale(field: Field, unit: string | undefined): number | undefined {
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

const LINE_PHASES = new Set(["L1", "L2", "L3"]);
const LINE_NEUTRAL_PHASES = new Set(["L1-N", "L2-N", "L3-N"]);
const LINE_LINE_PHASES = new Set(["L1-L2", "L2-L3", "L3-L1"]);

/**
 * Folds per-phase readings into one number: energy and power add up over the
 * phases, current is the highest phase (what limits a cable), voltage the mean.
 */
function combinePhases(field: Field, byPhase: Map<string, number>): number | undefined {
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

function numeric(v: SampledValue16): number | undefined {
  if (v.format === "SignedData") return undefined;
  const n = Number(v.value);
  return v.value.trim() !== "" && Number.isFinite(n) ? n : undefined;
}

/** One MeterSample per meterValue that carries at least one reading we understand. */
export function toMeterSamples(meterValues: readonly MeterValue16[]): MeterSample[] {
  const out: MeterSample[] = [];
  for (const mv of meterValues) {
    const sample: MeterSample = { timestamp: mv.timestamp };
    let phased: Map<Field, Map<string, number>> | undefined;
    let any = false;
    for (const sv of mv.sampledValue) {
      const field = MEASURAND_FIELD[sv.measurand ?? "Energy.Active.Import.Register"];
      if (!field) continue;
      const k = scale(field, sv.unit);
      const n = numeric(sv);
      if (k === undefined || n === undefined) continue;
      if (sv.phase === undefined) {
        sample[field] = n * k;
        any = true;
      } else {
        phased ??= new Map();
        let m = phased.get(field);
        if (!m) phased.set(field, m = new Map());
        m.set(sv.phase, n * k);
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
    if (any) out.push(sample);
  }
  return out;
}
