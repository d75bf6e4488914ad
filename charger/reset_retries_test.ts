import assert from "node:assert/strict";
import { afterFailedAttempt, RebootFaults } from "./reset_retries.ts";

Deno.test("reset retries: the first attempt is no retry; with N retries the (N+1)th failure gives up", () => {
  assert.deepEqual(afterFailedAttempt(1, 0), { retriesLeft: 0, gaveUp: true });
  assert.deepEqual(afterFailedAttempt(1, 3), { retriesLeft: 3, gaveUp: false });
  assert.deepEqual(afterFailedAttempt(2, 3), { retriesLeft: 2, gaveUp: false });
  assert.deepEqual(afterFailedAttempt(3, 3), { retriesLeft: 1, gaveUp: false });
  assert.deepEqual(afterFailedAttempt(4, 3), { retriesLeft: 0, gaveUp: true });
  // ResetRetries lowered while retrying: no negative count, it gives up.
  assert.deepEqual(afterFailedAttempt(5, 1), { retriesLeft: 0, gaveUp: true });
});

Deno.test("reset retries: injected failures are used up one attempt at a time", () => {
  const f = new RebootFaults();
  assert.equal(f.attemptFails(), false, "a reboot succeeds unless told otherwise");
  f.failNext(2);
  assert.deepEqual([f.attemptFails(), f.attemptFails(), f.attemptFails()], [true, true, false]);
  f.failNext(5);
  f.failNext(0);
  assert.equal(f.attemptFails(), false, "0 clears");
  for (const bad of [-1, 1.5, NaN]) assert.throws(() => f.failNext(bad), RangeError);
});
