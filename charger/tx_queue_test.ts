import assert from "node:assert/strict";
import { TransactionQueue, type TxMessage } from "./tx_queue.ts";

const ts = "2025-01-01T00:00:00.000Z";
const start = (localId: number): TxMessage => ({
  action: "StartTransaction",
  localId,
  payload: { connectorId: 1, idTag: "T", meterStart: 0, timestamp: ts },
});
const mv = (localId: number, wh: number): TxMessage => ({
  action: "MeterValues",
  localId,
  payload: { connectorId: 1, meterValue: [{ timestamp: ts, sampledValue: [{ value: String(wh) }] }] },
});
const stop = (localId: number): TxMessage => ({
  action: "StopTransaction",
  localId,
  payload: { meterStop: 10, timestamp: ts, reason: "Local" },
});

Deno.test("tx queue: messages of a transaction started offline get the id from the StartTransaction answer", () => {
  const q = new TransactionQueue();
  const s = start(1), m = mv(1, 5), e = stop(1);
  q.push(s);
  q.push(m);
  q.push(e);
  assert.equal(q.peek(), s);
  assert.deepEqual(q.ready(s)!.payload, s.payload);
  q.delivered(s, 4711);
  assert.equal(q.peek(), m);
  assert.equal((q.ready(m)!.payload as { transactionId: number }).transactionId, 4711);
  q.delivered(m);
  assert.deepEqual(q.ready(e), { action: "StopTransaction", payload: { ...e.payload, transactionId: 4711 } });
  q.delivered(e);
  assert.equal(q.size, 0);
  assert.equal(q.transactionIdOf(1), undefined, "the mapping goes with the Stop");
});

Deno.test("tx queue: delivering anything but the head changes nothing (a late answer)", () => {
  const q = new TransactionQueue();
  const a = start(1), b = start(2);
  q.push(a);
  q.push(b);
  q.delivered(b, 9);
  assert.equal(q.size, 2);
  assert.equal(q.transactionIdOf(2), undefined);
});

Deno.test("tx queue: a transaction whose start was given up cannot send its later messages", () => {
  const q = new TransactionQueue();
  const s = start(1), e = stop(1);
  q.push(s);
  q.push(e);
  q.drop(s);
  assert.equal(q.ready(e), undefined);
});

Deno.test("tx queue: through a long outage the oldest MeterValues go, never Start or Stop", () => {
  const q = new TransactionQueue({ maxMeterValues: 3 });
  q.push(start(1));
  for (let i = 0; i < 10; i++) q.push(mv(1, i));
  q.push(stop(1));
  assert.equal(q.size, 5);
  assert.equal(q.droppedMeterValues, 7);
  const s = q.peek()!;
  assert.equal(s.action, "StartTransaction");
  q.delivered(s, 1);
  const kept: string[] = [];
  while (q.peek()?.action === "MeterValues") {
    const m = q.peek()!;
    kept.push(
      (m.payload as { meterValue: { sampledValue: { value: string }[] }[] }).meterValue[0].sampledValue[0]
        .value,
    );
    q.delivered(m);
  }
  assert.deepEqual(kept, ["7", "8", "9"]);
  assert.equal(q.peek()!.action, "StopTransaction");
});
