/**
 * Reservations, local lists and ConcurrentTx on the CSMS side, over real sockets: first with an independent
 * strict 1.6 charge point (npm ocpp-rpc, which checks every CALL the CSMS sends against the OCA schemas),
 * then end to end with the simulator, whose reservations and list the CSMS drives.
 */
import assert from "node:assert/strict";
import { startChargePoint } from "../charger/mod.ts";
import { connectPeerClient, type PeerSession } from "./ocpp_rpc_peer.ts";
import { startTestCsms, type TestCsms, waitFor } from "./csms_support.ts";

const NOW = () => new Date().toISOString();

interface PeerCharger {
  client: PeerSession;
  // deno-lint-ignore no-explicit-any
  got: { action: string; params: any }[];
}

/** A strict charger that records the reservation and list commands it gets; `answer` decides the status. */
async function peerCharger(
  t: TestCsms,
  id: string,
  answer: (action: string, params: Record<string, unknown>) => string = () => "Accepted",
): Promise<PeerCharger> {
  const client = await connectPeerClient({ endpoint: t.csms.url, identity: id, protocols: ["ocpp1.6"] });
  const c: PeerCharger = { client, got: [] };
  for (const action of ["ReserveNow", "CancelReservation", "SendLocalList"]) {
    client.handle(action, ({ params }) => {
      c.got.push({ action, params });
      return { status: answer(action, params) };
    });
  }
  client.handle("GetLocalListVersion", () => ({ listVersion: 42 }));
  const boot = await client.call<{ status: string }>("BootNotification", {
    chargePointVendor: "ACME",
    chargePointModel: "Volt-1",
  });
  assert.equal(boot.status, "Accepted");
  return c;
}

async function withCsms(body: (t: TestCsms) => Promise<void>): Promise<void> {
  const t = await startTestCsms();
  try {
    await body(t);
  } finally {
    await t.close();
  }
}

Deno.test("reservations 1.6: stored when accepted, used by the holder's start, a stranger's start refused, cancelled", async () => {
  await withCsms(async (t) => {
    const id = "CP-RSV-1";
    const c = await peerCharger(
      t,
      id,
      (action, p) => action === "ReserveNow" && p.idTag === "NOPE" ? "Occupied" : "Accepted",
    );
    try {
      // No reservationId nor expiry from the operator: the CSMS picks them.
      const before = Date.now();
      const r = await t.bus.sendCommand(id, "ReserveNow", { connectorId: 1, idTag: "HOLDER" });
      assert.deepEqual(r, { ok: true, response: { status: "Accepted" } });
      const sent = c.got[0].params;
      assert.equal(typeof sent.reservationId, "number");
      assert.ok(Date.parse(sent.expiryDate) >= before + 14 * 60_000, "about 15 minutes away");
      const [stored] = await t.reads.listReservations(id);
      assert.deepEqual(
        { id: stored.reservationId, connector: stored.connectorId, idTag: stored.idTag, state: stored.state },
        { id: sent.reservationId, connector: 1, idTag: "HOLDER", state: "Active" },
      );
      // Refused by the charger: not stored.
      const occupied = await t.bus.sendCommand(id, "ReserveNow", { connectorId: 2, idTag: "NOPE" });
      assert.deepEqual(occupied, { ok: true, response: { status: "Occupied" } });
      assert.equal((await t.reads.listReservations(id)).length, 1);

      // A stranger starting on the reserved connector is answered Invalid; the reservation stands.
      const stranger = await c.client.call<{ transactionId: number; idTagInfo: { status: string } }>(
        "StartTransaction",
        { connectorId: 1, idTag: "STRANGER", meterStart: 0, timestamp: NOW() },
      );
      assert.equal(stranger.idTagInfo.status, "Invalid");
      await c.client.call("StopTransaction", {
        transactionId: stranger.transactionId,
        meterStop: 0,
        timestamp: NOW(),
        reason: "DeAuthorized",
      });
      assert.equal((await t.reads.listReservations(id))[0].state, "Active");

      // The holder's start names it: used, with the transaction.
      const holder = await c.client.call<{ transactionId: number; idTagInfo: { status: string } }>(
        "StartTransaction",
        {
          connectorId: 1,
          idTag: "HOLDER",
          meterStart: 0,
          timestamp: NOW(),
          reservationId: sent.reservationId,
        },
      );
      assert.equal(holder.idTagInfo.status, "Accepted");
      const [used] = await t.reads.listReservations(id);
      assert.equal(used.state, "Used");
      assert.equal(used.transactionId, holder.transactionId);

      // Authorize: the holder is charging, so ConcurrentTx; another tag is not.
      const busy = await c.client.call<{ idTagInfo: { status: string } }>("Authorize", { idTag: "holder" });
      assert.equal(busy.idTagInfo.status, "ConcurrentTx");
      const free = await c.client.call<{ idTagInfo: { status: string } }>("Authorize", { idTag: "SOMEONE" });
      assert.equal(free.idTagInfo.status, "Accepted");

      // Cancelled.
      await t.bus.sendCommand(id, "ReserveNow", { connectorId: 2, idTag: "LATER", reservationId: 900 });
      assert.deepEqual(await t.bus.sendCommand(id, "CancelReservation", { reservationId: 900 }), {
        ok: true,
        response: { status: "Accepted" },
      });
      const states = new Map((await t.reads.listReservations(id)).map((r) => [r.reservationId, r.state]));
      assert.equal(states.get(900), "Cancelled");
      // A bad payload never reaches the charger.
      const bad = await t.bus.sendCommand(id, "CancelReservation", { reservationId: "x" });
      assert.equal(bad.ok, false);
      assert.equal(c.got.filter((g) => g.action === "CancelReservation").length, 1);
    } finally {
      await c.client.close({ force: true });
    }
  });
});

