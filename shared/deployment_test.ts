import assert from "node:assert/strict";
import { loadDeployment, withoutPassword } from "./deployment.ts";

const fail = (m: string) => new Error(m);

Deno.test("deployment: unset means the embedded engines", () => {
  assert.deepEqual(loadDeployment({}, fail), { staleTransactionMinutes: 60 });
  assert.deepEqual(loadDeployment({ DATABASE_URL: " ", REDIS_URL: "" }, fail), {
    staleTransactionMinutes: 60,
  });
  assert.equal(loadDeployment({ STALE_TX_MINUTES: "0.5" }, fail).staleTransactionMinutes, 0.5);
  assert.throws(() => loadDeployment({ STALE_TX_MINUTES: "-1" }, fail), /invalid STALE_TX_MINUTES="-1"/);
});

Deno.test("deployment: DATABASE_URL and REDIS_URL are read and checked, in one line each", () => {
  assert.deepEqual(
    loadDeployment({ DATABASE_URL: "postgres://u:p@db:5432/cw", REDIS_URL: "redis://r:6379/3" }, fail),
    { databaseUrl: "postgres://u:p@db:5432/cw", redisUrl: "redis://r:6379/3", staleTransactionMinutes: 60 },
  );
  assert.throws(
    () => loadDeployment({ DATABASE_URL: "mysql://db/x" }, fail),
    /DATABASE_URL must start with postgres:/,
  );
  assert.throws(() => loadDeployment({ DATABASE_URL: "not a url" }, fail), /DATABASE_URL is not a URL/);
  assert.throws(() => loadDeployment({ REDIS_URL: "http://r" }, fail), /REDIS_URL must start with redis:/);
  assert.throws(() => loadDeployment({ REDIS_URL: "redis://r:6379/x" }, fail), /database must be a number/);
});

Deno.test("deployment: a URL in a message never shows its password", () => {
  assert.equal(withoutPassword("postgres://u:secret@db:5432/cw"), "postgres://u:***@db:5432/cw");
  assert.ok(!withoutPassword("redis://:hunter2@r:6379/0").includes("hunter2"));
});
