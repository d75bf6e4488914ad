/**
 * Latency statistics for the bench: HdrHistogram (npm hdr-histogram-js) records every round trip in
 * microseconds in bounded memory, and its compressed encoding lets a driver process hand its whole
 * distribution to the orchestrator, which merges drivers exactly instead of averaging percentiles.
 */
import * as hdr from "hdr-histogram-js";

/** One hour in microseconds: anything slower is clamped, not lost. */
const HIGHEST_US = 3_600_000_000;

export type Histogram = hdr.Histogram;

export function newHistogram(): Histogram {
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_US,
    numberOfSignificantValueDigits: 3,
  });
}

/** Records a duration given in milliseconds (performance.now() differences). */
export function recordMs(h: Histogram, ms: number): void {
  h.recordValue(Math.min(HIGHEST_US, Math.max(1, Math.round(ms * 1000))));
}

/** A distribution as the bench prints it: milliseconds, three decimals. */
export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

const ms3 = (us: number) => Math.round(us) / 1000;

export function summarize(h: Histogram): LatencySummary {
  if (h.totalCount === 0) return { count: 0, p50: 0, p90: 0, p99: 0, max: 0, mean: 0 };
  // A percentile is reported as its bucket's upper bound, which can pass the exact maximum: cap it there.
  const at = (p: number) => ms3(Math.min(h.getValueAtPercentile(p), h.maxValue));
  return {
    count: h.totalCount,
    p50: at(50),
    p90: at(90),
    p99: at(99),
    max: ms3(h.maxValue),
    mean: ms3(h.mean),
  };
}

export function encodeHistogram(h: Histogram): string {
  return hdr.encodeIntoCompressedBase64(h);
}

/** Adds every encoded distribution into one histogram. */
export function mergeEncoded(encoded: readonly string[]): Histogram {
  const total = newHistogram();
  for (const e of encoded) {
    const part = hdr.decodeFromCompressedBase64(e);
    total.add(part);
    part.destroy();
  }
  return total;
}
