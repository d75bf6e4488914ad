/**
 * A GetCompositeSchedule answer (OCPP 1.6) as steps to draw: each period's limit from its start, on the
 * clock (scheduleStart, or the schedule's startSchedule, or when the answer came), and a last point at the
 * schedule's end so that the last step has a width. Pure.
 */
export interface CompositeStep {
  /** ms since the epoch. */
  at: number;
  limit: number;
}

export interface CompositeSchedule {
  connectorId?: number;
  unit: "W" | "A";
  /** One per period, in order. */
  steps: CompositeStep[];
  /** When the last step ends, ms (the schedule's duration; a minute past the last start when unsaid). */
  endsAt: number;
}

interface Answer {
  status?: string;
  connectorId?: number;
  scheduleStart?: string;
  chargingSchedule?: {
    duration?: number;
    startSchedule?: string;
    chargingRateUnit?: "W" | "A";
    chargingSchedulePeriod?: Array<{ startPeriod: number; limit: number }>;
  };
}

/** Undefined for an answer with no schedule (Rejected, or no profile applies). */
export function compositeSchedule(response: unknown, answeredAtMs: number): CompositeSchedule | undefined {
  const a = response as Answer | undefined;
  const s = a?.chargingSchedule;
  if (a?.status !== "Accepted" || !s?.chargingSchedulePeriod?.length || !s.chargingRateUnit) return undefined;
  const startText = a.scheduleStart ?? s.startSchedule;
  const parsed = startText ? Date.parse(startText) : NaN;
  const start = Number.isNaN(parsed) ? answeredAtMs : parsed;
  const periods = [...s.chargingSchedulePeriod].sort((x, y) => x.startPeriod - y.startPeriod);
  const steps = periods.map((p) => ({ at: start + p.startPeriod * 1000, limit: p.limit }));
  const lastStart = periods.at(-1)!.startPeriod;
  const endS = s.duration !== undefined && s.duration > lastStart ? s.duration : lastStart + 60;
  return {
    ...(a.connectorId !== undefined && { connectorId: a.connectorId }),
    unit: s.chargingRateUnit,
    steps,
    endsAt: start + endS * 1000,
  };
}

/** The chart's series: seconds since the epoch, and the limits (kW for a W schedule, A otherwise). */
export function compositeSeries(c: CompositeSchedule): { xs: number[]; ys: number[] } {
  const scale = c.unit === "W" ? 1 / 1000 : 1;
  const xs = [...c.steps.map((s) => s.at / 1000), c.endsAt / 1000];
  const ys = [...c.steps.map((s) => s.limit * scale), c.steps.at(-1)!.limit * scale];
  return { xs, ys };
}
