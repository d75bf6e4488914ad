/**
 * The PostgreSQL engine against a real PostgreSQL, through the storage contract (CsmsStorage, CsmsReads)
 * only; a second, plain connection checks what is committed. Each test makes its own database
 * (cw_test_<random>, created through PG_TEST_URL's database) and drops it. Where PostgreSQL does not
 * answer, the file says so in one line and its tests are ignored.
 */
import { inspect, pgUnavailable, sayPgSkipped, withTestDatabase } from "../db/postgres_test_support.ts";
import assert from "node:assert/strict";
import { MAX_RECENT_REFUSALS } from "../shared/queries.ts";
import type { MeterSample } from "../shared/domain.ts";
import type { CsmsStorage } from "../shared/storage.ts";
import { verifyKey } from "../csms/charger_keys.ts";
import { openPostgresReads, openPostgresStorage } from "../csms/store/postgres/storage.ts";
import { checkChargingProfilesContract } from "../csms/store/charging_profiles_test_support.ts";
import { checkDeviceModelContract } from "../csms/store/device_model_test_support.ts";
import {
  checkConfigurationContract,
  checkEventLogQueryContract,
  checkMeterReadingsContract,
} from "../csms/store/charger_data_test_support.ts";
import { checkFilesContract } from "../csms/store/files_test_support.ts";
import { checkBootStatusContract } from "../csms/store/registration_test_support.ts";
import { checkStatsContract } from "../csms/store/stats_test_support.ts";
import {
  checkLocalListContract,
  checkOpenWithIdTagContract,
  checkReservationContract,
} from "../csms/store/reservation_test_support.ts";
import { MIGRATIONS } from "../csms/store/postgres/migrations.ts";

sayPgSkipped();

/** A test on a database of its own, dropped afterwards. */
function pgTest(name: string, fn: (url: string) => Promise<void>): void {
  Deno.test({ name, ignore: pgUnavailable !== undefined, fn: () => withTestDatabase(fn) });
}

async function withStorage(url: string, fn: (s: CsmsStorage) => Promise<void> | void, node = "node-a") {
  const storage = await openPostgresStorage({ url, node, staleTxMinutes: 0 });
  try {
    await fn(storage);
  } finally {
    await storage.close();
  }
}

// In the past: staleness counts from these times to now.
const T0 = Date.parse("2020-01-01T00:00:00.000Z");
const iso = (offsetS: number) => new Date(T0 + offsetS * 1000).toISOString();

function samples(from: number, count: number, txStartWh = 0): MeterSample[] {
  return Array.from({ length: count }, (_, i) => ({
    timestamp: iso(from + i),
    energyWh: txStartWh + (from + i) * 10,
    powerW: 7000,
  }));
}

