/**
 * The portal store's contract, one test body run against both engines: portal.db (SQLite) and
 * PostgreSQL (a fresh cw_test_ database per test; ignored, with one line, when PostgreSQL does not
 * answer). What the Auth service and the audit log rely on is checked here through the contract only.
 */
import assert from "node:assert/strict";
import { LoginLimiter } from "../auth/login_limiter.ts";
import { openPortalStore, type PortalStore } from "./portal_store.ts";
import { inspect, pgUnavailable, sayPgSkipped, withTestDatabase } from "../../db/postgres_test_support.ts";
import { PostgresPortalStore } from "./postgres.ts";

sayPgSkipped();

type Body = (store: PortalStore) => Promise<void>;

/** Registers `body` once per engine, each on a store of its own. */
function contract(name: string, body: Body): void {
  Deno.test(`portal store (sqlite): ${name}`, async () => {
    const dir = await Deno.makeTempDir({ prefix: "chargewire_portal_store_" });
    const store = await openPortalStore({ dataDir: dir });
    try {
      assert.equal(store.engine, "sqlite");
      await body(store);
    } finally {
      await store.close();
      await Deno.remove(dir, { recursive: true });
    }
  });
  Deno.test({
    name: `portal store (postgres): ${name}`,
    ignore: pgUnavailable !== undefined,
    fn: () =>
      withTestDatabase(async (url) => {
        // dataDir is never touched: the URL wins.
        const store = await openPortalStore({ dataDir: "/nonexistent", databaseUrl: url });
        try {
          assert.equal(store.engine, "postgres");
          await body(store);
        } finally {
          await store.close();
        }
      }),
  });
}

contract(
  "users: names match in any case, one per name, admins counted, a deleted user's sessions go",
  async (s) => {
    const ana = await s.insertUser("Ana", "viewer", "scrypt$ana");
    assert.equal(ana.username, "Ana");
    await s.insertUser("admin", "admin", "scrypt$admin");
    await assert.rejects(() => s.insertUser("ANA", "viewer", "scrypt$other"), "one user per name, any case");
    const found = await s.getUser("aNa");
    assert.equal(found?.username, "Ana");
    assert.equal(found?.passwordHash, "scrypt$ana");
    assert.equal(await s.getUser("nobody"), undefined);
    assert.deepEqual((await s.listUsers()).map((u) => u.username), ["admin", "Ana"]);
    assert.ok(!("passwordHash" in (await s.listUsers())[0]), "a listing carries no hash");
    assert.equal(await s.countAdmins(), 1);
    assert.equal(await s.setRole("ana", "admin"), true);
    assert.equal(await s.countAdmins(), 2);
    assert.equal(await s.setPassword("ANA", "scrypt$new"), true);
    assert.equal((await s.getUser("ana"))?.passwordHash, "scrypt$new");
    assert.equal(await s.setPassword("nobody", "x"), false);

    await s.insertSession({
      id: "s1",
      username: "Ana",
      csrfToken: "c",
      createdAt: 1,
      seenAt: 1,
      expiresAt: 9,
    });
    assert.equal(await s.deleteUser("ana"), true);
    assert.equal(await s.getSession("s1"), undefined, "sessions follow their user");
    assert.equal(await s.deleteUser("ana"), false);
  },
);

contract(
  "sessions: the user's role now, touched, ended one by one, per user but one, and when stale",
  async (s) => {
    await s.insertUser("bob", "viewer", "h");
    await s.insertUser("cid", "operator", "h");
    const session = (id: string, username: string, seenAt: number, expiresAt: number) =>
      s.insertSession({ id, username, csrfToken: `csrf-${id}`, createdAt: seenAt, seenAt, expiresAt });
    await session("a", "bob", 1000, 10_000);
    await session("b", "bob", 1000, 10_000);
    await session("c", "bob", 1000, 10_000);
    await session("d", "cid", 1000, 3000);
    assert.deepEqual(await s.getSession("a"), {
      id: "a",
      username: "bob",
      role: "viewer",
      csrfToken: "csrf-a",
      createdAt: 1000,
      seenAt: 1000,
      expiresAt: 10_000,
    });
    await s.setRole("bob", "operator");
    assert.equal((await s.getSession("a"))?.role, "operator", "a role change reaches sessions at once");
    await s.touchSession("a", 5000);
    assert.equal((await s.getSession("a"))?.seenAt, 5000);
    assert.equal(await s.countSessions(), 4);

    assert.equal(await s.deleteSessionsOf("bob", "a"), 2, "all of bob's but the one kept");
    assert.ok(await s.getSession("a"));
    assert.equal(await s.deleteSession("a"), true);
    assert.equal(await s.deleteSession("a"), false);

    // Stale: d is past its absolute expiry at 3000; e idles (seen at 1000, idle limit 1500 at 2600).
    await session("e", "bob", 1000, 10_000);
    await session("f", "bob", 2500, 10_000);
    assert.equal(await s.deleteStaleSessions(3000, 1500), 2);
    assert.deepEqual([await s.getSession("d"), await s.getSession("e")], [undefined, undefined]);
    assert.ok(await s.getSession("f"));
    assert.equal(await s.deleteSessionsOf("bob"), 1, "without one to keep, all of them");
    assert.equal(await s.countSessions(), 0);
  },
);

