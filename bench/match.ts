/**
 * Matches what a subscriber saw with what the driver sent: a charger's energy register rises with every
 * MeterValues it sends, so (charger, energy) names one message, and the difference of the two wall
 * clocks is how long that reading took to reach the portal client. Pure.
 */
import type { Observation, SendRecord } from "./protocol.ts";
import { type Histogram, newHistogram, recordMs } from "./stats.ts";

export interface MatchResult {
  histogram: Histogram;
  /** Observations of a message sent in the window. */
  matched: number;
  /** Observations of messages sent outside the window (warm-up, or after it): not counted. */
  outside: number;
}

export function matchLatencies(sends: readonly SendRecord[], seen: readonly Observation[]): MatchResult {
  const sentAt = new Map<string, number>();
  for (const [id, energy, at] of sends) sentAt.set(`${id}\u0000${energy}`, at);
  const histogram = newHistogram();
  let matched = 0, outside = 0;
  for (const [id, energy, at] of seen) {
    const t = sentAt.get(`${id}\u0000${energy}`);
    if (t === undefined) {
      outside++;
      continue;
    }
    matched++;
    recordMs(histogram, at - t);
  }
  return { histogram, matched, outside };
}
