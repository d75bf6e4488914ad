import assert from "node:assert/strict";
import { Coalescer, type CoalescerClock } from "./coalescer.ts";

/** A clock the test moves by hand: timers fire in time order, each at its own time. */
class FakeClock implements CoalescerClock {
  t = 0;
  #seq = 0;
  #timers: Array<{ at: number; id: number; fn: () => void }> = [];

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.#seq;
    this.#timers.push({ at: this.t + Math.max(0, ms), id, fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.#timers = this.#timers.filter((x) => x.id !== handle);
  }

  get timers(): number {
    return this.#timers.length;
  }

  /** Moves time to `t`, firing every timer due by then. */
  advanceTo(t: number): void {
    for (;;) {
      const due = this.#timers.filter((x) => x.at <= t).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.#timers = this.#timers.filter((x) => x !== due);
      this.t = due.at;
      due.fn();
    }
    this.t = t;
  }
}

const BATCH_MS = 20;
const MIN_INTERVAL_MS = 400;

function setup() {
  const clock = new FakeClock();
  const batches: Array<{ at: number; keys: string[] }> = [];
  const c = new Coalescer<string>(
    { batchMs: BATCH_MS, minIntervalMs: MIN_INTERVAL_MS, clock },
    (keys) => batches.push({ at: clock.now(), keys }),
  );
  return { clock, batches, c };
}

Deno.test("coalescer: many marks of the same keys become one batch with each key once, on the next tick", () => {
  const { clock, batches, c } = setup();
  for (let i = 0; i < 1000; i++) c.mark(i % 2 === 0 ? "a" : "b");
  assert.equal(c.pending, 2);
  clock.advanceTo(0);
  assert.deepEqual(batches, [{ at: 0, keys: ["a", "b"] }], "the first marks after a quiet spell go at once");
  c.close();
});

Deno.test("coalescer: a charger changing every millisecond goes out once per interval, exactly when it may", () => {
  const { clock, batches, c } = setup();
  for (let t = 0; t < 2000; t++) {
    clock.advanceTo(t);
    c.mark("busy");
  }
  clock.advanceTo(3000);
  const times = batches.map((b) => b.at);
  assert.deepEqual(times, [0, 400, 800, 1200, 1600, 2000]);
  assert.ok(batches.every((b) => b.keys.length === 1 && b.keys[0] === "busy"));
  c.close();
});

Deno.test("coalescer: another charger does not wait for a busy one's interval, only for the short batch", () => {
  const { clock, batches, c } = setup();
  c.mark("busy");
  clock.advanceTo(0); // "busy" goes at 0, and may not again before 400
  clock.advanceTo(5);
  c.mark("busy");
  c.mark("quiet");
  clock.advanceTo(1000);
  assert.deepEqual(batches, [
    { at: 0, keys: ["busy"] },
    { at: BATCH_MS, keys: ["quiet"] }, // one batch window after the last batch, not 400 ms
    { at: MIN_INTERVAL_MS, keys: ["busy"] },
  ]);
  c.close();
});

Deno.test("coalescer: a steady stream from 1,000 chargers, each once a second, goes out in short batches", () => {
  const { clock, batches, c } = setup();
  const marked = new Map<string, number>();
  const seenAfter: number[] = [];
  // Round robin, one charger a millisecond: 1,000 changes a second, each charger once a second.
  for (let t = 0; t < 5000; t++) {
    clock.advanceTo(t);
    const id = `CP-${t % 1000}`;
    marked.set(id, t);
    c.mark(id);
  }
  clock.advanceTo(6000);
  for (const b of batches) for (const id of b.keys) seenAfter.push(b.at - marked.get(id)!);
  // Every change went out, none waited more than one batch window ...
  assert.equal(batches.reduce((n, b) => n + b.keys.length, 0), 5000);
  assert.ok(Math.max(...seenAfter) <= BATCH_MS, `waited up to ${Math.max(...seenAfter)} ms`);
  // ... and batches never came closer together than the window: at most 1000 / BATCH_MS a second.
  for (let i = 1; i < batches.length; i++) assert.ok(batches[i].at - batches[i - 1].at >= BATCH_MS);
  assert.ok(batches.length <= 5000 / BATCH_MS + 1);
  c.close();
});

Deno.test("coalescer: per key, sends are never closer than the interval, whatever the marks", () => {
  const { clock, batches, c } = setup();
  // Pseudo-random marks of 20 keys over 10 s (a fixed sequence: the same every run).
  let x = 12345;
  for (let t = 0; t < 10_000; t += 3) {
    clock.advanceTo(t);
    x = (x * 1103515245 + 12345) % 2 ** 31;
    c.mark(`k${(x >> 16) % 20}`);
  }
  clock.advanceTo(11_000);
  const last = new Map<string, number>();
  for (const b of batches) {
    assert.equal(new Set(b.keys).size, b.keys.length, "a key at most once per batch");
    for (const k of b.keys) {
      const before = last.get(k);
      if (before !== undefined) assert.ok(b.at - before >= MIN_INTERVAL_MS, `${k} at ${before} and ${b.at}`);
      last.set(k, b.at);
    }
  }
  assert.equal(last.size, 20, "every key went out");
  assert.equal(c.pending, 0, "nothing left behind");
  c.close();
});

Deno.test("coalescer: close drops what is pending and stops the timer", () => {
  const { clock, batches, c } = setup();
  c.mark("a");
  c.close();
  c.mark("b");
  assert.equal(c.pending, 0);
  assert.equal(clock.timers, 0);
  clock.advanceTo(10_000);
  assert.deepEqual(batches, []);
});

Deno.test("coalescer: on the real clock, marks become a batch", async () => {
  const batches: string[][] = [];
  const flushed = Promise.withResolvers<void>();
  const c = new Coalescer<string>({ batchMs: 10, minIntervalMs: 50 }, (keys) => {
    batches.push(keys);
    flushed.resolve();
  });
  c.mark("a");
  c.mark("b");
  await flushed.promise;
  assert.deepEqual(batches, [["a", "b"]]);
  c.close();
});
