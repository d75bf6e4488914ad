import assert from "node:assert/strict";
import type { CsmsStorage } from "../../shared/storage.ts";
import {
  checkConfigurationContract,
  checkEventLogQueryContract,
  checkMeterReadingsContract,
} from "./charger_data_test_support.ts";
import { checkChargingProfilesContract } from "./charging_profiles_test_support.ts";
import { checkDeviceModelContract } from "./device_model_test_support.ts";
import { checkFilesContract } from "./files_test_support.ts";
import { checkBootStatusContract } from "./registration_test_support.ts";
import {
  checkLocalListContract,
  checkOpenWithIdTagContract,
  checkReservationContract,
} from "./reservation_test_support.ts";
import { checkStatsContract } from "./stats_test_support.ts";
import { RemoteStorage, SEEN_EVERY_MS, serveStorage, type StoreCall, type StoreReply } from "./remote.ts";
import { openSqliteStorage } from "./sqlite/storage.ts";
import { BatchedPort, unbatch } from "../batched_port.ts";

/**
 * A real SQLite store served over a real MessageChannel, batched as JSON both ways as the loops' threads
 * send it (csms/batched_port.ts), as a loop thread sees it.
 */
async function withRemote(fn: (remote: CsmsStorage, owner: CsmsStorage) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "csms_remote_" });
  const owner = await openSqliteStorage({ dataDir: dir });
  const channel = new MessageChannel();
  const serve = serveStorage(owner, new BatchedPort(channel.port1));
  channel.port1.onmessage = (e) => unbatch<StoreCall>(e.data, serve);
  const remote = new RemoteStorage(new BatchedPort(channel.port2));
  channel.port2.onmessage = (e) => unbatch<StoreReply>(e.data, (r) => remote.receive(r));
  try {
    await fn(remote.storage, owner);
  } finally {
    remote.close();
    channel.port1.close();
    channel.port2.close();
    await owner.close();
    await Deno.remove(dir, { recursive: true });
  }
}

// The same contract the engines pass, through the port: values, durability and reads all cross it.
const CONTRACTS: Array<[string, (s: CsmsStorage) => Promise<void>]> = [
  ["device model", checkDeviceModelContract],
  ["charging profiles", checkChargingProfilesContract],
  ["boot status", checkBootStatusContract],
  ["stats", checkStatsContract],
  ["meter readings", checkMeterReadingsContract],
  ["configuration", checkConfigurationContract],
  ["reservations", checkReservationContract],
  ["local lists", checkLocalListContract],
  ["open with an id tag", checkOpenWithIdTagContract],
  ["event log", checkEventLogQueryContract],
  ["files", checkFilesContract],
];
for (const [name, check] of CONTRACTS) {
  Deno.test(`remote store: the ${name} contract holds across the port`, () =>
    withRemote((remote) => check(remote)));
}

Deno.test("remote store: a write's value comes first and its durability after, from the owner's commit", () =>
  withRemote(async (remote, owner) => {
    const written = await remote.idTokens.put({ idTag: "TAG-1", status: "Accepted" });
    assert.equal(written.value.idTag, "TAG-1");
    assert.ok(written.durable instanceof Promise);
    await written.durable;
    assert.equal((await owner.idTokens.find("TAG-1"))?.status, "Accepted");
  }));

Deno.test("remote store: a refused input rejects with the owner's error class and message", () =>
  withRemote(async (remote) => {
    await assert.rejects(
      remote.idTokens.put({ idTag: "", status: "Accepted" }),
      (err: Error) => err instanceof RangeError && err.message.length > 0,
    );
  }));

Deno.test("remote store: best-effort writes cross without an answer and are read back", () =>
  withRemote(async (remote, owner) => {
    remote.appendEvent("CP-1", "test.happened", "2026-12-02T06:00:00.000Z", { n: 1 });
    // The owner's reads wait for every write asked for before them; the port keeps the order.
    const log = await remote.reads.eventLog({ chargerId: "CP-1", limit: 10 });
    assert.deepEqual(log.map((e) => [e.type, e.data]), [["test.happened", { n: 1 }]]);
    assert.equal((await owner.reads.eventLog({ chargerId: "CP-1", limit: 10 })).length, 1);
  }));

Deno.test("remote store: a loop cannot close or prune the owner's store", () =>
  withRemote(async (remote, owner) => {
    await remote.close();
    assert.equal(await remote.prune(Date.now(), 1, 1), 0);
    await (await owner.idTokens.put({ idTag: "STILL-OPEN", status: "Accepted" })).durable;
  }));

Deno.test("remote store: calls waiting when the owner goes are failed, not left hanging", async () => {
  const channel = new MessageChannel();
  const remote = new RemoteStorage(channel.port2); // nobody answers on port1
  const waiting = remote.storage.reads.listChargers();
  remote.close();
  await assert.rejects(waiting, /owner is gone/);
  await assert.rejects(remote.storage.reads.listChargers(), /owner is gone/);
  channel.port1.close();
  channel.port2.close();
});

Deno.test("remote store: frame times cross once per charger per interval, the latest of each", async () => {
  const posted: StoreCall[] = [];
  const remote = new RemoteStorage({ postMessage: (m) => posted.push(m as StoreCall) });
  for (let i = 1; i <= 50; i++) {
    remote.storage.chargers.seen("CP-A", 1000 + i);
    remote.storage.chargers.seen("CP-B", 2000 + i);
  }
  assert.equal(posted.length, 0, "nothing crosses per frame");
  await new Promise((r) => setTimeout(r, SEEN_EVERY_MS + 100));
  assert.deepEqual(posted.map((c) => [c.repo, c.method, c.args]), [
    ["chargers", "seen", ["CP-A", 1050]],
    ["chargers", "seen", ["CP-B", 2050]],
  ]);
  // A stopping loop sends what it holds at once.
  remote.storage.chargers.seen("CP-A", 9999);
  await remote.drain(100);
  assert.deepEqual(posted.at(-1)?.args, ["CP-A", 9999]);
  remote.close();
});

Deno.test("remote store: a transaction closed by hand through the port is closed in the store", () =>
  withRemote(async (remote, owner) => {
    const started = await remote.transactions.start({
      chargerId: "CP-CLOSE",
      evseId: 1,
      connectorId: 1,
      idTag: "TAG-CLOSE",
      meterStartWh: 100,
      startedAt: "2026-12-02T06:00:00.000Z",
      authStatus: "Accepted",
    });
    await started.durable;
    const closed = await remote.transactions.close(started.value.id, {
      reason: "ClosedByOperator",
      stoppedAt: "2026-12-02T06:30:00.000Z",
      closedAt: "2026-12-02T06:30:00.000Z",
      closedBy: "olga",
      closeReason: "stuck",
    });
    assert.ok(closed, "an open transaction is closed, not taken for the store's own close");
    await closed.durable;
    assert.equal(closed.value.stopReason, "ClosedByOperator");
    const stored = await owner.reads.getTransaction(started.value.id);
    assert.equal(stored?.stoppedAt, "2026-12-02T06:30:00.000Z");
    assert.equal(stored?.closedBy, "olga");
  }));
