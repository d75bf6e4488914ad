import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { waitFor } from "../../../tests/wait.ts";
import { startCheckpointer } from "./checkpointer.ts";
import { databasePath, openDatabase } from "./db.ts";

Deno.test("checkpointer: copies what the writer committed into the database file, from its own thread", async () => {
  const dir = await Deno.makeTempDir({ prefix: "csms_checkpointer_" });
  const path = databasePath(dir);
  const db = openDatabase(dir);
  // The writer's side: no automatic checkpoint of its own, so only the checkpointer can move the pages.
  db.exec("PRAGMA wal_autocheckpoint = 0");
  const checkpointer = await startCheckpointer(path, { everyMs: 20, log: () => {} });
  try {
    assert.equal(checkpointer.running, true);
    const insert = db.prepare(
      "INSERT INTO events (at, charger_id, type, data, received_at) VALUES (?, ?, ?, ?, ?)",
    );
    db.exec("BEGIN");
    for (let i = 0; i < 2000; i++) insert.run("at", `CP-${i}`, "x", "{}".padEnd(200, " "), i);
    db.exec("COMMIT");
    // A connection that reads only the database file (the WAL ignored) sees the rows. Polled: a checkpoint
    // that ran while the rows were being written copied only the schema's pages (the migrations' commits),
    // or none yet (the file has no tables then).
    const inFile = () => {
      const copy = new DatabaseSync(`file:${path}?immutable=1`, { readOnly: true });
      try {
        return (copy.prepare("SELECT count(*) AS n FROM events").get() as { n: number }).n;
      } catch {
        return 0;
      } finally {
        copy.close();
      }
    };
    await waitFor(() => inFile() === 2000, "the checkpointer to copy the rows", 10_000, 20);
    // The worker reports what it copied in a message after the checkpoint: the rows can be in the file a
    // moment before the report reaches this thread.
    await waitFor(
      () => checkpointer.stats.pagesCopied > 0,
      "the checkpointer's report of the pages",
      10_000,
      20,
    );
    assert.ok(checkpointer.stats.pagesCopied > 0);
  } finally {
    await checkpointer.stop();
    db.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("checkpointer: a database it cannot open leaves it not running, and stop() still ends it", async () => {
  const lines: string[] = [];
  const checkpointer = await startCheckpointer("/nonexistent-dir/for/sure/x.sqlite", {
    log: (l) => lines.push(l),
  });
  assert.equal(checkpointer.running, false);
  assert.match(lines.join("\n"), /checkpoint/);
  await checkpointer.stop();
});
