/**
 * Two portal nodes on one PostgreSQL, as behind a load balancer without sticky sessions: each node is its
 * own Auth service and audit log, each with its own pool, sharing only the database. Whatever one node
 * does to a session, a token, a password or the sign-in limits, the other sees at the next request; both
 * write one audit log. Ignored, with one line, when PostgreSQL does not answer.
 */
import assert from "node:assert/strict";
import { AuditLog } from "../audit/log.ts";
import { Auth } from "../auth/service.ts";
import { pgUnavailable, sayPgSkipped, withTestDatabase } from "../../db/postgres_test_support.ts";

sayPgSkipped();

interface Node {
  auth: Auth;
  audit: AuditLog;
}

function twoNodesTest(name: string, fn: (a: Node, b: Node) => Promise<void>): void {
  Deno.test({
    name: `two portal nodes: ${name}`,
    ignore: pgUnavailable !== undefined,
    fn: () =>
      withTestDatabase(async (url) => {
        const where = { dataDir: "/nonexistent", databaseUrl: url };
        const limits = { perUser: { lockAfterFailures: 3 }, perAddress: { lockAfterFailures: 5 } };
        // Opened at once, as two nodes starting together: both migrate safely.
        const [authA, authB, auditA, auditB] = await Promise.all([
          Auth.open(where, { loginLimits: limits }),
          Auth.open(where, { loginLimits: limits }),
          AuditLog.open(where),
          AuditLog.open(where),
        ]);
        try {
          await fn({ auth: authA, audit: auditA }, { auth: authB, audit: auditB });
        } finally {
          await Promise.all([authA.close(), authB.close(), auditA.close(), auditB.close()]);
        }
      }),
  });
}

async function signIn(auth: Auth, username: string, password: string, address = "127.0.0.1") {
  const r = await auth.login(username, password, address);
  assert.ok(r.ok, `sign-in as ${username}`);
  return r;
}

twoNodesTest(
  "a session made on one node works on the other, and a sign-out on either ends it",
  async (a, b) => {
    assert.equal((await a.auth.bootstrap("admin-password")).action, "created");
    assert.equal((await b.auth.bootstrap("admin-password")).action, "unchanged", "one admin for both");
    const { cookieValue, principal } = await signIn(a.auth, "admin", "admin-password");
    const onB = await b.auth.authenticate({ sessionCookie: cookieValue });
    assert.ok(onB.ok && onB.principal.kind === "session");
    assert.equal(onB.principal.csrfToken, principal.csrfToken, "the same CSRF token on every node");
    await b.auth.logout(principal.sessionId);
    assert.equal((await a.auth.authenticate({ sessionCookie: cookieValue })).ok, false);
    assert.equal(await a.auth.recheck(principal), undefined);
  },
);

twoNodesTest("nodes starting at once make one admin between them", async (a, b) => {
  const results = await Promise.all([a.auth.bootstrap(), b.auth.bootstrap()]);
  const generated = results.filter((r) => r.generatedPassword !== undefined);
  assert.equal(generated.length, 1, "one node made the admin and shows its password");
  assert.deepEqual(results.map((r) => r.action).sort(), ["created", "none"]);
  await signIn(b.auth, "admin", generated[0].generatedPassword!);
  // With ADMIN_PASSWORD, at once too.
  const withPassword = await Promise.all([
    a.auth.bootstrap("set-password"),
    b.auth.bootstrap("set-password"),
  ]);
  assert.ok(withPassword.every((r) => r.action === "reset" || r.action === "unchanged"));
  await signIn(a.auth, "admin", "set-password");
});

twoNodesTest("an API token revoked on one node is refused on the other", async (a, b) => {
  await a.auth.bootstrap("admin-password");
  const admin = (await signIn(a.auth, "admin", "admin-password")).principal;
  const { token, record } = await a.auth.createToken(admin, "script", "operator");
  const before = await b.auth.authenticate({ authorization: `Bearer ${token}` });
  assert.ok(before.ok && before.principal.role === "operator", "a token made on A works on B");
  // A has used (and cached nothing of) the token; B revokes it.
  assert.equal((await a.auth.authenticate({ authorization: `Bearer ${token}` })).ok, true);
  await b.auth.revokeToken(record.id);
  const after = await a.auth.authenticate({ authorization: `Bearer ${token}` });
  assert.equal(!after.ok && after.reason, "invalid");
  assert.ok(before.ok);
  assert.equal(await a.auth.recheck(before.principal), undefined);
  assert.ok((await a.auth.listTokens())[0].revokedAt);
});

