/**
 * StopTransaction's transactionData (StopTxnSampledData / StopTxnAlignedData) summarises values the
 * charger mostly sent already as MeterValues, often with fewer measurands (the energy register alone). A
 * summary value at an instant the CSMS already holds a sample of is not stored: under the replay key
 * (csms/store/sample_key.ts) a thinner twin of the same instant would be a second row, and charts and
 * histories would show the instant twice. Values at instants never seen (a lost MeterValues, clock-aligned
 * values) are kept.
 */
import type { MeterValue16 } from "../../shared/ocpp/actions16.ts";

export function unseenTransactionData(
  transactionData: readonly MeterValue16[],
  storedTimestamps: Iterable<string>,
): MeterValue16[] {
  const seen = new Set<number>();
  for (const t of storedTimestamps) seen.add(Date.parse(t));
  return transactionData.filter((mv) => !seen.has(Date.parse(mv.timestamp)));
}

/**
 * The earliest instant of a summary, spelled as the stores spell timestamps (toISOString), so that a
 * history read can start there: stored text compares as text, and "10:05:00Z" sorts after "10:05:00.000Z".
 */
export function earliestInstant(transactionData: readonly MeterValue16[]): string | undefined {
  let min = Infinity;
  for (const mv of transactionData) min = Math.min(min, Date.parse(mv.timestamp));
  return Number.isFinite(min) ? new Date(min).toISOString() : undefined;
}
