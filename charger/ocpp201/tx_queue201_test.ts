import assert from "node:assert/strict";
import { TransactionEventQueue } from "./tx_queue201.ts";
import type { TransactionEventRequest } from "./types.ts";

const ev = (transactionId: string, eventType: TransactionEventRequest["eventType"], seqNo: number) =>
  ({
    eventType,
    seqNo,
    timestamp: "2025-01-01T00:00:00Z",
    triggerReason: "MeterValuePeriodic",
    transactionInfo: { transactionId },
  }) satisfies TransactionEventRequest;

Deno.test("tx event queue: in order; bounded by dropping the oldest Updated, never Started or Ended", () => {
  const q = new TransactionEventQueue({ maxUpdates: 2 });
  const all = [
    ev("a", "Started", 0),
    ev("a", "Updated", 1),
    ev("a", "Updated", 2),
    ev("a", "Updated", 3),
    ev("a", "Ended", 4),
  ];
  for (const e of all) q.push(e);
  assert.equal(q.size, 4);
  assert.equal(q.droppedUpdates, 1);
  const out = [];
  for (let e = q.peek(); e; e = q.peek()) {
    out.push(e.seqNo);
    q.shift(e);
  }
  assert.deepEqual(out, [0, 2, 3, 4]);
});

Deno.test("tx event queue: knows which transactions have messages waiting; shift only takes the head", () => {
  const q = new TransactionEventQueue();
  const a = ev("a", "Started", 0);
  q.push(a);
  q.push(ev("b", "Started", 0));
  assert.equal(q.has(), true);
  assert.equal(q.has("a"), true);
  assert.equal(q.has("c"), false);
  q.shift(ev("b", "Started", 0));
  assert.equal(q.size, 2);
  q.shift(a);
  assert.equal(q.has("a"), false);
});