twoNodesTest("a password changed on one node ends the user's sessions on the other", async (a, b) => {
  await a.auth.bootstrap("admin-password");
  await a.auth.createUser("dora", "dora-password", "viewer");
  const onA = await signIn(a.auth, "dora", "dora-password");
  const onB = await signIn(b.auth, "dora", "dora-password");
  assert.ok((await b.auth.authenticate({ sessionCookie: onB.cookieValue })).ok);
  const changed = await a.auth.changeOwnPassword(
    onA.principal,
    "dora-password",
    "dora-new-password",
    "10.0.0.1",
  );
  assert.deepEqual(changed, { ok: true, endedSessions: 1 });
  assert.equal(
    (await b.auth.authenticate({ sessionCookie: onB.cookieValue })).ok,
    false,
    "B's session ended",
  );
  assert.equal(
    (await b.auth.authenticate({ sessionCookie: onA.cookieValue })).ok,
    true,
    "the asking one stays",
  );
  assert.equal(
    (await b.auth.login("dora", "dora-password", "10.0.0.2")).ok,
    false,
    "B knows the new password",
  );
  await signIn(b.auth, "dora", "dora-new-password", "10.0.0.2");
  // A role change on B reaches a session made on A.
  const admin = (await signIn(b.auth, "admin", "admin-password")).principal;
  await b.auth.updateUser(admin, "dora", { role: "operator" });
  assert.equal((await a.auth.recheck(onA.principal))?.role, "operator");
});

twoNodesTest("both nodes write one audit log", async (a, b) => {
  assert.equal(await a.audit.record({ actor: "alice", action: "user.create", target: "bob" }), true);
  assert.equal(await b.audit.record({ actor: "bob", action: "logout", address: "10.0.0.2" }), true);
  assert.equal(await a.audit.record({ actor: "alice", action: "user.delete", target: "bob" }), true);
  for (const node of [a, b]) {
    const { total, items } = await node.audit.list({ limit: 10, offset: 0 });
    assert.equal(total, 3);
    assert.deepEqual(items.map((e) => e.action), ["user.delete", "logout", "user.create"]);
  }
  assert.equal((await b.audit.list({ action: "user", limit: 10, offset: 0 })).total, 2);
});

twoNodesTest("sign-in failures count across both nodes, also when they arrive at once", async (a, b) => {
  await a.auth.bootstrap("admin-password");
  // Per user name and address (3): two wrong passwords on A, one on B, and the key is locked on both.
  assert.equal((await a.auth.login("admin", "wrong-1", "10.0.0.7")).ok, false);
  assert.equal((await a.auth.login("admin", "wrong-2", "10.0.0.7")).ok, false);
  const third = await b.auth.login("admin", "wrong-3", "10.0.0.7");
  assert.deepEqual(third, { ok: false, reason: "invalid", user: "admin" });
  for (const node of [a, b]) {
    const r = await node.auth.login("admin", "admin-password", "10.0.0.7");
    assert.equal(!r.ok && r.reason, "locked", "locked even with the right password");
  }
  // Elsewhere the user is not locked.
  await signIn(b.auth, "admin", "admin-password", "10.0.0.8");

  // Per address (5), guesses arriving on both nodes at the same moment: none is lost.
  const guesses = await Promise.all(
    ["ana", "bea", "cid", "dan"].map((name, i) =>
      (i % 2 ? a : b).auth.login(name, "guess-guess", "10.0.0.9")
    ),
  );
  assert.ok(guesses.every((r) => !r.ok && r.reason === "invalid"), "four guesses admitted and counted");
  assert.equal((await a.auth.login("eve", "guess-guess", "10.0.0.9")).ok, false);
  const locked = await b.auth.login("admin", "admin-password", "10.0.0.9");
  assert.equal(
    !locked.ok && locked.reason,
    "locked",
    "the fifth failure, wherever counted, locked the address",
  );
});
