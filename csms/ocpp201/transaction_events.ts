/**
 * Decisions over a 2.0.1 transaction's TransactionEvents, free of I/O. A charging station numbers the
 * events of each transaction with seqNo, from 0 (Started) up by one (OCPP 2.0.1 E.01/E.02): a number
 * skipped means an event the CSMS never got, a number seen again is a replay (its answer was lost, or the
 * station resent its offline queue). A replay must change nothing; a gap is noted for the operator; a
 * transaction whose Started never arrived is still recorded from its first event that did.
 */

/** What the CSMS has seen of one transaction's seqNos. */
export interface SeqState {
  /** The highest seqNo seen. */
  highest: number;
  /** seqNos below `highest` not seen yet (at most MAX_MISSING kept; `missingCount` counts them all). */
  missing: number[];
  missingCount: number;
  /** Its Ended has been handled. */
  ended: boolean;
}

/** How many missing seqNos one transaction remembers by number (a station that skips thousands is noted once). */
export const MAX_MISSING = 64;

export type SeqVerdict =
  /** Not seen before. `gap`: the seqNos it skipped (from..to), when it skipped any; `late`: it fills a gap. */
  | { kind: "fresh"; gap?: { from: number; to: number }; late: boolean }
  /** Seen before: answer it again, record nothing. */
  | { kind: "replay" };

/** Judges one seqNo against what was seen of its transaction (undefined: nothing yet). */
export function judgeSeqNo(state: SeqState | undefined, seqNo: number): SeqVerdict {
  const highest = state?.highest ?? -1;
  if (seqNo > highest) {
    return seqNo > highest + 1 ? { kind: "fresh", gap: { from: highest + 1, to: seqNo - 1 }, late: false } : {
      kind: "fresh",
      late: false,
    };
  }
  // Below the highest: a late arrival fills a gap, anything else was seen. The list keeps the first
  // MAX_MISSING missing numbers: past its last one, while more are missing than kept, a number not kept
  // may be missing too, and is taken for a late arrival (storage still catches a replay).
  const { missing, missingCount } = state!;
  if (missing.includes(seqNo)) return { kind: "fresh", late: true };
  const unkept = missingCount > missing.length && seqNo > missing[missing.length - 1] && seqNo < highest;
  return unkept ? { kind: "fresh", late: true } : { kind: "replay" };
}

/** The state after a fresh seqNo was handled. */
export function recordSeqNo(state: SeqState | undefined, seqNo: number, ended: boolean): SeqState {
  const next: SeqState = state
    ? { ...state, missing: [...state.missing] }
    : { highest: -1, missing: [], missingCount: 0, ended: false };
  if (seqNo > next.highest) {
    // Bounded by MAX_MISSING, not by the gap: a station may send any seqNo.
    for (let n = next.highest + 1; n < seqNo && next.missing.length < MAX_MISSING; n++) next.missing.push(n);
    next.missingCount += seqNo - next.highest - 1;
    next.highest = seqNo;
  } else {
    const i = next.missing.indexOf(seqNo);
    if (i >= 0) next.missing.splice(i, 1);
    next.missingCount = Math.max(0, next.missingCount - 1);
  }
  next.ended ||= ended;
  return next;
}

/** Where the CSMS's storage stands on the transaction an event names. */
export type KnownAs = "open" | "stopped" | "unknown";

export interface TransactionPlan {
  /** Record the transaction as started (from this event). */
  start: boolean;
  /** Record it as stopped (from this event). */
  stop: boolean;
  /** It is started from an Updated or Ended event: its Started never arrived. */
  lostStart: boolean;
}

/**
 * What one fresh event does to storage. A Started for a transaction already open is its resend; an event
 * for one already stopped is a replay after its end (the storage knows it although this process does not:
 * a restart, another node). Updated and Ended for an unknown transaction record it all the same: the
 * station charged, and its Started was lost.
 */
export function planTransactionEvent(
  eventType: "Started" | "Updated" | "Ended",
  known: KnownAs,
): TransactionPlan {
  const unknown = known === "unknown";
  switch (eventType) {
    case "Started":
      return { start: unknown, stop: false, lostStart: false };
    case "Updated":
      return { start: unknown, stop: false, lostStart: unknown };
    case "Ended":
      return { start: unknown, stop: known !== "stopped", lostStart: unknown };
  }
}

/** Transactions whose seqNos one CSMS node tracks at once; beyond, the least recently used are forgotten. */
export const MAX_TRACKED_TRANSACTIONS = 20_000;

/**
 * Every charger's transactions' seqNo states, per CSMS node, across reconnections (a replay most often
 * follows a reconnect). Bounded: a forgotten transaction's replay is still caught by storage (its open
 * transaction, its stop, its samples' keys), only its gaps go unnoticed.
 */
export class TransactionSequences {
  #states = new Map<string, SeqState>();

  constructor(readonly capacity = MAX_TRACKED_TRANSACTIONS) {}

  #key(chargerId: string, transactionId: string): string {
    return `${chargerId}\u0000${transactionId}`;
  }

  get(chargerId: string, transactionId: string): SeqState | undefined {
    return this.#states.get(this.#key(chargerId, transactionId));
  }

  judge(chargerId: string, transactionId: string, seqNo: number): SeqVerdict {
    return judgeSeqNo(this.get(chargerId, transactionId), seqNo);
  }

  /** After a fresh event was handled (not before: an event whose handling failed is not seen, it will come again). */
  record(chargerId: string, transactionId: string, seqNo: number, ended: boolean): void {
    const key = this.#key(chargerId, transactionId);
    const next = recordSeqNo(this.#states.get(key), seqNo, ended);
    this.#states.delete(key);
    this.#states.set(key, next);
    if (this.#states.size > this.capacity) this.#states.delete(this.#states.keys().next().value!);
  }

  get size(): number {
    return this.#states.size;
  }
}
