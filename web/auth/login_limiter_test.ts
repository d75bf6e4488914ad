import assert from "node:assert/strict";
import { type LimiterPolicy, LoginLimiter, MemoryLimits } from "./login_limiter.ts";
import { openPortalStore } from "../store/portal_store.ts";

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

async function fail(limiter: LoginLimiter, key: string) {
  const a = await limiter.begin(key);
  assert.ok(a.ok, "admitted");
  await a.failed();
}

Deno.test("login limiter: failures lock the key, each lockout twice the last, up to the cap", async () => {
  const c = clock();
  const limiter = new LoginLimiter(POLICY, c.now);
  await fail(limiter, "k");
  await fail(limiter, "k");
  await fail(limiter, "k"); // the third: locked for 1 s
  assert.deepEqual(await limiter.begin("k"), { ok: false, retryAfterMs: 1000 });
  c.advance(999);
  assert.deepEqual(await limiter.begin("k"), { ok: false, retryAfterMs: 1 });
  c.advance(1);
  await fail(limiter, "k"); // the fourth: 2 s
  assert.deepEqual(await limiter.begin("k"), { ok: false, retryAfterMs: 2000 });
  c.advance(2000);
  await fail(limiter, "k"); // 4 s
  c.advance(4000);
  await fail(limiter, "k"); // 8 s, capped at 5 s
  assert.deepEqual(await limiter.begin("k"), { ok: false, retryAfterMs: 5000 });
  // Other keys are not affected.
  assert.equal((await limiter.begin("other")).ok, true);
});

Deno.test("login limiter: a success clears the key; a cancelled attempt counts nothing", async () => {
  const c = clock();
  const limiter = new LoginLimiter(POLICY, c.now);
  await fail(limiter, "k");
  await fail(limiter, "k");
  const ok = await limiter.begin("k");
  assert.ok(ok.ok);
  await ok.succeeded();
  assert.equal(await limiter.failures("k"), 0);
  const cancelled = await limiter.begin("k");
  assert.ok(cancelled.ok);
  await cancelled.cancel();
  await cancelled.failed(); // settling twice changes nothing
  assert.equal(await limiter.failures("k"), 0);
});

Deno.test("login limiter: attempts on a key run one at a time, also when they arrive together", async () => {
  const limiter = new LoginLimiter(POLICY, clock().now);
  // Asked in the same tick: the slot is taken before the store is read, so only one gets in.
  const [first, second] = await Promise.all([limiter.begin("k"), limiter.begin("k")]);
  assert.ok(first.ok);
  assert.equal(second.ok, false);
  await first.failed();
  assert.equal((await limiter.begin("k")).ok, true);
});

Deno.test("login limiter: a quiet key is forgotten, and the keys kept are bounded", async () => {
  const c = clock();
  const limits = new MemoryLimits();
  const limiter = new LoginLimiter(POLICY, c.now, limits);
  await fail(limiter, "k");
  await fail(limiter, "k");
  c.advance(60_001);
  await fail(limiter, "k");
  assert.equal(await limiter.failures("k"), 1, "the old failures were forgotten");
  for (let i = 0; i < 500; i++) await fail(limiter, `key-${i}`);
  assert.equal((await limits.load()).length, POLICY.maxKeys);
  assert.equal(await limiter.failures("key-499"), 1);
  assert.equal(await limiter.failures("key-0"), 0, "the least recently failed went first");
});

Deno.test("login limiter: failures and lockouts kept in portal.db outlive the limiter", async () => {
  const dir = await Deno.makeTempDir({ prefix: "chargewire_limiter_unit_" });
  const c = clock();
  let store = await openPortalStore({ dataDir: dir });
  try {
    const first = new LoginLimiter(POLICY, c.now, store.loginLimits("user"));
    for (let i = 0; i < 3; i++) await fail(first, "k"); // locked for 1 s
    await fail(first, "cleared");
    const ok = await first.begin("cleared");
    assert.ok(ok.ok);
    await ok.succeeded();
    await fail(first, "stale");
    // Another scope's keys are its own.
    await fail(new LoginLimiter(POLICY, c.now, store.loginLimits("address")), "k");

    // As after a restart: a new connection to the file, a new limiter.
    await store.close();
    store = await openPortalStore({ dataDir: dir });
    c.advance(400);
    const second = new LoginLimiter(POLICY, c.now, store.loginLimits("user"));
    assert.deepEqual(await second.begin("k"), { ok: false, retryAfterMs: 600 });
    assert.equal(await second.failures("k"), 3);
    assert.equal(await second.failures("cleared"), 0, "a success removed the key");
    assert.equal(await second.failures("stale"), 1);
    c.advance(600);
    await fail(second, "k"); // the fourth failure doubles the lockout, as it would have without the restart
    assert.deepEqual(await second.begin("k"), { ok: false, retryAfterMs: 2000 });

    // A key quiet for longer than forgetAfterMs counts as new, and the sweep drops it from the file.
    c.advance(POLICY.forgetAfterMs + 1);
    const third = new LoginLimiter(POLICY, c.now, store.loginLimits("user"));
    assert.equal(await third.failures("k"), 0);
    assert.equal(await third.forget(), 2);
    assert.deepEqual(await store.loginLimits("user").load(), []);
    assert.equal((await store.loginLimits("address").load()).length, 1);
  } finally {
    await store.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("login limiter: the keys kept in portal.db are bounded, the least recently failed dropped", async () => {
  const dir = await Deno.makeTempDir({ prefix: "chargewire_limiter_unit_" });
  const store = await openPortalStore({ dataDir: dir });
  try {
    const c = clock();
    const limiter = new LoginLimiter(POLICY, c.now, store.loginLimits("user"));
    for (let i = 0; i < 150; i++) {
      await fail(limiter, `key-${i}`);
      c.advance(1); // the store orders keys by their last failure's time
    }
    const kept = (await store.loginLimits("user").load()).map(([key]) => key);
    assert.equal(kept.length, POLICY.maxKeys);
    assert.ok(kept.includes("key-149") && !kept.includes("key-0"));
  } finally {
    await store.close();
    await Deno.remove(dir, { recursive: true });
  }
});
