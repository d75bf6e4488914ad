import assert from "node:assert/strict";
import { Auth, AuthError } from "./service.ts";
import type { Principal } from "./roles.ts";

async function withAuth(fn: (auth: Auth, clock: { advance(ms: number): void }) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "chargewire_auth_unit_" });
  let t = Date.parse("2030-01-01T00:00:00Z");
  const auth = await Auth.open(dir, { sessionIdleMs: 60_000, sessionMaxMs: 300_000, now: () => t });
  try {
    await fn(auth, { advance: (ms) => t += ms });
  } finally {
    await auth.close();
    await Deno.remove(dir, { recursive: true });
  }
}

async function signIn(auth: Auth, username: string, password: string) {
  const r = await auth.login(username, password, "127.0.0.1");
  assert.ok(r.ok, `sign-in as ${username}`);
  return r;
}

async function refuse(fn: () => unknown, code: string) {
  await assert.rejects(async () => await fn(), (e: unknown) => e instanceof AuthError && e.code === code);
}

Deno.test("auth service: sessions end after idling, and at their absolute expiry however busy", async () => {
  await withAuth(async (auth, clock) => {
    await auth.bootstrap("admin-password");
    const { cookieValue } = await signIn(auth, "ADMIN", "admin-password"); // user names ignore case
    const who = () => auth.authenticate({ sessionCookie: cookieValue });
    assert.equal((await who()).ok, true);
    // Used every 50 s: the idle limit (60 s) never strikes, the absolute one (300 s) does.
    for (let i = 0; i < 5; i++) {
      clock.advance(50_000);
      assert.equal((await who()).ok, true, `after ${(i + 1) * 50} s`);
    }
    clock.advance(50_000);
    const expired = await who();
    assert.equal(expired.ok, false);
    assert.equal(!expired.ok && expired.reason, "invalid");

    const second = await signIn(auth, "admin", "admin-password");
    clock.advance(60_000);
    assert.equal((await auth.authenticate({ sessionCookie: second.cookieValue })).ok, false, "idle for 60 s");
  });
});

Deno.test("auth service: an API token in Authorization wins over the cookie, also when it is bad", async () => {
  await withAuth(async (auth) => {
    await auth.bootstrap("admin-password");
    const { cookieValue, principal } = await signIn(auth, "admin", "admin-password");
    const { token } = await auth.createToken(principal, "script", "viewer");
    const both = await auth.authenticate({ authorization: `Bearer ${token}`, sessionCookie: cookieValue });
    assert.ok(both.ok && both.principal.kind === "token" && both.principal.role === "viewer");
    const bad = await auth.authenticate({ authorization: "Bearer nope", sessionCookie: cookieValue });
    assert.equal(bad.ok, false);
    const basic = await auth.authenticate({ authorization: "Basic YWRtaW46eA==" });
    assert.equal(!basic.ok && basic.reason, "invalid");
    assert.deepEqual(await auth.authenticate({}), { ok: false, reason: "missing" });
  });
});

Deno.test("auth service: recheck follows role changes, logouts and revocations", async () => {
  await withAuth(async (auth) => {
    await auth.bootstrap("admin-password");
    const admin = (await signIn(auth, "admin", "admin-password")).principal;
    await auth.createUser("ana", "ana-password", "viewer");
    const ana = (await signIn(auth, "ana", "ana-password")).principal;
    let changes = 0;
    auth.onChange(() => changes++);
    await auth.updateUser(admin, "ana", { role: "operator" });
    assert.equal((await auth.recheck(ana))?.role, "operator");
    await auth.logout(ana.sessionId);
    assert.equal(await auth.recheck(ana), undefined);
    const { record } = await auth.createToken(admin, "t", "operator");
    const tokenPrincipal: Principal = { kind: "token", name: "t", role: "operator", tokenId: record.id };
    assert.equal((await auth.recheck(tokenPrincipal))?.role, "operator");
    await auth.revokeToken(record.id);
    assert.equal(await auth.recheck(tokenPrincipal), undefined);
    assert.ok(changes >= 3, `listeners heard ${changes} changes`);
  });
});

Deno.test("auth service: the portal always keeps an admin, and nobody deletes themselves", async () => {
  await withAuth(async (auth) => {
    await auth.bootstrap("admin-password");
    const admin = (await signIn(auth, "admin", "admin-password")).principal;
    await refuse(() => auth.updateUser(admin, "admin", { role: "viewer" }), "forbidden");
    await refuse(() => auth.deleteUser(admin, "admin"), "forbidden");
    await auth.createUser("bea", "bea-password", "admin");
    const bea = (await signIn(auth, "bea", "bea-password")).principal;
    await refuse(() => auth.deleteUser(bea, "bea"), "forbidden");
    await auth.deleteUser(bea, "admin"); // another admin is left: allowed
    await refuse(() => auth.updateUser(bea, "bea", { role: "operator" }), "forbidden");
    await refuse(() => auth.createUser("bea", "another-one", "viewer"), "conflict");
    await refuse(() => auth.createUser("no spaces", "long-enough", "viewer"), "invalid");
    await refuse(() => auth.createUser("cid", "short", "viewer"), "invalid");
    await refuse(() => auth.updateUser(bea, "nobody", { role: "viewer" }), "not_found");
    // Deleting a user ends their sessions.
    assert.equal(await auth.recheck(admin), undefined);
  });
});