pgTest(
  "connect, boot and status give the neutral charger shape; online is presence plus a live lease",
  async (url) => {
    await withStorage(url, async (s) => {
      const leaseUntil = Date.now() + 60_000;
      await s.nodes.alive("node-a", leaseUntil);
      await s.chargers.connected("CP-1", "ocpp1.6", "node-a", iso(0));
      await s.chargers.booted("CP-1", {
        vendor: "Acme",
        model: "X1",
        serialNumber: "S-1",
        firmwareVersion: "1.2",
      }, iso(1));
      await s.chargers.status("CP-1", {
        evseId: 1,
        connectorId: 1,
        status: "Occupied",
        chargingState: "Charging",
        original: "Charging",
      }, iso(2));
      await s.chargers.status("CP-1", {
        evseId: 0,
        connectorId: 0,
        status: "Available",
        original: "Available",
      }, iso(2));
      await s.chargers.status(
        "CP-1",
        {
          evseId: 2,
          connectorId: 1,
          status: "Faulted",
          errorCode: "GroundFailure",
          info: "rcd",
          original: "Faulted",
        },
        iso(3),
      );

      const [c] = await s.reads.listChargers();
      assert.equal(c.id, "CP-1");
      assert.equal(c.online, true);
      assert.equal(c.node, "node-a");
      assert.equal(c.protocol, "ocpp1.6");
      assert.equal(c.vendor, "Acme");
      assert.equal(c.model, "X1");
      assert.equal(c.serialNumber, "S-1");
      assert.equal(c.firmwareVersion, "1.2");
      assert.equal(c.lastBootAt, iso(1));
      assert.deepEqual(c.connectors, [
        { evseId: 0, connectorId: 0, status: "Available", original: "Available", updatedAt: iso(2) },
        {
          evseId: 1,
          connectorId: 1,
          status: "Occupied",
          chargingState: "Charging",
          original: "Charging",
          updatedAt: iso(2),
        },
        {
          evseId: 2,
          connectorId: 1,
          status: "Faulted",
          errorCode: "GroundFailure",
          info: "rcd",
          original: "Faulted",
          updatedAt: iso(3),
        },
      ]);
      assert.deepEqual(c.activeTransactions, []);

      // A later status of the same connector replaces it.
      await s.chargers.status("CP-1", {
        evseId: 1,
        connectorId: 1,
        status: "Available",
        original: "Available",
      }, iso(4));
      const one = await s.reads.getCharger("CP-1");
      assert.deepEqual(one?.connectors[1], {
        evseId: 1,
        connectorId: 1,
        status: "Available",
        original: "Available",
        updatedAt: iso(4),
      });
      assert.equal(await s.reads.getCharger("nobody"), undefined);

      // The node's lease in the past: its chargers are offline, whatever their stored presence says.
      await s.nodes.alive("node-a", Date.now() - 1000);
      assert.equal((await s.reads.getCharger("CP-1"))?.online, false);
      assert.equal((await s.reads.getCharger("CP-1"))?.node, undefined);
      await s.nodes.alive("node-a", leaseUntil);
      assert.equal((await s.reads.getCharger("CP-1"))?.online, true);

      // The charger moved to node-b; node-a's late "gone" must not end the presence node-b holds.
      await s.nodes.alive("node-b", leaseUntil);
      await s.chargers.connected("CP-1", "ocpp1.6", "node-b", iso(5));
      await s.chargers.gone("CP-1", "node-a", T0 + 6000);
      let now = await s.reads.getCharger("CP-1");
      assert.equal(now?.online, true);
      assert.equal(now?.node, "node-b");
      await s.chargers.gone("CP-1", "node-b", T0 + 7000);
      now = await s.reads.getCharger("CP-1");
      assert.equal(now?.online, false);
      assert.equal(now?.lastSeenAt, iso(7));

      // release: a node stopping in order takes its chargers' presence and its row with it.
      await s.chargers.connected("CP-2", "ocpp2.0.1", "node-b", iso(8));
      assert.equal((await s.reads.getCharger("CP-2"))?.online, true);
      await s.nodes.release("node-b");
      assert.equal((await s.reads.getCharger("CP-2"))?.online, false);

      // seen is coalesced in memory and written later (here: by close).
      s.chargers.seen("CP-2", T0 + 20_000);
      s.chargers.seen("CP-2", T0 + 21_000);
    });
    const reads = await openPostgresReads(url);
    try {
      assert.equal((await reads.getCharger("CP-2"))?.lastSeenAt, iso(21));
    } finally {
      await reads.close();
    }
  },
);

