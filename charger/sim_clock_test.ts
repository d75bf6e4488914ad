import assert from "node:assert/strict";
import { MAX_SPEED, MIN_SPEED, REAL_TIME, SimClock } from "./sim_clock.ts";

Deno.test("sim clock: spans scale by the speed both ways", () => {
  const c = new SimClock(60, 1_000);
  assert.equal(c.simMs(1_000), 60_000);
  assert.equal(c.wallMs(60_000), 1_000);
  assert.equal(c.wallMs(c.simMs(1_234)), 1_234);
  const slow = new SimClock(0.5);
  assert.equal(slow.simMs(1_000), 500);
  assert.equal(slow.wallMs(500), 1_000);
});

Deno.test("sim clock: instants agree at the origin and drift apart at the speed", () => {
  const c = new SimClock(10, 5_000);
  assert.equal(c.simAt(5_000), 5_000);
  assert.equal(c.simAt(6_000), 15_000);
  assert.equal(c.simAt(7_000) - c.simAt(6_000), 10_000);
});

Deno.test("sim clock: real time is the identity", () => {
  for (const t of [0, 1, 1_700_000_000_000]) {
    assert.equal(REAL_TIME.simAt(t), t);
    assert.equal(REAL_TIME.simMs(t), t);
    assert.equal(REAL_TIME.wallMs(t), t);
  }
});

Deno.test("sim clock: speeds outside the range are refused", () => {
  for (const bad of [0, -1, MIN_SPEED / 2, MAX_SPEED * 2, NaN, Infinity]) {
    assert.throws(() => new SimClock(bad), RangeError, `speed ${bad}`);
  }
  assert.equal(new SimClock(MIN_SPEED).speed, MIN_SPEED);
  assert.equal(new SimClock(MAX_SPEED).speed, MAX_SPEED);
});