contract(
  "API tokens: stored with the secret's hash, listed in creation order, revoked once, touched",
  async (s) => {
    const t = (id: string, createdAt: string) => ({
      id,
      name: `name-${id}`,
      role: "operator" as const,
      createdBy: "admin",
      createdAt,
    });
    await s.insertToken(t("t2", "2030-01-01T00:00:01.000Z"), "hash-2");
    await s.insertToken(t("t1", "2030-01-01T00:00:00.000Z"), "hash-1");
    assert.deepEqual(await s.getToken("t1"), {
      ...t("t1", "2030-01-01T00:00:00.000Z"),
      secretHash: "hash-1",
    });
    assert.deepEqual((await s.listTokens()).map((x) => x.id), ["t1", "t2"]);
    assert.ok(!("secretHash" in (await s.listTokens())[0]), "a listing carries no hash");
    await s.touchToken("t1", "2030-01-02T00:00:00.000Z");
    assert.equal((await s.getToken("t1"))?.lastUsedAt, "2030-01-02T00:00:00.000Z");
    assert.equal(await s.revokeToken("t1"), true);
    assert.equal(await s.revokeToken("t1"), false, "revoked already");
    assert.equal(await s.revokeToken("nope"), false);
    assert.match((await s.getToken("t1"))?.revokedAt ?? "", /^\d{4}-\d\d-\d\dT/);
    assert.equal((await s.getToken("t2"))?.revokedAt, undefined);
  },
);

contract(
  "sign-in limits: per scope, updated on the stored state, bounded, forgotten when quiet",
  async (s) => {
    const user = s.loginLimits("user");
    const address = s.loginLimits("address");
    assert.equal(await user.get("k"), undefined);
    const bump = (at: number) => (c: { failures: number } | undefined) => ({
      failures: (c?.failures ?? 0) + 1,
      lockedUntil: at + 500,
      last: at,
    });
    assert.deepEqual(await user.update("k", bump(1000), 10), { failures: 1, lockedUntil: 1500, last: 1000 });
    assert.deepEqual(await user.update("k", bump(2000), 10), { failures: 2, lockedUntil: 2500, last: 2000 });
    assert.deepEqual(await user.get("k"), { failures: 2, lockedUntil: 2500, last: 2000 });
    assert.equal(await address.get("k"), undefined, "another scope's keys are its own");
    await address.update("k", bump(1000), 10);

    // Updates racing on one key are each counted (the PostgreSQL engine locks the row; SQLite is serial).
    await Promise.all(Array.from({ length: 8 }, (_, i) => user.update("race", bump(3000 + i), 10)));
    assert.equal((await user.get("race"))?.failures, 8);

    // Bounded: the least recently failed keys go first.
    for (let i = 0; i < 12; i++) await user.update(`many-${i}`, bump(10_000 + i), 10);
    const kept = (await user.load()).map(([key]) => key);
    assert.equal(kept.length, 10);
    assert.deepEqual(kept.slice(0, 2), ["many-2", "many-3"], "least recently failed first");
    assert.equal(await user.get("k"), undefined, "the oldest was dropped");

    await user.remove("many-11");
    assert.equal(await user.get("many-11"), undefined);
    assert.equal(await user.forget(10_005), 4, "many-2 … many-5");
    assert.equal((await user.load()).length, 5);
    assert.equal((await address.load()).length, 1);

    // The limiter on top: the lock comes from the stored failures.
    let t = 50_000;
    const limiter = new LoginLimiter(
      {
        lockAfterFailures: 2,
        baseLockMs: 1000,
        maxLockMs: 4000,
        forgetAfterMs: 60_000,
        maxInFlight: 1,
        maxKeys: 10,
      },
      () => t,
      address,
    );
    for (let i = 0; i < 2; i++) {
      const a = await limiter.begin("10.0.0.1");
      assert.ok(a.ok);
      await a.failed();
    }
    assert.deepEqual(await limiter.begin("10.0.0.1"), { ok: false, retryAfterMs: 1000 });
    t += 1000;
    assert.equal((await limiter.begin("10.0.0.1")).ok, true);
  },
);