pgTest("start, meter samples (a replay stored once), stop with energy", async (url) => {
  await withStorage(url, async (s) => {
    await s.nodes.alive("node-a", Date.now() + 60_000);
    await s.chargers.connected("CP-1", "ocpp1.6", "node-a", iso(0));
    const start = {
      chargerId: "CP-1",
      evseId: 1,
      connectorId: 1,
      idTag: "TAG1",
      meterStartWh: 1000,
      startedAt: iso(10),
    };
    const started = await s.transactions.start({ ...start, authStatus: "Accepted" });
    await started.durable;
    const tx = started.value;
    assert.ok(tx.id > 0);
    assert.equal(tx.chargerTransactionId, String(tx.id));
    assert.deepEqual((await s.transactions.activeOn("CP-1", 1)).map((t) => t.id), [tx.id]);
    assert.deepEqual(await s.transactions.activeOn("CP-1", 2), []);
    assert.equal((await s.transactions.findResentStart(start))?.id, tx.id);
    assert.equal(await s.transactions.findResentStart({ ...start, meterStartWh: 1001 }), undefined);
    assert.equal((await s.transactions.findByChargerTransactionId("CP-1", String(tx.id)))?.id, tx.id);
    assert.equal(await s.transactions.findByChargerTransactionId("CP-2", String(tx.id)), undefined);

    const batch = samples(11, 5, 1000);
    const first = await s.meter.append("CP-1", 1, tx.id, batch, T0 + 16_000);
    assert.equal(first.value.length, 5);
    await first.durable;
    // The charger replays the same MeterValues (its answer was lost): nothing new to publish or store.
    const replay = await s.meter.append("CP-1", 1, tx.id, batch, T0 + 17_000);
    assert.equal(replay.value.length, 0);
    await replay.durable;
    const later = await s.meter.append("CP-1", 1, tx.id, samples(16, 2, 1000), T0 + 18_000);
    assert.equal(later.value.length, 2);
    await s.meter.durable();

    const history = await s.reads.meterHistory("CP-1", { transactionId: tx.id });
    assert.equal(history.length, 7);
    assert.deepEqual(history.map((h) => h.timestamp), [11, 12, 13, 14, 15, 16, 17].map(iso));
    assert.deepEqual(history[0], {
      timestamp: iso(11),
      evseId: 1,
      transactionId: tx.id,
      energyWh: 1110,
      powerW: 7000,
    });
    assert.equal((await s.reads.meterHistory("CP-1", { limit: 2 })).length, 2);
    assert.equal((await s.reads.meterHistory("CP-1", { since: iso(15) })).length, 3);

    const charger = await s.reads.getCharger("CP-1");
    assert.deepEqual(charger?.lastSample, { ...samples(17, 1, 1000)[0], evseId: 1, transactionId: tx.id });
    const [active] = charger!.activeTransactions;
    assert.equal(active.id, tx.id);
    assert.equal(active.lastMeterWh, 1170);
    assert.equal(active.energyWh, 170);
    assert.equal(active.stale, undefined, "online, connector not Available: not stale");

    const outcome = await s.transactions.stop({
      id: tx.id,
      chargerId: "CP-1",
      meterStopWh: 1200,
      stoppedAt: iso(30),
      reason: "Local",
      idTag: "TAG1",
    });
    assert.equal(outcome.kind, "stopped");
    if (outcome.kind !== "stopped") return;
    await outcome.durable;
    assert.equal(outcome.tx.energyWh, 200);
    assert.equal(outcome.tx.meterStopWh, 1200);
    assert.equal(outcome.tx.stopReason, "Local");
    assert.deepEqual(await s.transactions.activeOn("CP-1", 1), []);
    assert.equal(
      (await s.transactions.stop({
        id: tx.id,
        chargerId: "CP-1",
        meterStopWh: 1200,
        stoppedAt: iso(30),
        reason: "Local",
      })).kind,
      "already-stopped",
    );
    assert.equal(
      (await s.transactions.stop({
        id: 999_999,
        chargerId: "CP-1",
        meterStopWh: 1,
        stoppedAt: iso(30),
        reason: "Local",
      })).kind,
      "unknown",
    );

    const stored = await s.reads.getTransaction(tx.id);
    assert.equal(stored?.stoppedAt, iso(30));
    assert.equal(stored?.energyWh, 200);
    assert.equal(stored?.lastMeterWh, 1170);
    const list = await s.reads.listTransactions({ chargerId: "CP-1" });
    assert.equal(list.total, 1);
    assert.equal((await s.reads.listTransactions({ active: true })).total, 0);
    assert.equal((await s.reads.listTransactions({ active: false })).total, 1);

    // A charger-assigned id (2.0.1) is found by it; a charger's own ids never collide with the CSMS's.
    const own = await s.transactions.start({
      ...start,
      evseId: 2,
      chargerTransactionId: "abc-1",
      authStatus: "Accepted",
    });
    assert.equal(own.value.chargerTransactionId, "abc-1");
    assert.equal((await s.transactions.findByChargerTransactionId("CP-1", "abc-1"))?.id, own.value.id);
    assert.equal(await s.transactions.findByChargerTransactionId("CP-1", String(own.value.id)), undefined);
  });
});

