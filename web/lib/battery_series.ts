/** The battery chart's series, from the meter samples and the charging limit's history. Pure. */
import { limitAt, type LimitStep } from "./charging_limit.ts";
import type { MeterPoint } from "./protocol.ts";

export type BatteryData = [number[], (number | null)[], (number | null)[], (number | null)[]];

/**
 * Time, SoC, power (kW) and the charging limit (kW, by `limits`; null where there is none). The limit's
 * changes after the first sample are points of their own (SoC and power are null there, and their lines
 * span them), so that the limit steps where it changed, not at the next sample.
 */
export function chartData(points: readonly MeterPoint[], limits: readonly LimitStep[] = []): BatteryData {
  const rows: Array<{ t: number; soc: number | null; kw: number | null }> = [];
  for (const p of points) {
    if (p.socPercent === undefined && p.powerW === undefined) continue;
    const t = Date.parse(p.timestamp) / 1000;
    if (!Number.isFinite(t)) continue;
    rows.push({ t, soc: p.socPercent ?? null, kw: p.powerW === undefined ? null : p.powerW / 1000 });
  }
  if (rows.length > 0) {
    const first = rows[0].t;
    for (const step of limits) {
      const t = step.at / 1000;
      if (t > first && !rows.some((r) => r.t === t)) rows.push({ t, soc: null, kw: null });
    }
    rows.sort((a, b) => a.t - b.t);
  }
  const limit = rows.map((r) => {
    const w = limitAt(limits, r.t * 1000);
    return w === null ? null : w / 1000;
  });
  return [rows.map((r) => r.t), rows.map((r) => r.soc), rows.map((r) => r.kw), limit];
}

/** How many of the chart's points are samples (the others are the limit's steps). */
export function batterySampleCount(data: BatteryData): number {
  return data[1].filter((v, i) => v !== null || data[2][i] !== null).length;
}
