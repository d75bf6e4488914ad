import assert from "node:assert/strict";
import { databasePath, openDatabase } from "./db.ts";
import { SqliteStorage } from "./storage.ts";
import { MeterHistory } from "./meter_history.ts";
import type { IdTokenStatus, MeterSample } from "../../../shared/domain.ts";
import { MAX_RECENT_REFUSALS } from "../../../shared/queries.ts";
import type { CloseTransaction, StopTransaction } from "../../../shared/storage.ts";
import type { RefusalRecord } from "./refusals.ts";
import { BatchWriter, type WriterOptions } from "./writer.ts";
import { checkChargingProfilesContract } from "../charging_profiles_test_support.ts";
import { checkDeviceModelContract } from "../device_model_test_support.ts";
import {
  checkConfigurationContract,
  checkEventLogQueryContract,
  checkMeterReadingsContract,
} from "../charger_data_test_support.ts";
import { checkFilesContract } from "../files_test_support.ts";
import { checkBootStatusContract } from "../registration_test_support.ts";
import { checkStatsContract } from "../stats_test_support.ts";
import {
  checkLocalListContract,
  checkOpenWithIdTagContract,
  checkReservationContract,
} from "../reservation_test_support.ts";

async function withStore(fn: (dir: string) => Promise<void> | void) {
  const dir = await Deno.makeTempDir({ prefix: "csms_store_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function open(dir: string, options: WriterOptions = {}) {
  const db = openDatabase(dir);
  const writer = new BatchWriter(databasePath(dir), options);
  await writer.ready();
  const storage = new SqliteStorage(db, writer);
  const tx = storage.transactions;
  /** These tests speak of 1.6 connectors: connector n is EVSE n, connector 1, as the 1.6 adapter maps it. */
  const store = {
    async startTransaction(t: {
      chargerId: string;
      connectorId: number;
      idTag: string;
      meterStartWh: number;
      startedAt: string;
      authStatus: string;
    }) {
      const { connectorId, authStatus, ...rest } = t;
      const w = await tx.start({
        ...rest,
        authStatus: authStatus as IdTokenStatus,
        evseId: connectorId,
        connectorId: connectorId === 0 ? 0 : 1,
      });
      return { tx: w.value, durable: w.durable };
    },
    async meterSamples(
      chargerId: string,
      evseId: number,
      transactionId: number | undefined,
      samples: MeterSample[],
      atMs: number,
    ) {
      return (await storage.meter.append(chargerId, evseId, transactionId, samples, atMs)).value;
    },
    stopTransaction: (stop: StopTransaction) => tx.stop(stop),
    activeTransactions: () => tx.active(),
    activeOn: (chargerId: string, evseId: number) => tx.activeOn(chargerId, evseId),
    findResentStart: (
      chargerId: string,
      evseId: number,
      idTag: string,
      meterStartWh: number,
      startedAt: string,
    ) => tx.findResentStart({ chargerId, evseId, connectorId: 1, idTag, meterStartWh, startedAt }),
    closeTransaction: async (id: number, close: CloseTransaction) => (await tx.close(id, close))?.value,
    chargerConnected: (id: string, protocol: "ocpp1.6", at: string) =>
      storage.chargers.connected(id, protocol, "node-1", at),
    appendEvent: storage.appendEvent.bind(storage),
    prune: storage.prune.bind(storage),
    registrations: storage.registrations,
    refusals: {
      record: (r: RefusalRecord) => storage.recordRefusal(r),
      list: (limit = MAX_RECENT_REFUSALS) => storage.reads.listRefusals({ limit }),
    },
  };
  return {
    db,
    storage,
    store,
    writer,
    async close() {
      await storage.close();
      db.close();
    },
  };
}

Deno.test("store: WAL mode, and transaction ids continue after a reopen with active ones reloaded", async () => {
  await withStore(async (dir) => {
    const a = await open(dir);
    assert.equal((a.db.prepare("PRAGMA journal_mode").get() as { journal_mode: string }).journal_mode, "wal");
    const base = {
      chargerId: "CP",
      connectorId: 1,
      idTag: "T",
      startedAt: "2026-01-01T00:00:00Z",
      authStatus: "Accepted",
    };
    const one = await a.store.startTransaction({ ...base, meterStartWh: 0 });
    const two = await a.store.startTransaction({ ...base, connectorId: 2, meterStartWh: 10 });
    await Promise.all([one.durable, two.durable]);
    assert.deepEqual([one.tx.id, two.tx.id], [1, 2]);
    await a.store.meterSamples("CP", 1, one.tx.id, [{ timestamp: "t", energyWh: 900 }], Date.now());
    const stop = await a.store.stopTransaction({
      id: 2,
      chargerId: "CP",
      meterStopWh: 60,
      stoppedAt: "t2",
      reason: "Local",
    });
    assert.equal(stop.kind === "stopped" && stop.tx.energyWh, 50);
    await a.close();

    const b = await open(dir);
    assert.deepEqual([...b.store.activeTransactions()].map((t) => [t.id, t.lastMeterWh]), [[1, 900]]);
    assert.equal((await b.store.startTransaction({ ...base, meterStartWh: 0 })).tx.id, 3);
    const stopAgain = (id: number, chargerId: string) =>
      b.store.stopTransaction({ id, chargerId, meterStopWh: 60, stoppedAt: "t", reason: "Local" });
    assert.equal((await stopAgain(2, "CP")).kind, "already-stopped");
    assert.equal((await stopAgain(1, "OTHER")).kind, "other-charger");
    assert.equal((await stopAgain(99, "CP")).kind, "unknown");
    await b.close();
  });
});

Deno.test("store: retention deletes only rows older than their limit, in bounded chunks", async () => {
  await withStore(async (dir) => {
    const s = await open(dir);
    const day = 86_400_000;
    const now = 100 * day;
    for (let i = 0; i < 30; i++) {
      // 10 rows each 40, 20 and 1 day old.
      const age = i < 10 ? 40 : i < 20 ? 20 : 1;
      await s.store.meterSamples("CP", 1, undefined, [{ timestamp: `t${i}`, energyWh: i }], now - age * day);
      s.store.appendEvent("CP", "x", "at", {}, now - age * day);
    }
    const count = (t: string) => (s.db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
    assert.equal(await s.store.prune(now, 30, 0, 4), 4, "bounded chunk");
    assert.equal(count("meter_values"), 26);
    assert.equal(await s.store.prune(now, 30, 0), 6);
    assert.equal(count("meter_values"), 20);
    assert.equal(count("events"), 30, "0 days keeps events forever");
    assert.equal(await s.store.prune(now, 30, 10), 20);
    assert.equal(count("events"), 10);
    assert.equal(await s.store.prune(now, 30, 10), 0);
    await s.close();
  });
});

const HOUR = 3_600_000;

Deno.test("store: the latest readings wait in memory, and are written for a read or at close", async () => {
  await withStore(async (dir) => {
    const s = await open(dir, { hookDelayMs: HOUR });
    s.store.chargerConnected("CP", "ocpp1.6", "2026-01-01T00:00:00.000Z");
    const { tx, durable } = await s.store.startTransaction({
      chargerId: "CP",
      connectorId: 1,
      idTag: "T",
      meterStartWh: 0,
      startedAt: "2026-01-01T00:00:00.000Z",
      authStatus: "Accepted",
    });
    await durable;
    await s.store.meterSamples("CP", 1, tx.id, [{ timestamp: "2026-01-01T00:01:00.000Z", energyWh: 120 }], 1);
    await s.writer.durable();
    const latest = () => ({
      sample:
        (s.db.prepare("SELECT last_sample FROM chargers WHERE id = 'CP'").get() as Record<string, unknown>)
          .last_sample,
      wh: (s.db.prepare("SELECT last_meter_wh FROM transactions").get() as Record<string, unknown>)
        .last_meter_wh,
      rows: (s.db.prepare("SELECT count(*) AS n FROM meter_values").get() as { n: number }).n,
    });
    assert.deepEqual(
      latest(),
      { sample: null, wh: null, rows: 1 },
      "the sample is committed, the latest not yet",
    );
    await s.writer.sync(true);
    assert.equal(latest().wh, 120);
    assert.deepEqual(JSON.parse(latest().sample as string), {
      timestamp: "2026-01-01T00:01:00.000Z",
      energyWh: 120,
      evseId: 1,
      transactionId: tx.id,
    });
    await s.store.meterSamples("CP", 1, tx.id, [{ timestamp: "2026-01-01T00:02:00.000Z", energyWh: 240 }], 2);
    await s.close();
    const db = openDatabase(dir);
    assert.equal(
      (db.prepare("SELECT last_meter_wh AS wh FROM transactions").get() as { wh: number }).wh,
      240,
    );
    db.close();
  });
});

Deno.test("store: after a crash the latest readings are taken back from the committed samples", async () => {
  await withStore(async (dir) => {
    const a = await open(dir, { hookDelayMs: HOUR });
    const started = await a.store.startTransaction({
      chargerId: "CP",
      connectorId: 1,
      idTag: "T",
      meterStartWh: 0,
      startedAt: "2026-01-01T00:00:00.000Z",
      authStatus: "Accepted",
    });
    await started.durable;
    a.store.chargerConnected("CP", "ocpp1.6", "2026-01-01T00:00:00.000Z");
    for (let i = 1; i <= 3; i++) {
      await a.store.meterSamples("CP", 1, started.tx.id, [{
        timestamp: `2026-01-01T00:0${i}:00.000Z`,
        energyWh: i * 100,
      }], i);
    }
    await a.writer.durable();
    // What a crash leaves: the samples are committed, the latest readings (still in memory) are not.
    const b = await open(dir);
    assert.deepEqual([...b.store.activeTransactions()].map((t) => t.lastMeterWh), [300]);
    await b.writer.sync(true);
    const row = b.db.prepare("SELECT last_sample FROM chargers WHERE id = 'CP'").get() as {
      last_sample: string;
    };
    assert.equal(JSON.parse(row.last_sample).energyWh, 300);
    assert.equal(
      (b.db.prepare("SELECT last_meter_wh AS wh FROM transactions").get() as { wh: number }).wh,
      300,
    );
    await b.close();
    await a.close();
  });
});

Deno.test("store: a charger's history merges its transactions' samples and those outside any, newest by arrival", async () => {
  await withStore(async (dir) => {
    const s = await open(dir);
    const start = async (connectorId: number) =>
      (await s.store.startTransaction({
        chargerId: "CP",
        connectorId,
        idTag: "T",
        meterStartWh: 0,
        startedAt: `2026-01-01T00:00:0${connectorId}.000Z`,
        authStatus: "Accepted",
      })).tx.id;
    const one = await start(1), two = await start(2);
    const put = async (connectorId: number, txId: number | undefined, wh: number) =>
      await s.store.meterSamples("CP", connectorId, txId, [{
        timestamp: `2026-01-01T01:00:${wh}.000Z`,
        energyWh: wh,
      }], wh);
    await put(1, one, 10);
    await put(0, undefined, 11);
    await put(2, two, 12);
    await put(1, one, 13);
    await put(2, two, 14);
    await put(0, undefined, 15);
    // A late sample of the older transaction (a replay after a reconnect) is the newest to arrive.
    await put(1, one, 16);
    await s.store.meterSamples("OTHER", 0, undefined, [{ timestamp: "x", energyWh: 99 }], 1);
    await s.writer.sync(true);
    const history = new MeterHistory(s.db);
    const energies = (o: { transactionId?: number; limit: number; since?: string }) =>
      history.samples("CP", o).map((x) => x.energyWh);
    assert.deepEqual(energies({ limit: 100 }), [10, 11, 12, 13, 14, 15, 16]);
    assert.deepEqual(energies({ limit: 3 }), [14, 15, 16]);
    assert.deepEqual(energies({ limit: 2, transactionId: two }), [12, 14]);
    assert.deepEqual(energies({ limit: 100, since: "2026-01-01T01:00:13" }), [13, 14, 15, 16]);
    assert.deepEqual(energies({ limit: 0 }), []);
    await s.close();
  });
});

Deno.test("store: a replayed sample is not fresh again, before or after later ones; a new one is", async () => {
  await withStore(async (dir) => {
    const s = await open(dir);
    const { tx } = await s.store.startTransaction({
      chargerId: "CP",
      connectorId: 1,
      idTag: "T",
      meterStartWh: 0,
      startedAt: "2026-01-01T00:00:00.000Z",
      authStatus: "Accepted",
    });
    const put = async (ts: string, wh: number) =>
      (await s.store.meterSamples("CP", 1, tx.id, [{ timestamp: ts, energyWh: wh }], 0)).length;
    assert.equal(await put("2026-01-01T00:01:00.000Z", 1), 1);
    assert.equal(await put("2026-01-01T00:02:00.000Z", 2), 1);
    assert.equal(await put("2026-01-01T00:02:00.000Z", 2), 0, "replay of the newest");
    assert.equal(await put("2026-01-01T00:01:00.000Z", 1), 0, "replay of an older one, after a later one");
    assert.equal(
      await put("2026-01-01T00:01:00.000Z", 5),
      1,
      "same time, another reading: a sample of its own",
    );
    assert.equal(await put("2026-01-01T00:00:30.000Z", 0), 1, "an earlier time never seen");
    await s.writer.sync(true);
    const rows = s.db.prepare("SELECT count(*) AS n FROM meter_values").get() as { n: number };
    assert.equal(rows.n, 4);
    await s.close();
  });
});

Deno.test("store: active transactions by connector; a close by the CSMS keeps the last reading and holds", async () => {
  await withStore(async (dir) => {
    const a = await open(dir);
    const base = { chargerId: "CP", idTag: "T", startedAt: "2026-01-01T00:00:00Z", authStatus: "Accepted" };
    const one = (await a.store.startTransaction({ ...base, connectorId: 1, meterStartWh: 100 })).tx;
    const two = (await a.store.startTransaction({ ...base, connectorId: 2, meterStartWh: 0 })).tx;
    await a.store.startTransaction({ ...base, chargerId: "CP2", connectorId: 1, meterStartWh: 0 });
    assert.deepEqual((await a.store.activeOn("CP", 1)).map((t) => t.id), [one.id]);
    assert.equal((await a.store.findResentStart("CP", 2, "T", 0, base.startedAt))?.id, two.id);
    assert.equal(await a.store.findResentStart("CP", 2, "T", 1, base.startedAt), undefined);
    await a.store.meterSamples("CP", 1, one.id, [{ timestamp: "t", energyWh: 900 }], Date.now());

    const closed = await a.store.closeTransaction(one.id, {
      reason: "ClosedByOperator",
      stoppedAt: "2026-01-01T01:00:00Z",
      closedAt: "2026-01-01T01:00:00Z",
      closedBy: "alice",
      closeReason: "dead",
    });
    assert.deepEqual([closed?.meterStopWh, closed?.energyWh, closed?.closedBy], [900, 800, "alice"]);
    assert.equal(
      await a.store.closeTransaction(one.id, { reason: "x", stoppedAt: "t", closedAt: "t" }),
      undefined,
    );
    assert.deepEqual(await a.store.activeOn("CP", 1), []);
    // Without a reading, the meterStart: no energy is invented.
    assert.equal(
      (await a.store.closeTransaction(two.id, { reason: "x", stoppedAt: "t", closedAt: "t" }))?.energyWh,
      0,
    );
    const late = await a.store.stopTransaction({
      id: one.id,
      chargerId: "CP",
      meterStopWh: 1000,
      stoppedAt: "2026-01-01T02:00:00Z",
      reason: "Local",
    });
    assert.equal(late.kind, "reported-after-close");
    await a.close();

    const b = await open(dir);
    assert.deepEqual([...b.store.activeTransactions()].map((t) => t.chargerId), ["CP2"]);
    const stopAgain = () =>
      b.store.stopTransaction({
        id: one.id,
        chargerId: "CP",
        meterStopWh: 5,
        stoppedAt: "t",
        reason: "Local",
      });
    assert.equal((await stopAgain()).kind, "already-stopped", "only the first late stop is kept");
    const row = b.db.prepare(
      "SELECT meter_stop_wh, stop_reason, closed_by, reported_meter_stop_wh FROM transactions WHERE id = ?",
    ).get(one.id);
    assert.deepEqual({ ...row }, {
      meter_stop_wh: 900,
      stop_reason: "ClosedByOperator",
      closed_by: "alice",
      reported_meter_stop_wh: 1000,
    });
    await b.close();
  });
});

Deno.test("store: refusals are kept per charger id, counted across writes, with the latest reason and address", async () => {
  await withStore(async (dir) => {
    // As in the CSMS: the latest state waits in memory until a read (or a few seconds) flushes it.
    const s = await open(dir, { hookDelayMs: 60_000 });
    const refused = (chargerId: string, at: string, more: Partial<RefusalRecord> = {}): RefusalRecord => ({
      chargerId,
      at,
      remoteAddress: "192.0.2.1",
      reason: "unknown-id",
      status: 401,
      ...more,
    });
    s.store.refusals.record(refused("CP-A", "2026-01-01T00:00:01.000Z"));
    s.store.refusals.record(refused("CP-B", "2026-01-01T00:00:02.000Z", { reason: "no-credentials" }));
    s.store.refusals.record(refused("CP-A", "2026-01-01T00:00:03.000Z", { remoteAddress: "192.0.2.9" }));
    assert.equal(
      (s.db.prepare("SELECT count(*) AS n FROM charger_refusals").get() as { n: number }).n,
      0,
      "nothing written per refusal",
    );
    await s.writer.sync(true);
    // Written once; more refusals of the same id add to it.
    s.store.refusals.record(refused("CP-A", "2026-01-01T00:00:04.000Z", {
      reason: "unsupported-subprotocol",
      status: 1002,
      detail: "ocpp2.0.1",
      remoteAddress: "192.0.2.4",
    }));
    await s.writer.sync(true);
    assert.deepEqual(await s.store.refusals.list(), [
      {
        chargerId: "CP-A",
        reason: "unsupported-subprotocol",
        status: 1002,
        remoteAddress: "192.0.2.4",
        detail: "ocpp2.0.1",
        attempts: 3,
        firstAt: "2026-01-01T00:00:01.000Z",
        lastAt: "2026-01-01T00:00:04.000Z",
        registered: false,
      },
      {
        chargerId: "CP-B",
        reason: "no-credentials",
        status: 401,
        remoteAddress: "192.0.2.1",
        attempts: 1,
        firstAt: "2026-01-01T00:00:02.000Z",
        lastAt: "2026-01-01T00:00:02.000Z",
        registered: false,
      },
    ]);
    assert.deepEqual((await s.store.refusals.list(1)).map((r) => r.chargerId), ["CP-A"]);
    // Registered since: the row stays, and says so.
    await s.store.registrations.register("CP-B", { securityProfile: 0 });
    assert.deepEqual((await s.store.refusals.list()).map((r) => [r.chargerId, r.registered]), [
      ["CP-A", false],
      ["CP-B", true],
    ]);
    await s.close();
  });
});

Deno.test("store: only the most recently refused ids are kept, however many knock", async () => {
  await withStore(async (dir) => {
    const s = await open(dir, { hookDelayMs: 60_000 });
    const total = MAX_RECENT_REFUSALS + 50;
    const at = (i: number) => new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString();
    for (let i = 0; i < total; i++) {
      s.store.refusals.record({
        chargerId: `SPRAY-${i}`,
        at: at(i),
        remoteAddress: "192.0.2.1",
        reason: "unknown-id",
        status: 401,
      });
      // Part written on the way (pruned in the table), part still in memory (bounded there).
      if (i === 100) await s.writer.sync(true);
    }
    await s.writer.sync(true);
    const rows = (s.db.prepare("SELECT count(*) AS n FROM charger_refusals").get() as { n: number }).n;
    assert.equal(rows, MAX_RECENT_REFUSALS);
    const kept = await s.store.refusals.list(total);
    assert.equal(kept.length, MAX_RECENT_REFUSALS);
    assert.equal(kept[0].chargerId, `SPRAY-${total - 1}`);
    assert.equal(kept.at(-1)!.chargerId, `SPRAY-${total - MAX_RECENT_REFUSALS}`);
    await s.close();
  });
});

Deno.test("store: a charger's device model is upserted by its key, keeps no password, and clears on its own", async () => {
  await withStore(async (dir) => {
    const s = await open(dir);
    try {
      await checkDeviceModelContract(s.storage);
    } finally {
      await s.close();
    }
  });
});

Deno.test("store: charging profiles replace by id or by connector, purpose and stackLevel, and go by id", async () => {
  await withStore(async (dir) => {
    const s = await open(dir);
    try {
      await checkChargingProfilesContract(s.storage);
    } finally {
      await s.close();
    }
  });
});

Deno.test("store: a registration's boot status is set, kept, and changed alone", async () => {
  await withStore(async (dir) => {
    const s = await open(dir);
    try {
      await checkBootStatusContract(s.storage);
    } finally {
      await s.close();
    }
  });
});

Deno.test("store: energy per UTC day and sessions per UTC hour, aggregated over transactions", async () => {
  await withStore(async (dir) => {
    const s = await open(dir);
    try {
      await checkStatsContract(s.storage);
    } finally {
      await s.close();
    }
  });
});

Deno.test("store: every reading of a meter value is kept with its sample", async () => {
  await withStore(async (dir) => {
    const s = await open(dir);
    try {
      await checkMeterReadingsContract(s.storage);
    } finally {
      await s.close();
    }
  });
});

Deno.test("store: a charger's configuration keys, a complete report replacing them", async () => {
  await withStore(async (dir) => {
    const s = await open(dir);
    try {
      await checkConfigurationContract(s.storage);
    } finally {
      await s.close();
    }
  });
});

Deno.test("store: reservations, sent local lists and the open transactions of an idTag", async () => {
  await withStore(async (dir) => {
    const s = await open(dir);
    try {
      await checkReservationContract(s.storage);
      await checkLocalListContract(s.storage);
      await checkOpenWithIdTagContract(s.storage);
    } finally {
      await s.close();
    }
  });
});

Deno.test("store: the event log by charger, type prefix and page", async () => {
  await withStore(async (dir) => {
    const s = await open(dir);
    try {
      await checkEventLogQueryContract(s.storage);
    } finally {
      await s.close();
    }
  });
});

Deno.test("store: firmware images and chargers' uploads are kept whole, by token and by charger", async () => {
  await withStore(async (dir) => {
    const s = await open(dir);
    try {
      await checkFilesContract(s.storage);
    } finally {
      await s.close();
    }
  });
});
