import assert from "node:assert/strict";
import { type LimiterPolicy, LoginLimiter } from "./login_limiter.ts";
import { AuthStore } from "./store.ts";

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

Deno.test("login limiter: failures and lockouts kept in portal.db outlive the limiter", async () => {
  const dir = await Deno.makeTempDir({ prefix: "chargewire_limiter_unit_" });
  const c = clock();
  let store = AuthStore.open(dir);
  try {
    const first = new LoginLimiter(POLICY, c.now, store.loginLimits("user"));
    for (let i = 0; i < 3; i++) fail(first, "k"); // locked for 1 s
    fail(first, "cleared");
    const ok = first.begin("cleared");
    assert.ok(ok.ok);
    ok.succeeded();
    fail(first, "stale");
    // Another scope's keys are its own.
    fail(new LoginLimiter(POLICY, c.now, store.loginLimits("address")), "k");

    // As after a restart: a new connection to the file, a new limiter.
    store.close();
    store = AuthStore.open(dir);
    c.advance(400);
    const second = new LoginLimiter(POLICY, c.now, store.loginLimits("user"));
    assert.deepEqual(second.begin("k"), { ok: false, retryAfterMs: 600 });
    assert.equal(second.failures("k"), 3);
    assert.equal(second.failures("cleared"), 0, "a success removed the key");
    assert.equal(second.failures("stale"), 1);
    c.advance(600);
    fail(second, "k"); // the fourth failure doubles the lockout, as it would have without the restart
    assert.deepEqual(second.begin("k"), { ok: false, retryAfterMs: 2000 });

    // A key quiet for longer than forgetAfterMs is dropped from the file when read back.
    c.advance(POLICY.forgetAfterMs + 1);
    const third = new LoginLimiter(POLICY, c.now, store.loginLimits("user"));
    assert.equal(third.size, 0);
    assert.deepEqual([...store.loginLimits("user").load()], []);
    assert.equal([...store.loginLimits("address").load()].length, 1);
  } finally {
    store.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("login limiter: keys evicted from memory leave portal.db too", async () => {
  const dir = await Deno.makeTempDir({ prefix: "chargewire_limiter_unit_" });
  const store = AuthStore.open(dir);
  try {
    const limiter = new LoginLimiter(POLICY, clock().now, store.loginLimits("user"));
    for (let i = 0; i < 150; i++) fail(limiter, `key-${i}`);
    const kept = [...store.loginLimits("user").load()].map(([key]) => key);
    assert.equal(kept.length, POLICY.maxKeys);
    assert.ok(kept.includes("key-149") && !kept.includes("key-0"));
  } finally {
    store.close();
    await Deno.remove(dir, { recursive: true });
  }
});
