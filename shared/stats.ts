/**
 * Aggregates over the fleet's history, for the portal's history page and the stats API: energy per day and
 * sessions started per hour, over a range of whole UTC days. The engines group and sum in SQL (a range
 * costs one pass over transactions, never over meter rows); this module owns what both agree on: the
 * range, its bounds, its keys, and the zero-filled series (an engine returns only the days and hours
 * that had something).
 *
 * Days and hours are UTC: chargers send timestamps with any offset, and one operator's local midnight is
 * another's noon. The page says so.
 */

/** A range of whole UTC days, `from` to `to` inclusive, as YYYY-MM-DD. */
export interface StatsRange {
  from: string;
  to: string;
}

/** The energy of the transactions that ended on one day (or, still running, started on it). */
export interface EnergyDay {
  /** YYYY-MM-DD (UTC). */
  day: string;
  energyWh: number;
  transactions: number;
}

/** The transactions started in one hour. */
export interface SessionHour {
  /** YYYY-MM-DDTHH (UTC). */
  hour: string;
  sessions: number;
}

/** The longest ranges the API serves: a year of days, a month of hours (744 points). */
export const MAX_ENERGY_DAYS = 366;
export const MAX_SESSION_DAYS = 31;

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Milliseconds of a YYYY-MM-DD's UTC midnight, or undefined for anything that is not a real date. */
function dayMs(text: string): number | undefined {
  const m = DATE.exec(text);
  if (!m) return undefined;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  // Date.UTC rolls 2026-02-30 over to March: a date that does not come back the same is not one.
  return new Date(ms).toISOString().slice(0, 10) === text ? ms : undefined;
}

/** The range from query text, or why not: dates as YYYY-MM-DD, `from` not after `to`, at most `maxDays`. */
export function parseStatsRange(
  from: string | undefined,
  to: string | undefined,
  maxDays: number,
): { ok: true; range: StatsRange } | { ok: false; message: string } {
  if (from === undefined || to === undefined) {
    return { ok: false, message: "from and to are required, as dates (YYYY-MM-DD, UTC)" };
  }
  const start = dayMs(from);
  if (start === undefined) return { ok: false, message: `from: "${from}" is not a date (YYYY-MM-DD)` };
  const end = dayMs(to);
  if (end === undefined) return { ok: false, message: `to: "${to}" is not a date (YYYY-MM-DD)` };
  if (start > end) return { ok: false, message: `from (${from}) is after to (${to})` };
  const days = (end - start) / DAY_MS + 1;
  if (days > maxDays) {
    return { ok: false, message: `the range spans ${days} days; at most ${maxDays} are served at once` };
  }
  return { ok: true, range: { from, to } };
}

/** Every day of the range, in order. */
export function rangeDays(range: StatsRange): string[] {
  const start = dayMs(range.from)!;
  const end = dayMs(range.to)!;
  const days: string[] = [];
  for (let ms = start; ms <= end; ms += DAY_MS) days.push(new Date(ms).toISOString().slice(0, 10));
  return days;
}

/** Every hour of the range, in order, as YYYY-MM-DDTHH. */
export function rangeHours(range: StatsRange): string[] {
  const start = dayMs(range.from)!;
  const end = dayMs(range.to)! + DAY_MS;
  const hours: string[] = [];
  for (let ms = start; ms < end; ms += HOUR_MS) hours.push(new Date(ms).toISOString().slice(0, 13));
  return hours;
}

/** Every day of the range, with what the engine found on it and zero on the others. */
export function fillDays(range: StatsRange, found: readonly EnergyDay[]): EnergyDay[] {
  const by = new Map(found.map((d) => [d.day, d]));
  return rangeDays(range).map((day) => by.get(day) ?? { day, energyWh: 0, transactions: 0 });
}

/** Every hour of the range, with the sessions the engine found in it and zero in the others. */
export function fillHours(range: StatsRange, found: readonly SessionHour[]): SessionHour[] {
  const by = new Map(found.map((h) => [h.hour, h.sessions]));
  return rangeHours(range).map((hour) => ({ hour, sessions: by.get(hour) ?? 0 }));
}

/** The first hour key of the range and the last, for an engine's WHERE on its computed hour. */
export function hourBounds(range: StatsRange): { first: string; last: string } {
  return { first: `${range.from}T00`, last: `${range.to}T23` };
}

/** Totals of a filled series, for the page's text beside the charts. */
export function energyTotals(days: readonly EnergyDay[]): { energyWh: number; transactions: number } {
  let energyWh = 0;
  let transactions = 0;
  for (const d of days) {
    energyWh += d.energyWh;
    transactions += d.transactions;
  }
  return { energyWh, transactions };
}

/** Total sessions, and the busiest hour (the first of equals), if any had one. */
export function sessionTotals(hours: readonly SessionHour[]): { sessions: number; busiest?: SessionHour } {
  let sessions = 0;
  let busiest: SessionHour | undefined;
  for (const h of hours) {
    sessions += h.sessions;
    if (h.sessions > 0 && (!busiest || h.sessions > busiest.sessions)) busiest = h;
  }
  return busiest ? { sessions, busiest } : { sessions };
}

/** The `days` days up to and including today (UTC) at `nowMs`: the history page's first view. */
export function lastDays(nowMs: number, days: number): StatsRange {
  const today = Math.floor(nowMs / DAY_MS) * DAY_MS;
  const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return { from: iso(today - (days - 1) * DAY_MS), to: iso(today) };
}