pgTest(
  "a superseded transaction's late stop is kept as reported after the close; stale from stored data",
  async (url) => {
    await withStorage(url, async (s) => {
      await s.nodes.alive("node-a", Date.now() + 60_000);
      await s.chargers.connected("CP-1", "ocpp1.6", "node-a", iso(0));
      const a = (await s.transactions.start({
        chargerId: "CP-1",
        evseId: 1,
        connectorId: 1,
        idTag: "TAG1",
        meterStartWh: 0,
        startedAt: iso(10),
        authStatus: "Accepted",
      })).value;
      await (await s.meter.append("CP-1", 1, a.id, samples(11, 3), T0 + 14_000)).durable;

      // The adapter's superseding start: the open ones on the EVSE are closed, then the new one starts.
      const orphans = await s.transactions.activeOn("CP-1", 1);
      assert.deepEqual(orphans.map((t) => t.id), [a.id]);
      const closed = await s.transactions.close(a.id, {
        reason: "Superseded",
        stoppedAt: iso(20),
        closedAt: iso(21),
      });
      assert.ok(closed);
      await closed.durable;
      assert.equal(closed.value.meterStopWh, 130, "the last reading seen is the close's meterStop");
      assert.equal(closed.value.energyWh, 130);
      assert.equal(closed.value.stopReason, "Superseded");
      assert.equal(
        await s.transactions.close(a.id, { reason: "Superseded", stoppedAt: iso(20), closedAt: iso(21) }),
        undefined,
      );
      const b = (await s.transactions.start({
        chargerId: "CP-1",
        evseId: 1,
        connectorId: 1,
        idTag: "TAG2",
        meterStartWh: 500,
        startedAt: iso(20),
        authStatus: "Accepted",
      })).value;
      assert.deepEqual((await s.transactions.activeOn("CP-1", 1)).map((t) => t.id), [b.id]);

      // The charger's own stop of A comes late: kept beside the close, which stands.
      const late = await s.transactions.stop({
        id: a.id,
        chargerId: "CP-1",
        meterStopWh: 140,
        stoppedAt: iso(19),
        reason: "EVDisconnected",
      });
      assert.equal(late.kind, "reported-after-close");
      if (late.kind !== "reported-after-close") return;
      await late.durable;
      assert.deepEqual(late.tx.reportedStop, {
        meterStopWh: 140,
        stoppedAt: iso(19),
        reason: "EVDisconnected",
      });
      assert.equal(late.tx.meterStopWh, 130);
      assert.equal(
        (await s.transactions.stop({
          id: a.id,
          chargerId: "CP-1",
          meterStopWh: 140,
          stoppedAt: iso(19),
          reason: "EVDisconnected",
        })).kind,
        "already-stopped",
      );
      const other = await s.transactions.stop({
        id: a.id,
        chargerId: "CP-9",
        meterStopWh: 1,
        stoppedAt: iso(19),
        reason: "Local",
      });
      assert.deepEqual(other, { kind: "other-charger", ownerId: "CP-1" });
      const stored = await s.reads.getTransaction(a.id);
      assert.equal(stored?.closedAt, iso(21));
      assert.equal(stored?.stopReason, "Superseded");
      assert.deepEqual(stored?.reportedStop, {
        meterStopWh: 140,
        stoppedAt: iso(19),
        reason: "EVDisconnected",
      });

      // An operator's close carries who and why.
      const byHand = await s.transactions.close(b.id, {
        reason: "ClosedByOperator",
        stoppedAt: iso(40),
        closedAt: iso(40),
        closedBy: "alice",
        closeReason: "stuck",
      });
      assert.equal(byHand?.value.closedBy, "alice");
      assert.equal(byHand?.value.energyWh, 0, "no reading: meterStart is its meterStop");

      // Staleness (STALE_TX_MINUTES=0 here): a connector saying Available, then an offline charger.
      const c = (await s.transactions.start({
        chargerId: "CP-1",
        evseId: 2,
        connectorId: 1,
        idTag: "TAG3",
        meterStartWh: 0,
        startedAt: iso(50),
        authStatus: "Accepted",
      })).value;
      assert.equal((await s.reads.getTransaction(c.id))?.stale, undefined);
      assert.equal((await s.reads.listTransactions({ stale: false })).total, 1);
      await s.chargers.status("CP-1", {
        evseId: 2,
        connectorId: 1,
        status: "Available",
        original: "Available",
      }, iso(51));
      assert.deepEqual((await s.reads.getTransaction(c.id))?.stale, {
        cause: "ConnectorAvailable",
        since: iso(51),
      });
      await s.chargers.gone("CP-1", "node-a", T0 + 60_000);
      assert.deepEqual((await s.reads.getTransaction(c.id))?.stale, {
        cause: "ChargerOffline",
        since: iso(60),
      });
      const stale = await s.reads.listTransactions({ stale: true });
      assert.deepEqual(stale.items.map((t) => t.id), [c.id]);
      assert.equal(stale.total, 1);
      assert.deepEqual((await s.reads.getCharger("CP-1"))?.activeTransactions.map((t) => t.stale?.cause), [
        "ChargerOffline",
      ]);
    });
  },
);

