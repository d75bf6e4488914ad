import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { Backlog, Outbox, SlowConsumerCounters } from "./outbox.ts";

/** Stands in for engine.io's socket: the events the outbox listens to, emitted as engine.io emits them. */
class FakeEngine extends EventEmitter {
  queue(type: string, data?: string) {
    this.emit("packetCreate", { type, data });
  }
  flush() {
    this.emit("flush");
    this.emit("drain");
  }
}

Deno.test("outbox: counts queued messages and their size until the engine flushes them", () => {
  const engine = new FakeEngine();
  let drains = 0;
  const outbox = new Outbox({ packets: 3, bytes: 100 }, engine, () => drains++);
  engine.queue("message", "x".repeat(10));
  engine.queue("ping");
  engine.queue("message", "y".repeat(20));
  assert.equal(outbox.packets, 2, "heartbeats do not count");
  assert.equal(outbox.bytes, 30);
  assert.equal(outbox.full(), false);
  engine.queue("message", "z");
  assert.equal(outbox.full(), true, "three packets: the packet bound");
  engine.flush();
  assert.equal(outbox.packets, 0);
  assert.equal(outbox.bytes, 0);
  assert.equal(drains, 1);
  engine.queue("message", "x".repeat(100));
  assert.equal(outbox.full(), true, "100 bytes: the byte bound");
  engine.queue("message", new Uint8Array(7) as unknown as string);
  assert.equal(outbox.bytes, 107);
});

Deno.test("outbox: a backlog keeps what was missed in bounded forms, and clears", () => {
  const b = new Backlog();
  assert.equal(b.pending, false);
  b.fleetRows.add("A");
  b.fleetRows.add("A");
  b.charger = true;
  b.transaction = { type: "transaction.stopped" };
  b.dropped = 3;
  assert.equal(b.pending, true);
  assert.equal(b.fleetRows.size, 1);
  b.clear();
  assert.equal(b.pending, false);
  assert.equal(b.dropped, 0);
});

Deno.test("outbox: counters keep the high-water mark and the drops by kind", () => {
  const engine = new FakeEngine();
  const outbox = new Outbox({ packets: 10, bytes: 1000 }, engine, () => {});
  const counters = new SlowConsumerCounters(outbox.limits);
  engine.queue("message", "abc");
  counters.observe(outbox);
  engine.queue("message", "de");
  counters.observe(outbox);
  engine.flush();
  counters.observe(outbox);
  counters.drop("chargerEvents", 2);
  counters.drop("fleetUpdates");
  const s = counters.snapshot();
  assert.deepEqual(s.maxBuffered, { packets: 2, bytes: 5 });
  assert.deepEqual(s.dropped, { chargerEvents: 2, fleetUpdates: 1, transactions: 0, snapshots: 0, total: 3 });
  assert.deepEqual(s.limits, { packets: 10, bytes: 1000 });
});