Deno.test("local list 1.6: Full and Differential built from the id tags, versioned per charger", async () => {
  await withCsms(async (t) => {
    const id = "CP-LL-1";
    let refuse = false;
    const c = await peerCharger(
      t,
      id,
      (action) => action === "SendLocalList" && refuse ? "VersionMismatch" : "Accepted",
    );
    try {
      await t.admin.upsertIdTag({ idTag: "CARD-A", status: "Accepted" });
      await t.admin.upsertIdTag({ idTag: "CARD-B", status: "Blocked", parentIdTag: "FLEET" });
      assert.deepEqual(await t.bus.sendCommand(id, "SendLocalList", { updateType: "Full" }), {
        ok: true,
        response: { status: "Accepted" },
      });
      const full = c.got.at(-1)!.params;
      assert.equal(full.listVersion, 1);
      assert.deepEqual(
        full.localAuthorizationList.map((e: { idTag: string; idTagInfo: unknown }) => [e.idTag, e.idTagInfo])
          .sort(),
        [["CARD-A", { status: "Accepted" }], ["CARD-B", { status: "Blocked", parentIdTag: "FLEET" }]],
      );
      assert.deepEqual(
        { ...(await t.reads.localList(id))!, sentAt: "" },
        { version: 1, updateType: "Full", size: 2, sentAt: "" },
      );

      // The registry changes: a Differential carries only the change, one version up.
      await t.admin.deleteIdTag("CARD-A");
      await t.admin.upsertIdTag({ idTag: "CARD-C", status: "Accepted" });
      await t.bus.sendCommand(id, "SendLocalList", { updateType: "Differential" });
      const diff = c.got.at(-1)!.params;
      assert.equal(diff.listVersion, 2);
      assert.deepEqual(diff.localAuthorizationList, [
        { idTag: "CARD-C", idTagInfo: { status: "Accepted" } },
        { idTag: "CARD-A" },
      ]);
      assert.equal((await t.reads.localList(id))?.size, 2);

      // The charger refuses the next one: what it holds is still version 2.
      refuse = true;
      const r = await t.bus.sendCommand(id, "SendLocalList", { updateType: "Differential" });
      assert.deepEqual(r, { ok: true, response: { status: "VersionMismatch" } });
      assert.equal((await t.reads.localList(id))?.version, 2);
      assert.deepEqual(await t.bus.sendCommand(id, "GetLocalListVersion", {}), {
        ok: true,
        response: { listVersion: 42 },
      });
    } finally {
      await c.client.close({ force: true });
    }
  });
});

Deno.test("reservations and the local list end to end: CSMS and simulator", async () => {
  await withCsms(async (t) => {
    const id = "SIM-RSV-1";
    const cp = startChargePoint({
      id,
      url: t.csms.url,
      connectors: 2,
      tickMs: 200,
      unplugDelayMs: 300,
      rebootDelayMs: 300,
      backoff: { initialMs: 100, maxMs: 400 },
    });
    try {
      const statusOf = async (connectorId: number) =>
        (await t.reads.getCharger(id))?.connectors.find((c) => c.evseId === connectorId)?.status;
      await waitFor(async () => (await statusOf(2)) === "Available", "the simulator's connectors Available");
      const r = await t.bus.sendCommand(id, "ReserveNow", { connectorId: 2, idTag: "DRIVER-1" });
      assert.deepEqual(r, { ok: true, response: { status: "Accepted" } });
      await waitFor(async () => (await statusOf(2)) === "Reserved", "connector 2 Reserved in the read model");
      assert.equal(await cp.startLocal(2, "DRIVER-2"), false, "another driver is refused by the simulator");
      assert.equal(await cp.startLocal(2, "DRIVER-1"), true);
      await waitFor(
        async () => (await t.reads.listReservations(id))[0]?.state === "Used",
        "the reservation used by the holder's start",
      );
      const tx = (await t.reads.listTransactions({ chargerId: id })).items[0];
      assert.equal((await t.reads.listReservations(id))[0].transactionId, tx.id);

      await t.admin.upsertIdTag({ idTag: "OFFLINE-OK", status: "Accepted" });
      assert.deepEqual(await t.bus.sendCommand(id, "SendLocalList", { updateType: "Full" }), {
        ok: true,
        response: { status: "Accepted" },
      });
      const version = (await t.reads.localList(id))!.version;
      assert.deepEqual(await t.bus.sendCommand(id, "GetLocalListVersion", {}), {
        ok: true,
        response: { listVersion: version },
      });
    } finally {
      await cp.stop();
    }
  });
});