pgTest("durable settles after the commit: a second connection sees the row at once", async (url) => {
  const other = inspect(url);
  try {
    await withStorage(url, async (s) => {
      await s.chargers.connected("CP-1", "ocpp1.6", "node-a", iso(0));
      const started = await s.transactions.start({
        chargerId: "CP-1",
        evseId: 1,
        connectorId: 1,
        idTag: "T",
        meterStartWh: 0,
        startedAt: iso(1),
        authStatus: "Accepted",
      });
      await started.durable;
      assert.equal(
        (await other`SELECT count(*)::int AS n FROM transactions WHERE id = ${started.value.id}`)[0].n,
        1,
      );
      // Samples go in batches: each append's durable is its batch's commit.
      const writes = await Promise.all(
        [0, 1, 2].map((i) => s.meter.append("CP-1", 1, started.value.id, samples(10 + i * 5, 5), T0)),
      );
      await writes[2].durable;
      const [{ n }] =
        await other`SELECT count(*)::int AS n FROM meter_values WHERE transaction_id = ${started.value.id}`;
      // The three appends were queued in one turn: one batch, all committed together.
      assert.equal(n, 15);
      const tag = await s.idTokens.put({ idTag: "RFID-1", status: "Accepted" });
      await tag.durable;
      assert.equal((await other`SELECT count(*)::int AS n FROM id_tags`)[0].n, 1);
    });
  } finally {
    await other.end({ timeout: 5 });
  }
});

pgTest(
  "a CSMS's own reads see what it was asked to write before them, best-effort writes included",
  async (url) => {
    await withStorage(url, async (s) => {
      await s.nodes.alive("node-a", Date.now() + 60_000);
      // None awaited, as the CSMS asks for them: a read right after must see them all the same.
      void s.chargers.connected("CP-1", "ocpp1.6", "node-a", iso(0));
      s.chargers.seen("CP-1", T0 + 5000);
      s.appendEvent("CP-1", "boot", iso(1), { vendor: "Acme" });
      s.recordRefusal({
        chargerId: "KNOCK",
        at: iso(2),
        remoteAddress: "127.0.0.1",
        reason: "unknown-id",
        status: 404,
      });
      void s.meter.append("CP-1", 1, undefined, samples(0, 3), T0);
      const [charger] = await s.reads.listChargers();
      assert.equal(charger?.id, "CP-1");
      assert.equal(charger.online, true);
      assert.equal(charger.lastSeenAt, iso(5));
      assert.equal(charger.lastSample?.timestamp, iso(2));
      assert.deepEqual((await s.reads.eventLog()).map((e) => [e.chargerId, e.type, e.data]), [
        ["CP-1", "boot", { vendor: "Acme" }],
      ]);
      assert.deepEqual((await s.reads.listRefusals()).map((r) => [r.chargerId, r.attempts]), [["KNOCK", 1]]);
      assert.equal((await s.reads.meterHistory("CP-1")).length, 3);
      // The charger gone, not awaited: the next read has it offline.
      void s.chargers.gone("CP-1", "node-a", T0 + 9000);
      const after = await s.reads.getCharger("CP-1");
      assert.equal(after?.online, false);
      assert.equal(after?.lastSeenAt, iso(9));
      // Reads at once, several of them, with writes between: each sees what was asked before it.
      const reads = [0, 1, 2].map((i) => {
        s.appendEvent("CP-1", "note", iso(10 + i), { i });
        return s.reads.eventLog();
      });
      const logs = await Promise.all(reads);
      logs.forEach((log, i) => assert.ok(log.length >= 2 + i, `read ${i} sees ${log.length} lines`));
      // Nothing pending: reads still answer.
      assert.equal((await s.reads.eventLog()).length, 4);
    });
  },
);

