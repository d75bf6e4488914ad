/** The reservation, local-list and ConcurrentTx parts of the storage contract, checked alike on every engine. */
import assert from "node:assert/strict";
import type { CsmsStorage } from "../../shared/storage.ts";

const NOW = Date.parse("2026-01-01T12:00:00.000Z");
const iso = (ms: number) => new Date(ms).toISOString();

export async function checkReservationContract(storage: CsmsStorage): Promise<void> {
  const res = storage.reservations;
  assert.equal(await res.nextId(), 1, "the first reservationId");
  const base = {
    chargerId: "RSV-1",
    connectorId: 1,
    idTag: "Holder",
    createdAt: iso(NOW),
  };
  await res.put({ ...base, reservationId: 1, parentIdTag: "Fleet", expiresAt: iso(NOW + 60_000) });
  await res.put({ ...base, reservationId: 2, connectorId: 2, expiresAt: iso(NOW + 1_000) });
  await res.put({ ...base, chargerId: "RSV-2", reservationId: 3, expiresAt: iso(NOW + 60_000) });
  assert.equal(await res.nextId(), 4);

  // Active at NOW: both of RSV-1's; 2 s later the second has expired.
  assert.deepEqual((await res.active("RSV-1", NOW)).map((r) => r.reservationId), [1, 2]);
  const later = await res.active("RSV-1", NOW + 2_000);
  assert.deepEqual(later.map((r) => [r.reservationId, r.parentIdTag, r.state]), [[1, "Fleet", "Active"]]);

  // The same id again replaces it (another connector, a new expiry).
  await res.put({ ...base, reservationId: 1, connectorId: 3, expiresAt: iso(NOW + 120_000) });
  const [replaced] = await res.active("RSV-1", NOW + 2_000);
  assert.equal(replaced.connectorId, 3);
  assert.equal(replaced.parentIdTag, undefined);

  // Used by a transaction; cancelled; neither twice.
  assert.equal(
    (await res.end("RSV-1", 1, { state: "Used", at: iso(NOW + 3_000), transactionId: 77 })).value,
    true,
  );
  assert.equal((await res.end("RSV-1", 1, { state: "Cancelled", at: iso(NOW + 4_000) })).value, false);
  assert.equal((await res.end("RSV-2", 3, { state: "Cancelled", at: iso(NOW + 4_000) })).value, true);
  assert.equal((await res.end("RSV-2", 99, { state: "Cancelled", at: iso(NOW) })).value, false);

  // The read model shows each in its state as of now (the second one's expiry is long past).
  const listed = await storage.reads.listReservations("RSV-1");
  assert.deepEqual(
    listed.map((r) => [r.reservationId, r.state, r.transactionId ?? null]).sort(),
    [[1, "Used", 77], [2, "Expired", null]],
  );
  assert.deepEqual((await storage.reads.listReservations("RSV-2")).map((r) => r.state), ["Cancelled"]);
  assert.deepEqual(await storage.reads.listReservations("NOBODY"), []);
}

export async function checkLocalListContract(storage: CsmsStorage): Promise<void> {
  const lists = storage.localLists;
  assert.equal(await lists.lastSent("LL-1"), undefined);
  assert.equal(await storage.reads.localList("LL-1"), undefined);
  const first = {
    version: 1,
    updateType: "Full" as const,
    entries: [{ idTag: "A", status: "Accepted" as const, parentIdTag: "P" }, {
      idTag: "B",
      status: "Blocked" as const,
    }],
    sentAt: iso(NOW),
  };
  await lists.sent("LL-1", first);
  assert.deepEqual(await lists.lastSent("LL-1"), first);
  const second = { ...first, version: 2, updateType: "Differential" as const, entries: [first.entries[0]] };
  await lists.sent("LL-1", second);
  assert.deepEqual(await lists.lastSent("LL-1"), second);
  assert.deepEqual(await storage.reads.localList("LL-1"), {
    version: 2,
    updateType: "Differential",
    sentAt: iso(NOW),
    size: 1,
  });
}

export async function checkOpenWithIdTagContract(storage: CsmsStorage): Promise<void> {
  const tx = storage.transactions;
  const start = {
    chargerId: "CTX-1",
    evseId: 1,
    connectorId: 1,
    idTag: "Busy-Tag",
    meterStartWh: 0,
    startedAt: iso(NOW),
    authStatus: "Accepted" as const,
  };
  const open = await tx.start(start);
  await open.durable;
  assert.deepEqual(
    (await tx.openWithIdTag("busy-tag")).map((t) => t.id),
    [open.value.id],
    "case-insensitive",
  );
  assert.deepEqual(await tx.openWithIdTag("Idle-Tag"), []);
  const stopped = await tx.stop({
    id: open.value.id,
    chargerId: "CTX-1",
    meterStopWh: 10,
    stoppedAt: iso(NOW + 1000),
    reason: "Local",
  });
  assert.equal(stopped.kind, "stopped");
  if (stopped.kind === "stopped") await stopped.durable;
  assert.deepEqual(await tx.openWithIdTag("Busy-Tag"), []);
}
