import assert from "node:assert/strict";
import { type LimiterPolicy, LoginLimiter } from "./login_limiter.ts";

const POLICY: LimiterPolicy = {
  lockAfterFailures: 3,
  baseLockMs: 1000,
  maxLockMs: 5000,
  forgetAfterMs: 60_000,
  maxInFlight: 1,
  maxKeys: 100,
};

function clock() {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => t += ms };
}

function fail(limiter: LoginLimiter, key: string) {
  const a = limiter.begin(key);
  assert.ok(a.ok, "admitted");
  a.failed();
}

Deno.test("login limiter: failures lock the key, each lockout twice the last, up to the cap", () => {
  const c = clock();
  const limiter = new LoginLimiter(POLICY, c.now);
  fail(limiter, "k");
  fail(limiter, "k");
  fail(limiter, "k"); // the third: locked for 1 s
  assert.deepEqual(limiter.begin("k"), { ok: false, retryAfterMs: 1000 });
  c.advance(999);
  assert.deepEqual(limiter.begin("k"), { ok: false, retryAfterMs: 1 });
  c.advance(1);
  fail(limiter, "k"); // the fourth: 2 s
  assert.deepEqual(limiter.begin("k"), { ok: false, retryAfterMs: 2000 });
  c.advance(2000);
  fail(limiter, "k"); // 4 s
  c.advance(4000);
  fail(limiter, "k"); // 8 s, capped at 5 s
  assert.deepEqual(limiter.begin("k"), { ok: false, retryAfterMs: 5000 });
  // Other keys are not affected.
  assert.equal(limiter.begin("other").ok, true);
});

Deno.test("login limiter: a success clears the key; a cancelled attempt counts nothing", () => {
  const c = clock();
  const limiter = new LoginLimiter(POLICY, c.now);
  fail(limiter, "k");
  fail(limiter, "k");
  const ok = limiter.begin("k");
  assert.ok(ok.ok);
  ok.succeeded();
  assert.equal(limiter.failures("k"), 0);
  const cancelled = limiter.begin("k");
  assert.ok(cancelled.ok);
  cancelled.cancel();
  cancelled.failed(); // settling twice changes nothing
  assert.equal(limiter.failures("k"), 0);
});

Deno.test("login limiter: attempts on a key run one at a time", () => {
  const limiter = new LoginLimiter(POLICY, clock().now);
  const first = limiter.begin("k");
  assert.ok(first.ok);
  const second = limiter.begin("k");
  assert.equal(second.ok, false);
  first.failed();
  assert.equal(limiter.begin("k").ok, true);
});

Deno.test("login limiter: a quiet key is forgotten, and the keys kept are bounded", () => {
  const c = clock();
  const limiter = new LoginLimiter(POLICY, c.now);
  fail(limiter, "k");
  fail(limiter, "k");
  c.advance(60_001);
  fail(limiter, "k");
  assert.equal(limiter.failures("k"), 1, "the old failures were forgotten");
  for (let i = 0; i < 500; i++) fail(limiter, `key-${i}`);
  assert.equal(limiter.size, POLICY.maxKeys);
  assert.equal(limiter.failures("key-499"), 1);
  assert.equal(limiter.failures("key-0"), 0, "the least recently used went first");
});
