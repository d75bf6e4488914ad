/**
 * CSMS_WORKERS: one CSMS, several event loops on one OCPP port. Strict ocpp-rpc charge points (a peer we did
 * not write) connect to the one URL; the kernel spreads them over the loops. What an operator sees must not
 * change: every charger answered, transaction ids unique across loops, commands and a withdrawn registration
 * reaching whichever loop holds the charger, all through the portal's REST API. Under
 * CHARGEWIRE_TEST_ENGINES=postgres-redis the loops are nodes on Redis over PostgreSQL instead.
 */
import assert from "node:assert/strict";
import { connectPeerClient, type PeerSession } from "./ocpp_rpc_peer.ts";
import { startSystem, waitFor } from "./web_support.ts";

const CHARGERS = 24;

Deno.test("CSMS_WORKERS=2: chargers on both loops of one port, unique transaction ids, commands and kicks routed", async () => {
  const sys = await startSystem({ CSMS_WORKERS: "2" });
  const peers: PeerSession[] = [];
  try {
    assert.equal(sys.csms.loops?.length, 2);
    const resets = new Map<string, unknown[]>();
    const closed = new Set<string>();
    for (let i = 0; i < CHARGERS; i++) {
      const id = `CP-LOOP-${String(i).padStart(2, "0")}`;
      const peer = await connectPeerClient({ endpoint: sys.csms.url, identity: id, protocols: ["ocpp1.6"] });
      peer.handle("Reset", ({ params }) => {
        resets.set(id, [...resets.get(id) ?? [], params]);
        return { status: "Accepted" };
      });
      peer.on("close", () => closed.add(id));
      peers.push(peer);
    }
    const txIds: number[] = [];
    for (const peer of peers) {
      const boot = await peer.call<{ status: string }>("BootNotification", {
        chargePointVendor: "ACME",
        chargePointModel: "Loops-1",
      });
      assert.equal(boot.status, "Accepted");
      const start = await peer.call<{ transactionId: number; idTagInfo: { status: string } }>(
        "StartTransaction",
        { connectorId: 1, idTag: "TAG-1", meterStart: 0, timestamp: new Date().toISOString() },
      );
      assert.equal(start.idTagInfo.status, "Accepted");
      txIds.push(start.transactionId);
    }
    // One store hands out ids for every loop: none repeats.
    assert.equal(new Set(txIds).size, CHARGERS);

    // Where each charger landed, from the presence events the portal sees.
    const holder = new Map<string, string>();
    await waitFor(() => {
      for (const e of sys.events) if (e.type === "charger.connected") holder.set(e.chargerId, e.node);
      return holder.size === CHARGERS;
    }, "every charger's presence");
    const byLoop = new Map<string, string[]>();
    for (const [id, node] of holder) byLoop.set(node, [...byLoop.get(node) ?? [], id]);
    assert.deepEqual([...byLoop.keys()].sort(), [...sys.csms.loops!].sort(), "both loops hold chargers");

    const admin = await sys.login();
    // A command through REST reaches the charger on either loop, and its answer comes back.
    for (const ids of byLoop.values()) {
      const id = ids[0];
      const res = await admin.json("POST", `/api/v1/chargers/${id}/commands/Reset`, { type: "Soft" });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(res.body, { ok: true, response: { status: "Accepted" } });
      assert.deepEqual(resets.get(id), [{ type: "Soft" }]);
    }
    // A transaction closed by hand (an admin request, served by whichever loop the bus picks) is closed.
    const byHand = await admin.json("POST", `/api/v1/transactions/${txIds[0]}/close`, { reason: "stuck" });
    assert.equal(byHand.status, 200, JSON.stringify(byHand.body));
    assert.equal(byHand.body.stopReason, "ClosedByOperator");
    assert.equal(byHand.body.closeReason, "stuck");
    // The read model is the one store's: every charger online, with the loop that holds it.
    const chargers = await admin.json("GET", "/api/v1/chargers");
    assert.equal(chargers.status, 200);
    const listed = new Map<string, { online: boolean; node?: string }>(
      (chargers.body.items ?? chargers.body).map((c: { id: string }) => [c.id, c]),
    );
    for (const [id, node] of holder) {
      assert.equal(listed.get(id)?.online, true, id);
      assert.equal(listed.get(id)?.node, node, id);
    }

    // /metrics on the OCPP port is the whole process's, whichever loop takes the scrape: each new HTTP
    // connection may land on either loop, and every answer counts all chargers once.
    const metricsUrl = sys.csms.url.replace(/^ws/, "http").replace(/\/ocpp$/, "/metrics");
    for (let i = 0; i < 6; i++) {
      const res = await fetch(metricsUrl, { headers: { connection: "close" } });
      const body = await res.text();
      assert.match(
        body,
        new RegExp(`^chargewire_chargers_connected\\{protocol="ocpp1.6"\\} ${CHARGERS}$`, "m"),
      );
      assert.match(
        body,
        new RegExp(`^chargewire_transactions_active ${CHARGERS - 1}$`, "m"),
        "one closed by hand",
      );
      assert.match(body, /^process_resident_memory_bytes \d+/m);
    }

    // Withdrawn registrations close the socket on whichever loop holds it (admin requests are spread over
    // the loops, so at least one crosses from one loop to the other).
    const kicked = [...byLoop.values()].flatMap((ids) => ids.slice(0, 2));
    for (const id of kicked) {
      const res = await admin.fetch(`/api/v1/registrations/${id}`, { method: "DELETE" });
      assert.equal(res.status, 204);
    }
    await waitFor(() => kicked.every((id) => closed.has(id)), "the kicked chargers' sockets to close");
    assert.equal(closed.size, kicked.length, "only the kicked chargers were closed");
  } finally {
    await Promise.all(peers.map((p) => p.close({ force: true }).catch(() => {})));
    await sys.close();
  }
});
