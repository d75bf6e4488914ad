/**
 * The meter values a transaction collects for its StopTransaction's transactionData (OCPP 1.6
 * StopTxnSampledData, StopTxnAlignedData), pure. Each transaction's series is bounded: when it is full
 * every other value is dropped and from then on only every other value offered is kept, so a long
 * transaction keeps an evenly spaced, coarser series over its whole length rather than only its
 * beginning or its end.
 */
import type { MeterValue16 } from "../shared/ocpp/mod.ts";

/** The most meter values kept for one transaction (the Stop carries them all in one frame). */
export const MAX_TX_SERIES = 64;

export class TxSeries {
  readonly #max: number;
  #series = new Map<number, { values: MeterValue16[]; stride: number; offered: number }>();

  constructor(max = MAX_TX_SERIES) {
    if (max < 2) throw new RangeError("a series keeps at least 2 values");
    this.#max = max;
  }

  /** A transaction (by local id) begins collecting; `first` is its Transaction.Begin value, if any. */
  begin(localId: number, first?: MeterValue16): void {
    this.#series.set(localId, { values: first ? [first] : [], stride: 1, offered: 0 });
  }

  /** Offers a value to a collecting transaction; values for others are ignored. */
  add(localId: number, mv: MeterValue16 | undefined): void {
    const s = this.#series.get(localId);
    if (!s || !mv) return;
    s.offered++;
    if (s.offered % s.stride !== 0) return;
    s.values.push(mv);
    if (s.values.length >= this.#max) {
      s.values = s.values.filter((_, i) => i % 2 === 0);
      s.stride *= 2;
    }
  }

  /** Ends a transaction's collection: its values in order, with `last` (Transaction.End) appended. */
  take(localId: number, last?: MeterValue16): MeterValue16[] {
    const s = this.#series.get(localId)?.values ?? [];
    this.#series.delete(localId);
    return last ? [...s, last] : s;
  }

  /** How many values a transaction holds now. */
  size(localId: number): number {
    return this.#series.get(localId)?.values.length ?? 0;
  }
}
