import assert from "node:assert/strict";
import { SlidingWindowLimit } from "./rate_limit.ts";

Deno.test("rate limit: trips on the limit+1-th event inside the window only", () => {
  const l = new SlidingWindowLimit(3, 60_000);
  assert.deepEqual([l.hit(0), l.hit(1000), l.hit(2000)], [false, false, false]);
  assert.equal(l.hit(59_999), true);
  const slow = new SlidingWindowLimit(3, 60_000);
  // Spread out: never more than 3 in any minute.
  for (let i = 0; i < 20; i++) assert.equal(slow.hit(i * 20_001), false);
});

Deno.test("rate limit: a limit of 0 never trips", () => {
  const l = new SlidingWindowLimit(0, 60_000);
  for (let i = 0; i < 100; i++) assert.equal(l.hit(i), false);
});

Deno.test("rate limit: a large limit counts in buckets, trips past the limit, and forgets a minute later", () => {
  const l = new SlidingWindowLimit(1000, 60_000);
  for (let i = 0; i < 1000; i++) assert.equal(l.hit(i * 10), false, `event ${i}`);
  assert.equal(l.hit(10_000), true, "the 1001st event in the minute");
  // A minute on, the old events are gone.
  assert.equal(l.hit(71_000), false);
  const steady = new SlidingWindowLimit(1000, 60_000);
  // 900 a minute for ten minutes: never over.
  for (let i = 0; i < 9000; i++) assert.equal(steady.hit(i * (60_000 / 900)), false, `steady ${i}`);
});

Deno.test("rate limit: allow counts only what it lets through, so a steady flood gets the limit through each window", () => {
  for (const limit of [3, 1000]) {
    const l = new SlidingWindowLimit(limit, 60_000);
    // Ten times the limit a minute, for three minutes.
    const perMinute = limit * 10;
    const allowed = [0, 0, 0];
    for (let i = 0; i < perMinute * 3; i++) {
      const t = (i * 60_000) / perMinute;
      if (l.allow(t)) allowed[Math.floor(t / 60_000)]++;
    }
    assert.deepEqual(allowed, [limit, limit, limit], `limit ${limit}`);
    // hit, by contrast, counts the refused too: the same flood keeps it tripped.
    const h = new SlidingWindowLimit(limit, 60_000);
    let passed = 0;
    for (let i = 0; i < perMinute * 3; i++) if (!h.hit((i * 60_000) / perMinute)) passed++;
    assert.ok(passed < 2 * limit, `limit ${limit}: ${passed}`);
  }
  const none = new SlidingWindowLimit(0, 60_000);
  for (let i = 0; i < 100; i++) assert.equal(none.allow(i), true);
});
