/**
 * Reservations and the local list over the portal's REST API, against the real system: CSMS and portal on
 * free ports and a simulated charger (charger/main.ts) in its own process. The operator reserves, sees the
 * connector Reserved and the reservation listed, cancels it, and sends the id tags as the charger's local
 * list.
 */
import assert from "node:assert/strict";
import { ChargerProcess, type Json, startSystem, waitFor } from "./web_support.ts";

Deno.test("REST: ReserveNow shows Reserved and lists the reservation; CancelReservation; SendLocalList from the id tags", async () => {
  const sys = await startSystem();
  const id = "CP-REST-RSV";
  const charger = new ChargerProcess(id, sys.csms.url, []);
  const session = await sys.login();
  const get = (path: string) => session.json("GET", `/api/v1${path}`);
  const send = (method: string, path: string, body?: unknown) => session.json(method, `/api/v1${path}`, body);
  const connectorStatus = async () =>
    ((await get(`/chargers/${id}`)).body?.connectors as Json[] | undefined)?.find((c) => c.connectorId === 1)
      ?.status;
  try {
    await waitFor(
      async () => (await connectorStatus()) === "Available",
      () => `Available; charger:\n${charger.tail()}`,
    );
    const reserved = await send("POST", `/chargers/${id}/commands/ReserveNow`, {
      connectorId: 1,
      idTag: "REST-HOLDER",
    });
    assert.deepEqual(reserved, { status: 200, body: { ok: true, response: { status: "Accepted" } } });
    await waitFor(async () => (await connectorStatus()) === "Reserved", "connector 1 Reserved over REST");
    const listed = await get(`/chargers/${id}/reservations`);
    assert.equal(listed.status, 200);
    const [r] = listed.body.items as Json[];
    assert.deepEqual([r.connectorId, r.idTag, r.state], [1, "REST-HOLDER", "Active"]);

    const cancelled = await send("POST", `/chargers/${id}/commands/CancelReservation`, {
      reservationId: r.reservationId,
    });
    assert.deepEqual(cancelled, { status: 200, body: { ok: true, response: { status: "Accepted" } } });
    await waitFor(
      async () => (await connectorStatus()) === "Available",
      "connector 1 Available after the cancel",
    );
    assert.equal((await get(`/chargers/${id}/reservations`)).body.items[0].state, "Cancelled");

    assert.equal((await send("POST", "/id-tags", { idTag: "LIST-1", status: "Accepted" })).status, 201);
    const sent = await send("POST", `/chargers/${id}/commands/SendLocalList`, { updateType: "Full" });
    assert.deepEqual(sent, { status: 200, body: { ok: true, response: { status: "Accepted" } } });
    const { localList } = (await get(`/chargers/${id}/reservations`)).body;
    assert.equal(localList.version, 1);
    assert.equal(localList.updateType, "Full");
    assert.deepEqual(await send("POST", `/chargers/${id}/commands/GetLocalListVersion`, {}), {
      status: 200,
      body: { ok: true, response: { listVersion: 1 } },
    });
    assert.equal((await get(`/chargers/NO-SUCH/reservations`)).status, 404);
  } finally {
    await charger.stop();
    await sys.close();
  }
});
