import assert from "node:assert/strict";
import { AuditLog } from "./log.ts";

async function withLog(fn: (log: AuditLog, clock: { advance(ms: number): void }) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "chargewire_audit_unit_" });
  let t = Date.parse("2030-01-01T00:00:00Z");
  const log = await AuditLog.open(dir, { retentionDays: 30, now: () => t });
  try {
    await fn(log, { advance: (ms) => t += ms });
  } finally {
    await log.close();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("audit log: entries come back newest first, filtered by actor, action family and target", async () => {
  await withLog(async (log, clock) => {
    const add = async (actor: string, action: string, target?: string) => {
      assert.equal(await log.record({ actor, role: "admin", action, target, address: "127.0.0.1" }), true);
      clock.advance(1000);
    };
    await add("alice", "user.create", "bob");
    await add("alice", "user.role", "bob");
    await add("Bob", "command.send", "CP-1");
    await add("alice", "user_x.odd", "bob");
    await add("alice", "userdelete", "bob"); // no family without its dot
    const all = await log.list({ limit: 10, offset: 0 });
    assert.equal(all.total, 5);
    assert.deepEqual(all.items.map((e) => e.action), [
      "userdelete",
      "user_x.odd",
      "command.send",
      "user.role",
      "user.create",
    ]);
    assert.equal(all.items[4].at, "2030-01-01T00:00:00.000Z");
    assert.deepEqual((await log.list({ action: "user", limit: 10, offset: 0 })).items.map((e) => e.action), [
      "user.role",
      "user.create",
    ]);
    assert.equal((await log.list({ action: "user.role", limit: 10, offset: 0 })).total, 1);
    // "_" in a filter is no LIKE wildcard: "userXx" would match "user_x" else.
    await add("alice", "userxx.odd");
    assert.deepEqual(
      (await log.list({ action: "user_x", limit: 10, offset: 0 })).items.map((e) => e.action),
      [
        "user_x.odd",
      ],
    );
    assert.equal((await log.list({ actor: "BOB", limit: 10, offset: 0 })).items[0].actor, "Bob");
    assert.equal((await log.list({ target: "CP-1", limit: 10, offset: 0 })).total, 1);
    const page = await log.list({ actor: "alice", limit: 2, offset: 3 });
    assert.equal(page.total, 5);
    assert.deepEqual(page.items.map((e) => e.action), ["user.role", "user.create"]);
  });
});

Deno.test("audit log: entries past the retention are pruned", async () => {
  await withLog(async (log, clock) => {
    await log.record({ actor: "alice", action: "logout" });
    clock.advance(20 * 86_400_000);
    await log.record({ actor: "alice", action: "login.success" });
    assert.equal(await log.prune(), 0);
    clock.advance(11 * 86_400_000);
    assert.equal(await log.prune(), 1);
    assert.deepEqual((await log.list({ limit: 10, offset: 0 })).items.map((e) => e.action), [
      "login.success",
    ]);
  });
});

Deno.test("audit log: a write the database refuses goes to stderr whole, and the caller carries on", async () => {
  const dir = await Deno.makeTempDir({ prefix: "chargewire_audit_unit_" });
  const log = await AuditLog.open(dir);
  const errors: string[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => errors.push(args.join(" "));
  try {
    await log.close(); // a closed database refuses every write
    assert.equal(await log.record({ actor: "alice", action: "user.delete", target: "bob" }), false);
  } finally {
    console.error = original;
    await Deno.remove(dir, { recursive: true });
  }
  assert.equal(errors.length, 1);
  assert.match(errors[0], /audit entry not stored .*"actor":"alice".*"action":"user.delete".*"target":"bob"/);
});
