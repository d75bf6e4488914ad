/**
 * Sign-in limits outlive a portal restart: the real portal on a temp DATA_DIR, stopped and started again
 * on the same data, keeps refusing a user name and address it had locked.
 */
import assert from "node:assert/strict";
import { ADMIN_PASSWORD, startSystem } from "./web_support.ts";

Deno.test("login limits: a lockout survives a restart of the portal on the same DATA_DIR", async () => {
  // A lockout far longer than the test, so "still locked" is not a race with the clock.
  const sys = await startSystem({}, { auth: { loginLimits: { perUser: { baseLockMs: 600_000 } } } });
  const signIn = (username: string, password: string) =>
    fetch(`${sys.web.url}/api/v1/session`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: sys.web.url },
      body: JSON.stringify({ username, password }),
    });
  try {
    const admin = await sys.login();
    assert.equal(
      (await admin.json("POST", "/api/v1/users", {
        username: "lena",
        password: "lena-password",
        role: "viewer",
      }))
        .status,
      201,
    );
    for (let i = 1; i <= 5; i++) {
      const res = await signIn("lena", `wrong-guess-${i}`);
      assert.equal(res.status, 401, `guess ${i}`);
      await res.body?.cancel();
    }
    const before = await signIn("lena", "lena-password");
    assert.equal(before.status, 429);
    await before.body?.cancel();

    await sys.restartWeb();

    const after = await signIn("lena", "lena-password");
    assert.equal(after.status, 429, "still locked after the restart");
    const retryAfter = Number(after.headers.get("retry-after"));
    assert.ok(
      retryAfter > 60 && retryAfter <= 600,
      `Retry-After ${retryAfter} s is what is left of the lockout`,
    );
    assert.equal((await after.json()).error, "rate_limited");
    // The lock is lena's from this address only: admin still signs in on the restarted portal.
    const ok = await signIn("admin", ADMIN_PASSWORD);
    assert.equal(ok.status, 200);
    await ok.body?.cancel();
    // What is kept names no user: the per-user key is a hash, not "lena".
    for (const f of [...Deno.readDirSync(sys.dataDir)].filter((f) => f.name.startsWith("portal.db"))) {
      const raw = new TextDecoder().decode(Deno.readFileSync(`${sys.dataDir}/${f.name}`));
      assert.ok(!raw.includes("lena\n"), `no clear user name and address as a limiter key in ${f.name}`);
    }
  } finally {
    await sys.close();
  }
});
