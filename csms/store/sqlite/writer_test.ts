import assert from "node:assert/strict";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { BatchWriter, type WriterOptions } from "./writer.ts";

/** A database file with two tables, a writer on it, and a connection of the test's own to look with. */
async function withWriter(
  options: WriterOptions,
  fn: (t: {
    w: BatchWriter;
    db: DatabaseSync;
    count(): number;
    ins: ReturnType<BatchWriter["prepare"]>;
    lines: string[];
  }) => Promise<void>,
) {
  const dir = await Deno.makeTempDir({ prefix: "csms_writer_" });
  const path = join(dir, "w.sqlite");
  const db = new DatabaseSync(path);
  db.exec("PRAGMA journal_mode = WAL");
  db.exec(
    "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL); CREATE TABLE s (k TEXT PRIMARY KEY, v INTEGER)",
  );
  const lines: string[] = [];
  const w = new BatchWriter(path, { log: (l) => lines.push(l), ...options });
  try {
    await w.ready();
    const count = () => (db.prepare("SELECT count(*) AS n FROM t").get() as { n: number }).n;
    await fn({ w, db, count, ins: w.prepare("INSERT INTO t (v) VALUES (?)"), lines });
  } finally {
    await w.close();
    db.close();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("writer: many writes commit as one batch, and durable() waits for it", async () => {
  await withWriter({}, async ({ w, count, ins }) => {
    for (let i = 0; i < 100; i++) w.write(ins, [`v${i}`]);
    assert.equal(count(), 0, "nothing is written before the batch commits");
    await w.durable();
    assert.equal(count(), 100);
    assert.deepEqual(w.stats, { batches: 1, ops: 100, failedOps: 0, failedBatches: 0, droppedAfterClose: 0 });
  });
});

Deno.test("writer: every answer waiting in one turn shares one commit (group commit)", async () => {
  await withWriter({}, async ({ w, count, ins }) => {
    const answers: Promise<void>[] = [];
    for (let i = 0; i < 50; i++) {
      w.write(ins, [`v${i}`]);
      answers.push(w.durable());
    }
    await Promise.all(answers);
    assert.equal(count(), 50);
    assert.equal(w.stats.batches, 1);
  });
});

for (const maxInFlight of [1, 2]) {
  Deno.test(`writer: with ${maxInFlight} batch(es) in flight, what queues up meanwhile goes as one more`, async () => {
    await withWriter({ busyTimeoutMs: 60_000, maxInFlight }, async ({ w, db, count, ins }) => {
      // The test's own connection holds the write lock: the writer's first batch waits on it, in flight.
      db.exec("BEGIN IMMEDIATE");
      const answers: Promise<void>[] = [];
      for (let turn = 0; turn < 20; turn++) {
        w.write(ins, [`turn ${turn}`]);
        answers.push(w.durable());
        await new Promise((r) => setTimeout(r, 0));
      }
      db.exec("COMMIT");
      await Promise.all(answers);
      assert.equal(count(), 20);
      assert.equal(w.stats.batches, maxInFlight + 1, "the first batch(es), then everything queued meanwhile");
    });
  });
}

Deno.test("writer: close commits the rest, and a write after close is dropped, not thrown", async () => {
  const dir = await Deno.makeTempDir({ prefix: "csms_writer_" });
  const path = join(dir, "w.sqlite");
  const db = new DatabaseSync(path);
  db.exec("PRAGMA journal_mode = WAL; CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
  const lines: string[] = [];
  const w = new BatchWriter(path, { log: (l) => lines.push(l), delayMs: 2 ** 31 - 1 });
  const ins = w.prepare("INSERT INTO t (v) VALUES (?)");
  for (let i = 0; i < 25; i++) w.write(ins, [`v${i}`]);
  await w.close();
  const count = () => (db.prepare("SELECT count(*) AS n FROM t").get() as { n: number }).n;
  assert.equal(count(), 25, "close commits what is queued");
  w.write(ins, ["late"]);
  assert.equal(w.stats.droppedAfterClose, 1);
  assert.match(lines.join("\n"), /after the database was closed/);
  await assert.rejects(w.run(ins, ["late"]), /closed/);
  assert.equal(count(), 25);
  db.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("writer: coalesced writes keep only the newest per key, after the ordered ones", async () => {
  await withWriter({}, async ({ w, db }) => {
    const up = w.prepare("INSERT INTO s (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v");
    for (let i = 1; i <= 50; i++) w.coalesce(up, "a", ["a", i]);
    w.coalesce(up, "b", ["b", 7]);
    await w.durable();
    assert.equal(w.stats.ops, 2, "two statements ran, not 51");
    assert.deepEqual(db.prepare("SELECT k, v FROM s ORDER BY k").all().map((r) => [r.k, r.v]), [
      ["a", 50],
      ["b", 7],
    ]);
  });
});

Deno.test("writer: run() resolves with the rows changed once committed", async () => {
  await withWriter({}, async ({ w, ins }) => {
    for (let i = 0; i < 3; i++) w.write(ins, ["x"]);
    const del = w.prepare("DELETE FROM t WHERE v = ?");
    assert.equal(await w.run(del, ["x"]), 3);
    assert.equal(await w.run(del, ["x"]), 0);
  });
});

Deno.test("writer: one failing statement is logged and skipped; the rest of the batch commits", async () => {
  await withWriter({}, async ({ w, count, ins, lines }) => {
    w.write(ins, ["ok1"]);
    w.write(ins, [null]); // NOT NULL violation
    w.write(ins, ["ok2"]);
    await w.durable();
    assert.equal(count(), 2);
    assert.equal(w.stats.failedOps, 1);
    assert.match(lines.join("\n"), /NOT NULL/);
  });
});

Deno.test("writer: a failed commit rejects its waiters, and the writer goes on", async () => {
  await withWriter({ busyTimeoutMs: 20 }, async ({ w, db, count, ins }) => {
    db.exec("BEGIN IMMEDIATE"); // the writer's BEGIN IMMEDIATE now fails: the database is locked
    w.write(ins, ["x"]);
    await assert.rejects(w.durable(), /locked|busy/i);
    assert.equal(w.stats.failedBatches, 1);
    db.exec("ROLLBACK");
    w.write(ins, ["y"]);
    await w.durable();
    assert.equal(count(), 1);
  });
});

Deno.test("writer: a database that cannot be opened fails ready() and every write after it", async () => {
  const lines: string[] = [];
  const w = new BatchWriter("/nonexistent-dir/for/sure/w.sqlite", { log: (l) => lines.push(l) });
  await assert.rejects(w.ready(), /cannot open the database/);
  await assert.rejects(w.durable(), /cannot open/);
  await assert.rejects(w.run(w.prepare("DELETE FROM t"), []), /cannot open/);
  await w.close();
});

Deno.test("writer: flush hooks turn pending state into writes only when a batch goes", async () => {
  await withWriter({}, async ({ w, count, ins }) => {
    let pending: string[] = [];
    let calls = 0;
    w.addFlushHook(() => {
      calls++;
      for (const v of pending) w.write(ins, [v]);
      pending = [];
    });
    pending.push("a", "b");
    w.hookPending();
    w.hookPending();
    assert.equal(count(), 0);
    await w.durable();
    assert.equal(count(), 2);
    assert.equal(calls, 1);
    w.flush();
    await w.durable();
    assert.equal(calls, 1, "hooks run only when something is pending");
  });
});

Deno.test("writer: with hookDelayMs, hooks wait for it, except for sync(true)", async () => {
  await withWriter({ hookDelayMs: 2 ** 31 - 1 }, async ({ w, count, ins }) => {
    let pending = 0;
    w.addFlushHook(() => {
      for (; pending > 0; pending--) w.write(ins, ["latest"]);
    });
    pending = 3;
    w.hookPending();
    w.write(ins, ["ordered"]);
    await w.durable();
    assert.equal(count(), 1, "the ordered write is committed, the hook's state waits");
    await w.sync(true);
    assert.equal(count(), 4);
  });
});

Deno.test("writer: someone awaiting durable() cuts a long batch wait short", async () => {
  await withWriter({ delayMs: 2 ** 31 - 1 }, async ({ w, count, ins }) => {
    w.write(ins, ["x"]);
    let settled = false;
    const done = w.durable().then(() => settled = true);
    for (let i = 0; i < 500 && !settled; i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(settled, "durable() resolved without waiting out the long batch delay");
    await done;
    assert.equal(count(), 1);
  });
});