Deno.test("auth service: a new password ends the user's other sessions but the one that set it", async () => {
  await withAuth(async (auth) => {
    await auth.bootstrap("admin-password");
    const first = await signIn(auth, "admin", "admin-password");
    const second = await signIn(auth, "admin", "admin-password");
    await auth.updateUser(first.principal, "admin", { password: "a-new-password" });
    assert.equal((await auth.authenticate({ sessionCookie: first.cookieValue })).ok, true);
    assert.equal((await auth.authenticate({ sessionCookie: second.cookieValue })).ok, false);
    // The result names the user whose password was wrong (for the audit log), and nobody who is not one.
    assert.deepEqual(await auth.login("admin", "admin-password", "127.0.0.1"), {
      ok: false,
      reason: "invalid",
      user: "admin",
    });
    assert.deepEqual(await auth.login("nobody", "admin-password", "127.0.0.1"), {
      ok: false,
      reason: "invalid",
    });
    await signIn(auth, "admin", "a-new-password");
  });
});

Deno.test("auth service: a user changes their own password with the current one; other sessions end", async () => {
  await withAuth(async (auth) => {
    await auth.bootstrap("admin-password");
    await auth.createUser("dora", "dora-password", "viewer");
    const here = await signIn(auth, "dora", "dora-password");
    const elsewhere = await signIn(auth, "dora", "dora-password");
    const admin = await signIn(auth, "admin", "admin-password");
    const change = (current: string, next: string) =>
      auth.changeOwnPassword(here.principal, current, next, "127.0.0.1");

    await refuse(() => change("dora-password", "short"), "invalid");
    await refuse(() => change("dora-password", "dora-password"), "invalid");
    assert.deepEqual(await change("not-doras-password", "dora-new-password"), {
      ok: false,
      reason: "wrong_password",
    });
    assert.deepEqual(await change("dora-password", "dora-new-password"), { ok: true, endedSessions: 1 });
    assert.equal(
      (await auth.authenticate({ sessionCookie: here.cookieValue })).ok,
      true,
      "the asking session stays",
    );
    assert.equal((await auth.authenticate({ sessionCookie: elsewhere.cookieValue })).ok, false);
    assert.equal(
      (await auth.authenticate({ sessionCookie: admin.cookieValue })).ok,
      true,
      "other users' stay",
    );
    assert.equal((await auth.login("dora", "dora-password", "127.0.0.2")).ok, false);
    await signIn(auth, "dora", "dora-new-password");

    // An API token has no password to change.
    const { token } = await auth.createToken(admin.principal, "script", "admin");
    const byToken = await auth.authenticate({ authorization: `Bearer ${token}` });
    assert.ok(byToken.ok);
    await refuse(
      () => auth.changeOwnPassword(byToken.principal, "admin-password", "another-password", "127.0.0.1"),
      "invalid",
    );
  });
});

Deno.test("auth service: wrong current passwords count against the sign-in limit", async () => {
  await withAuth(async (auth) => {
    await auth.bootstrap("admin-password");
    const { principal } = await signIn(auth, "admin", "admin-password");
    for (let i = 0; i < 5; i++) {
      const r = await auth.changeOwnPassword(principal, `guess-${i}-guess`, "new-password-1", "10.0.0.9");
      assert.deepEqual(r, { ok: false, reason: "wrong_password" }, `guess ${i}`);
    }
    const locked = await auth.changeOwnPassword(principal, "admin-password", "new-password-1", "10.0.0.9");
    assert.equal(!locked.ok && locked.reason, "locked");
    // The same lock as the sign-in's, for that user and address only.
    const login = await auth.login("admin", "admin-password", "10.0.0.9");
    assert.equal(!login.ok && login.reason, "locked");
    assert.equal((await auth.login("admin", "admin-password", "10.0.0.10")).ok, true);
  });
});

Deno.test("auth service: two portal nodes on one DATA_DIR bootstrapping at once both start", async () => {
  for (const password of ["admin-password", undefined]) {
    const dir = await Deno.makeTempDir({ prefix: "chargewire_auth_unit_" });
    const a = await Auth.open(dir), b = await Auth.open(dir);
    try {
      // Both look (no admin yet), both hash, both insert: one insert meets the other's row.
      const results = await Promise.all([a.bootstrap(password), b.bootstrap(password)]);
      assert.equal(results.filter((r) => r.action === "created").length, 1, JSON.stringify(results));
      if (password) await signIn(b, "admin", password);
      else {
        const generated = results.find((r) => r.generatedPassword)!.generatedPassword!;
        await signIn(a, "admin", generated);
      }
    } finally {
      await a.close();
      await b.close();
      await Deno.remove(dir, { recursive: true });
    }
  }
});
