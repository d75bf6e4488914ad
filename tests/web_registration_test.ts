/**
 * Charger registration from the portal's REST API, end to end: under CHARGER_POLICY=basic, an admin
 * registers a charger, gets its generated AuthorizationKey once, and a simulated charger (its own
 * process) connects with it; a wrong or rotated-away key is refused at the CSMS's handshake. The REST side
 * alone (roles, the key shown once and never listed, bad requests) is tested in memory in
 * web/routes/api_registrations_test.ts.
 */
import assert from "node:assert/strict";
import WebSocket from "ws";
import { ChargerProcess, startSystem, waitFor } from "./web_support.ts";

/** A charger's WebSocket handshake with HTTP Basic auth: 101 when let in, else the CSMS's HTTP status. */
function handshake(ocppUrl: string, id: string, password: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${ocppUrl}/${id}`, ["ocpp1.6"], {
      headers: { authorization: `Basic ${btoa(`${id}:${password}`)}` },
    });
    ws.on("open", () => {
      ws.close();
      resolve(101);
    });
    ws.on("unexpected-response", (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
      ws.terminate();
    });
    ws.on("error", (err) => {
      if (!/Unexpected server response/.test(err.message)) reject(err);
    });
  });
}

Deno.test("registration: an admin registers a charger over REST; its key lets it in, and only its key", async () => {
  const sys = await startSystem({ CHARGER_POLICY: "basic" });
  const admin = await sys.login();
  const id = "CP-REG-1";
  let charger: ChargerProcess | undefined;
  try {
    // Registered with profile 1 and no key: one is generated, and this answer is the only place it shows.
    const created = await admin.json("PUT", `/api/v1/registrations/${id}`, { securityProfile: 1 });
    assert.equal(created.status, 201);
    const key: string = created.body.authorizationKey;
    assert.match(key, /^[A-Za-z0-9]{32}$/);

    // A simulated charger with that key connects, and the portal shows it online.
    charger = new ChargerProcess(id, sys.csms.url, ["--password", key]);
    await waitFor(
      async () => (await admin.json("GET", `/api/v1/chargers/${id}`)).body?.online,
      () => `${id} online with its key; it said:\n${charger!.tail()}`,
    );
    assert.equal(await handshake(sys.csms.url, id, "Wrong-Key-0000000001"), 401);
    assert.equal(await handshake(sys.csms.url, "CP-NOT-REGISTERED", key), 401);

    // A new key (rotation): the old one is refused from now on, the new one works.
    const rotated = await admin.json("PUT", `/api/v1/registrations/${id}`, { securityProfile: 1 });
    assert.equal(rotated.status, 200);
    const newKey: string = rotated.body.authorizationKey;
    assert.notEqual(newKey, key);
    assert.equal(await handshake(sys.csms.url, id, key), 401);
    assert.equal(await handshake(sys.csms.url, id, newKey), 101);

    // A key of the admin's choosing is not echoed back.
    const chosen = await admin.json("PUT", `/api/v1/registrations/${id}`, {
      securityProfile: 1,
      authorizationKey: "Chosen-Key-0123456789",
    });
    assert.equal(chosen.status, 200);
    assert.equal(chosen.body.authorizationKey, undefined);
    assert.equal(await handshake(sys.csms.url, id, "Chosen-Key-0123456789"), 101);

    // Unregistered: the key no longer opens the door.
    assert.equal((await admin.json("DELETE", `/api/v1/registrations/${id}`)).status, 204);
    assert.equal(await handshake(sys.csms.url, id, "Chosen-Key-0123456789"), 401);
  } finally {
    await charger?.stop();
    await sys.close();
  }
});
