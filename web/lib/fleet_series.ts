/**
 * The fleet's recent history for the fleet page's charts: total power and chargers charging, one point per
 * bucket over the last span (an hour), the latest reading of a bucket standing for it. Pure; the clock is
 * a dependency, as web/lib/coalescer.ts's is, so tests run it on a clock of their own.
 *
 * Kept in memory, not read from storage: the portal already folds every bus event into its fleet state
 * (web/lib/fleet_state.ts), so a point costs a sum over rows it holds anyway, while the same series from
 * storage would be the latest sample of every charger at every bucket of the hour, a window over every
 * meter row of the hour, and meter_values has no index by time across chargers. What that costs: a portal
 * started less than an hour ago shows the history since its start (every portal node hears the same bus,
 * so they agree from then on). The server keeps one series and seeds each page with it; the page then
 * records what its own fleet feed says.
 */
import type { FleetRow } from "./fleet.ts";

export interface FleetTotals {
  /** Present power of the whole fleet, W. */
  powerW: number;
  /** Chargers whose headline status is Charging. */
  charging: number;
}

export interface FleetPoint extends FleetTotals {
  /** The bucket's start, ms since the epoch. */
  at: number;
}

/** What a page starts from: the points and how they are spaced. */
export interface FleetHistory {
  bucketMs: number;
  spanMs: number;
  points: FleetPoint[];
}

export interface SeriesClock {
  now(): number;
}

export interface FleetSeriesOptions {
  /** One point per this many ms. */
  bucketMs: number;
  /** Points older than this are dropped. */
  spanMs: number;
  clock?: SeriesClock;
}

/** The fleet page's defaults: a point every 10 s over the last hour (360 points). */
export const FLEET_SERIES_BUCKET_MS = 10_000;
export const FLEET_SERIES_SPAN_MS = 3_600_000;

/** The totals of a set of rows: what one point says. */
export function fleetTotals(rows: Iterable<FleetRow>): FleetTotals {
  let powerW = 0;
  let charging = 0;
  for (const row of rows) {
    powerW += row.powerW;
    if (row.status === "Charging") charging++;
  }
  return { powerW, charging };
}

export class FleetSeries {
  #points: FleetPoint[] = [];
  readonly bucketMs: number;
  readonly spanMs: number;
  readonly #clock: SeriesClock;

  constructor(options: FleetSeriesOptions, seed: readonly FleetPoint[] = []) {
    this.bucketMs = options.bucketMs;
    this.spanMs = options.spanMs;
    this.#clock = options.clock ?? { now: () => Date.now() };
    for (const p of seed) this.#put(p);
  }

  /** The totals now: the point of the present bucket (replacing what it held). */
  record(totals: FleetTotals): void {
    const at = Math.floor(this.#clock.now() / this.bucketMs) * this.bucketMs;
    this.#put({ at, powerW: totals.powerW, charging: totals.charging });
  }

  /** The points within the span, oldest first. */
  points(): FleetPoint[] {
    this.#trim();
    return this.#points.slice();
  }

  latest(): FleetPoint | undefined {
    this.#trim();
    return this.#points.at(-1);
  }

  history(): FleetHistory {
    return { bucketMs: this.bucketMs, spanMs: this.spanMs, points: this.points() };
  }

  #put(p: FleetPoint): void {
    const last = this.#points.at(-1);
    if (!last || p.at > last.at) this.#points.push(p);
    else if (p.at === last.at) this.#points[this.#points.length - 1] = p;
    // An older point (a seed out of order) goes in its place, unless a point holds its bucket already.
    else {
      const i = this.#points.findIndex((q) => q.at >= p.at);
      if (this.#points[i].at !== p.at) this.#points.splice(i, 0, p);
    }
    this.#trim();
  }

  #trim(): void {
    const oldest = this.#clock.now() - this.spanMs;
    let drop = 0;
    while (drop < this.#points.length && this.#points[drop].at < oldest) drop++;
    if (drop > 0) this.#points.splice(0, drop);
  }
}
