import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { BatchWriter } from "./writer.ts";

function setup(options = {}) {
  const db = new DatabaseSync(":memory:");
  db.exec(
    "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL); CREATE TABLE s (k TEXT PRIMARY KEY, v INTEGER)",
  );
  const lines: string[] = [];
  const w = new BatchWriter(db, { log: (l) => lines.push(l), ...options });
  const count = () => (db.prepare("SELECT count(*) AS n FROM t").get() as { n: number }).n;
  return { db, w, count, lines, ins: db.prepare("INSERT INTO t (v) VALUES (?)") };
}

Deno.test("writer: many writes commit as one batch, and durable() waits for it", async () => {
  const { db, w, count, ins } = setup();
  for (let i = 0; i < 100; i++) w.write(ins, [`v${i}`]);
  assert.equal(count(), 0, "nothing is written before the batch commits");
  await w.durable();
  assert.equal(count(), 100);
  assert.deepEqual(w.stats, { batches: 1, ops: 100, failedOps: 0, droppedAfterClose: 0 });
  w.close();
  db.close();
});

Deno.test("writer: a full batch commits at once", () => {
  const { db, w, count, ins } = setup({ maxOps: 10 });
  for (let i = 0; i < 25; i++) w.write(ins, [`v${i}`]);
  assert.equal(count(), 20);
  w.close();
  assert.equal(count(), 25, "close commits the rest");
  w.write(ins, ["late"]);
  assert.equal(w.stats.droppedAfterClose, 1, "a write after close is dropped, not thrown");
  assert.equal(count(), 25);
  db.close();
});

Deno.test("writer: coalesced writes keep only the newest per key, after the ordered ones", () => {
  const { db, w } = setup();
  const up = db.prepare("INSERT INTO s (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v");
  let runs = 0;
  const counting = {
    run: (...p: unknown[]) => (runs++, up.run(...(p as [string, number]))),
  } as unknown as typeof up;
  for (let i = 1; i <= 50; i++) w.coalesce(counting, "a", ["a", i]);
  w.coalesce(counting, "b", ["b", 7]);
  w.flush();
  assert.equal(runs, 2);
  assert.deepEqual(db.prepare("SELECT k, v FROM s ORDER BY k").all().map((r) => [r.k, r.v]), [["a", 50], [
    "b",
    7,
  ]]);
  w.close();
  db.close();
});

Deno.test("writer: one failing statement is logged and skipped; the rest of the batch commits", async () => {
  const { db, w, count, ins, lines } = setup();
  w.write(ins, ["ok1"]);
  w.write(ins, [null]); // NOT NULL violation
  w.write(ins, ["ok2"]);
  await w.durable();
  assert.equal(count(), 2);
  assert.equal(w.stats.failedOps, 1);
  assert.match(lines.join("\n"), /NOT NULL/);
  w.close();
  db.close();
});

Deno.test("writer: a failed commit rejects its waiters", async () => {
  const { db, w, ins } = setup();
  w.write(ins, ["x"]);
  const waiting = w.durable();
  db.exec("BEGIN"); // the writer's BEGIN IMMEDIATE now fails
  w.flush();
  await assert.rejects(waiting);
  db.exec("ROLLBACK");
  w.close();
  db.close();
});

Deno.test("writer: flush hooks turn pending state into writes only when a batch commits", async () => {
  const { db, w, count, ins } = setup();
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
  assert.equal(calls, 1, "hooks run only when something is pending");
  w.close();
  db.close();
});

Deno.test("writer: someone awaiting durable() cuts a long batch wait short", async () => {
  const { db, w, count, ins } = setup({ delayMs: 2 ** 31 - 1, urgentDelayMs: 1 });
  w.write(ins, ["x"]);
  let settled = false;
  const done = w.durable().then(() => settled = true);
  for (let i = 0; i < 500 && !settled; i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(settled, "durable() resolved without waiting out the long batch delay");
  await done;
  assert.equal(count(), 1);
  w.close();
  db.close();
});
