/**
 * The charger page's table of measurands: of the samples at hand, the latest value of each measurand per
 * EVSE, phase and location, whatever the charger sent (the readings kept with each sample). Pure.
 */
import type { LocatedSample } from "../../shared/queries.ts";

export interface MeasurandRow {
  evseId: number;
  measurand: string;
  phase?: string;
  location?: string;
  value: number;
  unit?: string;
  context?: string;
  at: string;
}

const rowKey = (evseId: number, r: { measurand: string; phase?: string; location?: string }) =>
  `${evseId}\u0000${r.measurand}\u0000${r.phase ?? ""}\u0000${r.location ?? ""}`;

/** One row per EVSE, measurand, phase and location: the newest reading (by sample timestamp). */
export function latestReadings(samples: readonly LocatedSample[]): MeasurandRow[] {
  const latest = new Map<string, MeasurandRow>();
  for (const s of samples) {
    for (const r of s.readings ?? []) {
      const key = rowKey(s.evseId, r);
      const seen = latest.get(key);
      if (seen && seen.at > s.timestamp) continue;
      latest.set(key, { evseId: s.evseId, ...r, at: s.timestamp });
    }
  }
  return [...latest.values()].sort((a, b) =>
    a.evseId - b.evseId || a.measurand.localeCompare(b.measurand) ||
    (a.phase ?? "").localeCompare(b.phase ?? "") || (a.location ?? "").localeCompare(b.location ?? "")
  );
}

/** A value as the table shows it: at most three decimals, its unit after it. */
export function formatReading(value: number, unit?: string): string {
  const n = Number.isInteger(value) ? String(value) : String(Math.round(value * 1000) / 1000);
  return unit ? `${n} ${unit}` : n;
}
