import assert from "node:assert/strict";
import { openDatabase } from "./db.ts";
import { CsmsStore } from "./store.ts";
import { BatchWriter } from "./writer.ts";

async function withStore(fn: (dir: string) => Promise<void> | void) {
  const dir = await Deno.makeTempDir({ prefix: "csms_store_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function open(dir: string) {
  const db = openDatabase(dir);
  const writer = new BatchWriter(db);
  const store = new CsmsStore(db, writer);
  return {
    db,
    store,
    close() {
      writer.close();
      db.close();
    },
  };
}

Deno.test("store: WAL mode, and transaction ids continue after a reopen with active ones reloaded", async () => {
  await withStore(async (dir) => {
    const a = open(dir);
    assert.equal((a.db.prepare("PRAGMA journal_mode").get() as { journal_mode: string }).journal_mode, "wal");
    const base = {
      chargerId: "CP",
      connectorId: 1,
      idTag: "T",
      startedAt: "2026-01-01T00:00:00Z",
      authStatus: "Accepted",
    };
    const one = a.store.startTransaction({ ...base, meterStartWh: 0 });
    const two = a.store.startTransaction({ ...base, connectorId: 2, meterStartWh: 10 });
    await Promise.all([one.durable, two.durable]);
    assert.deepEqual([one.tx.id, two.tx.id], [1, 2]);
    a.store.meterSamples("CP", 1, one.tx.id, [{ timestamp: "t", energyWh: 900 }], Date.now());
    const stop = a.store.stopTransaction({
      id: 2,
      chargerId: "CP",
      meterStopWh: 60,
      stoppedAt: "t2",
      reason: "Local",
    });
    assert.equal(stop.kind === "stopped" && stop.tx.energyWh, 50);
    a.close();

    const b = open(dir);
    assert.deepEqual([...b.store.activeTransactions()].map((t) => [t.id, t.lastMeterWh]), [[1, 900]]);
    assert.equal(b.store.startTransaction({ ...base, meterStartWh: 0 }).tx.id, 3);
    assert.equal(
      b.store.stopTransaction({ id: 2, chargerId: "CP", meterStopWh: 60, stoppedAt: "t", reason: "Local" })
        .kind,
      "already-stopped",
    );
    assert.equal(
      b.store.stopTransaction({ id: 1, chargerId: "OTHER", meterStopWh: 1, stoppedAt: "t", reason: "Local" })
        .kind,
      "other-charger",
    );
    assert.equal(
      b.store.stopTransaction({ id: 99, chargerId: "CP", meterStopWh: 1, stoppedAt: "t", reason: "Local" })
        .kind,
      "unknown",
    );
    b.close();
  });
});

Deno.test("store: retention deletes only rows older than their limit, in bounded chunks", async () => {
  await withStore((dir) => {
    const s = open(dir);
    const day = 86_400_000;
    const now = 100 * day;
    for (let i = 0; i < 30; i++) {
      // 10 rows each 40, 20 and 1 day old.
      const age = i < 10 ? 40 : i < 20 ? 20 : 1;
      s.store.meterSamples("CP", 1, undefined, [{ timestamp: `t${i}`, energyWh: i }], now - age * day);
      s.store.appendEvent("CP", "x", "at", {}, now - age * day);
    }
    const count = (t: string) => (s.db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
    assert.equal(s.store.prune(now, 30, 0, 4), 4, "bounded chunk");
    assert.equal(count("meter_values"), 26);
    assert.equal(s.store.prune(now, 30, 0), 6);
    assert.equal(count("meter_values"), 20);
    assert.equal(count("events"), 30, "0 days keeps events forever");
    assert.equal(s.store.prune(now, 30, 10), 20);
    assert.equal(count("events"), 10);
    assert.equal(s.store.prune(now, 30, 10), 0);
    s.close();
  });
});