pgTest("two engines migrating one fresh database at once; a newer schema is refused", async (url) => {
  const [a, b] = await Promise.all([
    openPostgresStorage({ url, node: "node-a" }),
    openPostgresStorage({ url, node: "node-b" }),
  ]);
  try {
    // Both work on the one schema.
    await a.chargers.connected("CP-1", "ocpp1.6", "node-a", iso(0));
    assert.equal((await b.reads.listChargers()).length, 1);
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
  const check = inspect(url);
  try {
    const versions = await check`SELECT version FROM schema_migrations ORDER BY version`;
    assert.deepEqual(versions.map((v) => v.version), MIGRATIONS.map((m) => m.version));
    await check`INSERT INTO schema_migrations (version, description) VALUES (999, 'from the future')`;
  } finally {
    await check.end({ timeout: 5 });
  }
  await assert.rejects(openPostgresStorage({ url, node: "node-a" }), /schema version 999 is newer/);
  await assert.rejects(openPostgresReads(url), /schema version 999 is newer/);
});

pgTest("id tags and registrations round trip; the key hash never reaches the read model", async (url) => {
  await withStorage(url, async (s) => {
    await s.idTokens.put({
      idTag: "Rfid-1",
      status: "Accepted",
      expiryDate: "2031-01-01T00:00:00Z",
      parentIdTag: "GROUP",
    });
    await (await s.idTokens.recordUnknown("OPEN-1", iso(0))).durable;
    // Case-insensitive: the same tag, whatever its case.
    assert.equal((await s.idTokens.find("RFID-1"))?.idTag, "Rfid-1");
    await s.idTokens.recordUnknown("rfid-1", iso(1));
    const changed = await s.idTokens.put({ idTag: "RFID-1", status: "Blocked" });
    assert.equal(changed.value.status, "Blocked");
    assert.equal(changed.value.idTag, "Rfid-1");
    assert.equal(changed.value.expiryDate, undefined);
    assert.deepEqual((await s.reads.listIdTags()).map((t) => [t.idTag, t.status]), [["OPEN-1", "Accepted"], [
      "Rfid-1",
      "Blocked",
    ]]);
    assert.equal((await s.reads.getIdTag("open-1"))?.status, "Accepted");
    await assert.rejects(s.idTokens.put({ idTag: "", status: "Accepted" }), RangeError);
    await assert.rejects(s.idTokens.put({ idTag: "X", status: "Bogus" as never }), RangeError);
    assert.equal((await s.idTokens.delete("rfid-1")).value, true);
    assert.equal((await s.idTokens.delete("rfid-1")).value, false);

    const made = await s.registrations.register("CP-1");
    assert.equal(made.created, true);
    assert.ok(made.authorizationKey);
    assert.deepEqual({ ...made.registration, createdAt: "" }, {
      id: "CP-1",
      securityProfile: 1,
      hasKey: true,
      bootStatus: "Accepted",
      createdAt: "",
    });
    const stored = await s.registrations.find("CP-1");
    assert.ok(stored?.keyHash);
    assert.equal(await verifyKey(made.authorizationKey, stored.keyHash), true);
    const again = await s.registrations.register("CP-1", {
      securityProfile: 2,
      authorizationKey: "0123456789abcdef",
    });
    assert.equal(again.created, false);
    assert.equal(again.authorizationKey, undefined);
    assert.equal(again.registration.securityProfile, 2);
    await s.registrations.registerOnFirstContact("CP-2", iso(0));
    await s.registrations.registerOnFirstContact("CP-1", iso(0)); // leaves CP-1 as it is
    assert.equal((await s.registrations.find("CP-1"))?.securityProfile, 2);
    assert.equal(
      await s.registrations.replaceKeyHash("CP-2", "pbkdf2-sha256$1$AA==$AA=="),
      false,
      "profile 0 has no key",
    );
    const rekeyed = await s.registrations.replaceKeyHash("CP-1", "pbkdf2-sha256$1$AA==$AA==");
    assert.equal(rekeyed, true);
    await assert.rejects(
      s.registrations.register("CP-3", { securityProfile: 0, authorizationKey: "0123456789abcdef" }),
      RangeError,
    );
    await assert.rejects(s.registrations.register("bad:id"), RangeError);

    const listed = await s.reads.listRegistrations();
    assert.deepEqual(listed.map((r) => [r.id, r.securityProfile, r.hasKey]), [["CP-1", 2, true], [
      "CP-2",
      0,
      false,
    ]]);
    assert.ok(!JSON.stringify(listed).includes("pbkdf2"));
    const one = await s.reads.getRegistration("CP-1");
    assert.deepEqual(Object.keys(one!).sort(), [
      "bootStatus",
      "createdAt",
      "hasKey",
      "id",
      "securityProfile",
    ]);
    assert.equal(await s.registrations.unregister("CP-1"), true);
    assert.equal(await s.registrations.unregister("CP-1"), false);
    assert.equal(await s.reads.getRegistration("CP-1"), undefined);
  });
});

pgTest("refusals are counted in memory, written later, and capped to the most recent ids", async (url) => {
  await withStorage(url, async (s) => {
    await s.registrations.registerOnFirstContact("KNOCK-0", iso(0));
    for (let i = 0; i < MAX_RECENT_REFUSALS + 20; i++) {
      s.recordRefusal({
        chargerId: `KNOCK-${i}`,
        at: iso(i),
        remoteAddress: "127.0.0.1",
        reason: "unknown-id",
        status: 404,
      });
    }
    // One id again and again: one row, counted.
    for (let i = 0; i < 5; i++) {
      s.recordRefusal({
        chargerId: "LOUD",
        at: iso(10_000 + i),
        remoteAddress: "127.0.0.2",
        reason: "bad-credentials",
        status: 401,
        detail: "wrong key",
      });
    }
  });
  // A second engine on the same database adds to the same rows.
  await withStorage(url, (s) => {
    s.recordRefusal({
      chargerId: "LOUD",
      at: iso(20_000),
      remoteAddress: "127.0.0.3",
      reason: "bad-credentials",
      status: 401,
    });
  }, "node-b");
  const reads = await openPostgresReads(url);
  try {
    const all = await reads.listRefusals({ limit: 10_000 });
    assert.equal(all.length, MAX_RECENT_REFUSALS);
    assert.deepEqual(all[0], {
      chargerId: "LOUD",
      reason: "bad-credentials",
      status: 401,
      remoteAddress: "127.0.0.3",
      attempts: 6,
      firstAt: iso(10_000),
      lastAt: iso(20_000),
      registered: false,
    });
    // The oldest ids went, KNOCK-0 (registered since) among them.
    assert.ok(!all.some((r) => r.chargerId === "KNOCK-0"));
    assert.equal(all.at(-1)?.chargerId, `KNOCK-${MAX_RECENT_REFUSALS + 20 - (MAX_RECENT_REFUSALS - 1)}`);
    assert.equal((await reads.listRefusals()).length, 100);
  } finally {
    await reads.close();
  }
});

pgTest("the event log is written with the next flush; prune deletes past retention, bounded", async (url) => {
  const now = Date.now();
  await withStorage(url, async (s) => {
    s.appendEvent("CP-1", "boot", iso(0), { vendor: "Acme" });
    s.appendEvent("CP-2", "status", iso(1), { status: "Available" });
    s.appendEvent("CP-1", "note", iso(2), undefined);
    await s.chargers.connected("CP-1", "ocpp1.6", "node-a", iso(0));
    // Old samples (received 40 days ago) and young ones.
    await s.meter.append("CP-1", 1, undefined, samples(0, 30), now - 40 * 86_400_000);
    await s.meter.append("CP-1", 1, undefined, samples(100, 10), now);
    await s.meter.durable();
  });
  await withStorage(url, async (s) => {
    const log = await s.reads.eventLog();
    assert.deepEqual(log.map((e) => [e.chargerId, e.type, e.data]), [
      ["CP-1", "boot", { vendor: "Acme" }],
      ["CP-2", "status", { status: "Available" }],
      ["CP-1", "note", null],
    ]);
    assert.deepEqual((await s.reads.eventLog({ chargerId: "CP-1", limit: 1 })).map((e) => e.type), ["note"]);
    assert.equal(await s.prune(now, 30, 0, 20), 20, "at most maxRows");
    assert.equal(await s.prune(now, 30, 0, 20), 10);
    assert.equal(await s.prune(now, 30, 0, 20), 0);
    assert.equal((await s.reads.meterHistory("CP-1")).length, 10);
    assert.equal(await s.prune(now + 86_400_000 * 365, 0, 1), 3, "events only: meter retention 0 keeps all");
  });
});

pgTest("meter throughput sanity: 5,000 samples in concurrent batches are all stored, once", async (url) => {
  const other = inspect(url);
  try {
    await withStorage(url, async (s) => {
      const txs: number[] = [];
      for (let i = 0; i < 10; i++) {
        await s.chargers.connected(`CP-${i}`, "ocpp1.6", "node-a", iso(0));
        txs.push(
          (await s.transactions.start({
            chargerId: `CP-${i}`,
            evseId: 1,
            connectorId: 1,
            idTag: "T",
            meterStartWh: 0,
            startedAt: iso(0),
            authStatus: "Accepted",
          })).value.id,
        );
      }
      // 10 chargers x 50 MeterValues x 10 samples, written without waiting for one another.
      const writes = [];
      for (let round = 0; round < 50; round++) {
        for (let i = 0; i < 10; i++) {
          writes.push(s.meter.append(`CP-${i}`, 1, txs[i], samples(round * 10, 10), T0 + round));
        }
        if (round % 10 === 9) await new Promise((r) => setTimeout(r, 0)); // let batches go meanwhile
      }
      const written = await Promise.all(writes);
      await Promise.all(written.map((w) => w.durable));
      assert.equal(written.reduce((n, w) => n + w.value.length, 0), 5000);
      const count = async () =>
        (await other`SELECT count(*)::int AS n, count(DISTINCT (transaction_id, ts))::int AS d FROM meter_values`)[
          0
        ];
      assert.deepEqual(await count(), { n: 5000, d: 5000 });
      // Replayed from a node that never saw them (a fresh engine below): the database alone dedupes.
    });
    await withStorage(url, async (s) => {
      const txs = (await s.reads.listTransactions({ active: true })).items.map((t) =>
        [t.chargerId, t.id] as const
      );
      for (const [chargerId, id] of txs) {
        const w = await s.meter.append(chargerId, 1, id, samples(0, 500), T0);
        assert.equal(w.value.length, 500, "this node has not seen them: all look new to it");
      }
      await s.meter.durable();
      const [{ n }] = await other`SELECT count(*)::int AS n FROM meter_values`;
      assert.equal(n, 5000);
      const charger = await s.reads.getCharger("CP-3");
      assert.equal(charger?.activeTransactions[0].lastMeterWh, 4990);
    }, "node-b");
  } finally {
    await other.end({ timeout: 5 });
  }
});

pgTest(
  "pg storage: a charger's device model is upserted by its key, keeps no password, and clears on its own",
  (url) => withStorage(url, (storage) => checkDeviceModelContract(storage)),
);

pgTest(
  "pg storage: charging profiles replace by id or by connector, purpose and stackLevel, and go by id",
  (url) => withStorage(url, (storage) => checkChargingProfilesContract(storage)),
);

pgTest(
  "pg storage: firmware images and chargers' uploads are kept whole, by token and by charger",
  (url) => withStorage(url, (storage) => checkFilesContract(storage)),
);

pgTest(
  "pg storage: a registration's boot status is set, kept, and changed alone",
  (url) => withStorage(url, (storage) => checkBootStatusContract(storage)),
);

pgTest(
  "pg storage: energy per UTC day and sessions per UTC hour, aggregated over transactions",
  (url) => withStorage(url, (storage) => checkStatsContract(storage)),
);

pgTest(
  "pg storage: every reading of a meter value is kept with its sample",
  (url) => withStorage(url, (storage) => checkMeterReadingsContract(storage)),
);

pgTest(
  "pg storage: a charger's configuration keys, a complete report replacing them",
  (url) => withStorage(url, (storage) => checkConfigurationContract(storage)),
);

pgTest(
  "pg storage: reservations, sent local lists and the open transactions of an idTag",
  (url) =>
    withStorage(url, async (storage) => {
      await checkReservationContract(storage);
      await checkLocalListContract(storage);
      await checkOpenWithIdTagContract(storage);
    }),
);

pgTest(
  "pg storage: the event log by charger, type prefix and page",
  (url) => withStorage(url, (storage) => checkEventLogQueryContract(storage)),
);
