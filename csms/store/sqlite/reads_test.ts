import assert from "node:assert/strict";
import { openSqliteReads as openReads } from "../open.ts";
import { databasePath, openDatabase } from "./db.ts";
import { SqliteStorage } from "./storage.ts";
import { BatchWriter } from "./writer.ts";

async function withStorage(
  fn: (s: SqliteStorage, dir: string, clock: { ms: number }) => Promise<void>,
  staleTxMinutes = 60,
) {
  const dir = await Deno.makeTempDir({ prefix: "csms_reads_" });
  const db = openDatabase(dir);
  const writer = new BatchWriter(databasePath(dir));
  await writer.ready();
  const clock = { ms: Date.parse("2026-01-01T00:00:00.000Z") };
  const storage = new SqliteStorage(db, writer, { staleTxMinutes, now: () => clock.ms });
  try {
    await fn(storage, dir, clock);
  } finally {
    await storage.close();
    db.close();
    await Deno.remove(dir, { recursive: true });
  }
}

const AT = "2026-01-01T00:00:00.000Z";

Deno.test("reads: a charger is online while its node's lease runs, and offline once it lapses", async () => {
  await withStorage(async (s, _dir, clock) => {
    await s.nodes.alive("node-a", clock.ms + 15_000);
    await s.chargers.connected("CP", "ocpp1.6", "node-a", AT);
    const online = async () => {
      const c = await s.reads.getCharger("CP");
      return [c?.online, c?.node];
    };
    assert.deepEqual(await online(), [true, "node-a"]);
    clock.ms += 14_999;
    assert.deepEqual(await online(), [true, "node-a"]);
    // The node died without a word: its chargers go offline with its lease, no one had to say so.
    clock.ms += 1;
    assert.deepEqual(await online(), [false, undefined]);
    assert.equal((await s.reads.listChargers())[0].online, false);
    // A renewal brings them back (the node was only late).
    await s.nodes.alive("node-a", clock.ms + 15_000);
    assert.deepEqual(await online(), [true, "node-a"]);
  });
});

Deno.test("reads: presence ends where it is; a release takes every charger of a node offline", async () => {
  await withStorage(async (s, _dir, clock) => {
    await s.nodes.alive("node-a", clock.ms + 15_000);
    await s.nodes.alive("node-b", clock.ms + 15_000);
    await s.chargers.connected("CP-1", "ocpp1.6", "node-a", AT);
    await s.chargers.connected("CP-2", "ocpp1.6", "node-a", AT);
    // CP-1 moved to node-b before node-a saw its old socket close: that late close changes nothing.
    await s.chargers.connected("CP-1", "ocpp1.6", "node-b", AT);
    await s.chargers.gone("CP-1", "node-a", clock.ms);
    assert.equal((await s.reads.getCharger("CP-1"))?.node, "node-b");
    await s.nodes.release("node-a");
    assert.deepEqual(
      (await s.reads.listChargers()).map((c) => [c.id, c.online]),
      [["CP-1", true], ["CP-2", false]],
    );
  });
});

Deno.test("reads: stale is computed from stored presence, last-seen time and connector status", async () => {
  await withStorage(async (s, _dir, clock) => {
    await s.nodes.alive("node-a", clock.ms + 3_600_000);
    await s.chargers.connected("CP", "ocpp1.6", "node-a", AT);
    const started = await s.transactions.start({
      chargerId: "CP",
      evseId: 1,
      connectorId: 1,
      idTag: "T",
      meterStartWh: 0,
      startedAt: AT,
      authStatus: "Accepted",
    });
    await s.chargers.status(
      "CP",
      { evseId: 1, connectorId: 1, status: "Available", original: "Available" },
      AT,
    );
    const stale = async () => (await s.reads.getTransaction(started.value.id))?.stale;
    assert.equal(await stale(), undefined, "not for STALE_TX_MINUTES yet");
    clock.ms += 60_000;
    assert.deepEqual(await stale(), { cause: "ConnectorAvailable", since: AT });
    // Offline comes first, since the charger was last seen.
    const goneAt = clock.ms;
    await s.chargers.gone("CP", "node-a", goneAt);
    assert.equal(await stale(), undefined, "offline only just now");
    clock.ms += 60_000;
    assert.deepEqual(await stale(), { cause: "ChargerOffline", since: new Date(goneAt).toISOString() });
    assert.equal((await s.reads.listTransactions({ stale: true })).total, 1);
  }, 1);
});

Deno.test("reads: openReads reads a CSMS's database on its own connection, and refuses where there is none", async () => {
  await withStorage(async (s, dir) => {
    await s.chargers.connected("CP", "ocpp1.6", "node-a", AT);
    await s.reads.listChargers(); // commits what is queued
    const reads = await openReads(dir, { staleTxMinutes: 5 });
    try {
      assert.deepEqual((await reads.listChargers()).map((c) => [c.id, c.protocol, c.online]), [
        ["CP", "ocpp1.6", false],
      ]);
    } finally {
      await reads.close();
    }
  });
  const empty = await Deno.makeTempDir({ prefix: "csms_reads_none_" });
  try {
    await assert.rejects(openReads(empty), /no CSMS database at .*start the CSMS once/);
  } finally {
    await Deno.remove(empty, { recursive: true });
  }
});
