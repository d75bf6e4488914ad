import assert from "node:assert/strict";
import {
  judgeSeqNo,
  MAX_MISSING,
  planTransactionEvent,
  recordSeqNo,
  type SeqState,
  TransactionSequences,
} from "./transaction_events.ts";

function feed(seqNos: number[]): SeqState | undefined {
  let s: SeqState | undefined;
  for (const n of seqNos) s = recordSeqNo(s, n, false);
  return s;
}

Deno.test("transaction events: seqNos in order are fresh, none skipped", () => {
  assert.deepEqual(judgeSeqNo(undefined, 0), { kind: "fresh", late: false });
  assert.deepEqual(judgeSeqNo(feed([0]), 1), { kind: "fresh", late: false });
  assert.deepEqual(feed([0, 1, 2]), { highest: 2, missing: [], missingCount: 0, ended: false });
});

Deno.test("transaction events: a skipped seqNo is a gap; its late arrival fills it", () => {
  assert.deepEqual(judgeSeqNo(feed([0]), 3), { kind: "fresh", gap: { from: 1, to: 2 }, late: false });
  const s = feed([0, 3]);
  assert.deepEqual(s, { highest: 3, missing: [1, 2], missingCount: 2, ended: false });
  assert.deepEqual(judgeSeqNo(s, 2), { kind: "fresh", late: true });
  assert.deepEqual(recordSeqNo(s, 2, false), { highest: 3, missing: [1], missingCount: 1, ended: false });
  // A first event that is not seqNo 0: the ones before it are missing (its Started, say).
  assert.deepEqual(judgeSeqNo(undefined, 2), { kind: "fresh", gap: { from: 0, to: 1 }, late: false });
});

Deno.test("transaction events: a seqNo seen before is a replay", () => {
  const s = feed([0, 1, 3]);
  for (const n of [0, 1, 3]) assert.deepEqual(judgeSeqNo(s, n), { kind: "replay" }, String(n));
  // The state is not changed by judging: the first copy is still fresh until recorded.
  assert.deepEqual(judgeSeqNo(s, 2), { kind: "fresh", late: true });
  assert.deepEqual(judgeSeqNo(recordSeqNo(s, 2, false), 2), { kind: "replay" });
});

Deno.test("transaction events: a huge gap keeps a bounded list and still tells late arrivals", () => {
  const s = feed([0, 1000]);
  assert.equal(s!.missing.length, MAX_MISSING);
  assert.equal(s!.missingCount, 999);
  assert.deepEqual(judgeSeqNo(s, 500), { kind: "fresh", late: true });
  assert.deepEqual(judgeSeqNo(s, 1000), { kind: "replay" });
  assert.deepEqual(judgeSeqNo(s, 0), { kind: "replay" });
  // The work is bounded by the list, not by the number a station sends.
  assert.equal(feed([0, 2 ** 31 - 1])!.missingCount, 2 ** 31 - 2);
});

Deno.test("transaction events: what each event does to storage", () => {
  assert.deepEqual(planTransactionEvent("Started", "unknown"), {
    start: true,
    stop: false,
    lostStart: false,
  });
  assert.deepEqual(planTransactionEvent("Started", "open"), { start: false, stop: false, lostStart: false });
  assert.deepEqual(planTransactionEvent("Updated", "open"), { start: false, stop: false, lostStart: false });
  assert.deepEqual(planTransactionEvent("Updated", "unknown"), { start: true, stop: false, lostStart: true });
  assert.deepEqual(planTransactionEvent("Updated", "stopped"), {
    start: false,
    stop: false,
    lostStart: false,
  });
  assert.deepEqual(planTransactionEvent("Ended", "open"), { start: false, stop: true, lostStart: false });
  assert.deepEqual(planTransactionEvent("Ended", "unknown"), { start: true, stop: true, lostStart: true });
  assert.deepEqual(planTransactionEvent("Ended", "stopped"), { start: false, stop: false, lostStart: false });
});

Deno.test("transaction events: sequences per charger and transaction, the oldest forgotten past capacity", () => {
  const seq = new TransactionSequences(2);
  seq.record("A", "t1", 0, false);
  seq.record("B", "t1", 0, false);
  assert.deepEqual(seq.judge("A", "t1", 0), { kind: "replay" });
  assert.deepEqual(seq.judge("A", "t2", 0), { kind: "fresh", late: false });
  seq.record("A", "t1", 1, true); // used again: B/t1 is now the oldest
  seq.record("A", "t2", 0, false);
  assert.equal(seq.size, 2);
  assert.equal(seq.get("B", "t1"), undefined);
  assert.equal(seq.get("A", "t1")?.ended, true);
});