contract(
  "audit entries: newest first, filtered by actor (any case), action family and target, paged, pruned",
  async (s) => {
    let at = Date.parse("2030-01-01T00:00:00Z");
    const add = (actor: string, action: string, target?: string, detail?: string) =>
      s.insertAudit({
        at: new Date(at += 1000).toISOString(),
        actor,
        actorKind: "user",
        role: "admin",
        action,
        ...(target ? { target } : {}),
        ...(detail ? { detail } : {}),
        address: "127.0.0.1",
      });
    await add("alice", "user.create", "bob", JSON.stringify({ role: "viewer" }));
    await add("alice", "user.role", "bob");
    await add("Bob", "command.send", "CP-1");
    await add("alice", "user_x.odd", "bob");
    await add("alice", "userdelete", "bob");
    await add("alice", "userxx.odd");
    const all = await s.listAudit({ limit: 10, offset: 0 });
    assert.equal(all.total, 6);
    assert.deepEqual(all.items.map((e) => e.action), [
      "userxx.odd",
      "userdelete",
      "user_x.odd",
      "command.send",
      "user.role",
      "user.create",
    ]);
    const first = all.items[5];
    assert.deepEqual(first, {
      id: first.id,
      at: "2030-01-01T00:00:01.000Z",
      actor: "alice",
      actorKind: "user",
      role: "admin",
      action: "user.create",
      target: "bob",
      detail: { role: "viewer" },
      address: "127.0.0.1",
    });
    assert.ok(all.items[0].id > first.id, "ids grow");
    const actions = async (q: { actor?: string; action?: string; target?: string }) =>
      (await s.listAudit({ ...q, limit: 10, offset: 0 })).items.map((e) => e.action);
    assert.deepEqual(await actions({ action: "user" }), ["user.role", "user.create"]);
    assert.deepEqual(await actions({ action: "user.role" }), ["user.role"]);
    assert.deepEqual(await actions({ action: "user_x" }), ["user_x.odd"], "_ is no wildcard");
    assert.deepEqual(await actions({ actor: "BOB" }), ["command.send"]);
    assert.deepEqual(await actions({ target: "CP-1" }), ["command.send"]);
    const page = await s.listAudit({ actor: "alice", limit: 2, offset: 3 });
    assert.equal(page.total, 5);
    assert.deepEqual(page.items.map((e) => e.action), ["user.role", "user.create"]);

    assert.equal(await s.pruneAudit("2030-01-01T00:00:03.000Z"), 2);
    assert.equal((await s.listAudit({ limit: 10, offset: 0 })).total, 4);
  },
);

Deno.test({
  name: "portal store (postgres): nodes starting at once migrate once, apart from the CSMS's schema",
  ignore: pgUnavailable !== undefined,
  fn: () =>
    withTestDatabase(async (url) => {
      const stores = await Promise.all([1, 2, 3].map(() => PostgresPortalStore.open(url)));
      const sql = inspect(url);
      try {
        const versions = await sql`SELECT version FROM portal_schema_migrations`;
        assert.deepEqual(versions.map((r) => r.version), [1]);
        const tables = await sql`
          SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`;
        assert.ok(tables.every((r) => String(r.table_name).startsWith("portal_")), "only portal_ tables");
        // A schema newer than this portal knows is refused rather than half understood.
        await sql`INSERT INTO portal_schema_migrations (version, description) VALUES (99, 'from the future')`;
        await assert.rejects(() => PostgresPortalStore.open(url), /newer than this portal knows/);
      } finally {
        await sql.end({ timeout: 5 });
        await Promise.all(stores.map((s) => s.close()));
      }
    }),
});
