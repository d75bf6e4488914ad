/**
 * One rule for charge point ids everywhere (shared/identifiers.ts): an id the CSMS lets connect can be
 * viewed, listed, subscribed to and commanded through every interface of the portal, astral characters
 * (two UTF-16 units each) included.
 */
import assert from "node:assert/strict";
import { TestCharger } from "./csms_support.ts";
import { startSystem, waitFor } from "./web_support.ts";
import type { ChargerSnapshot, SubscribeAck } from "../web/lib/protocol.ts";

Deno.test("charger ids: an id of 48 astral characters connects and is viewed, subscribed to and commanded", async () => {
  const sys = await startSystem();
  const id = "🔌".repeat(47) + "⚡"; // 48 characters, 95 UTF-16 units
  const charger = await TestCharger.connect(sys.csms.url, id);
  charger.session.handle("GetConfiguration", () => ({ configurationKey: [], unknownKey: ["Nope"] }));
  try {
    await charger.session.call("BootNotification", {
      chargePointVendor: "Chargewire",
      chargePointModel: "Astral",
    });
    const admin = await sys.login();
    const path = `/api/v1/chargers/${encodeURIComponent(id)}`;
    const rest = await admin.json("GET", path);
    assert.equal(rest.status, 200, JSON.stringify(rest.body));
    assert.equal(rest.body.id, id);
    assert.equal(rest.body.online, true);

    const page = await admin.fetch(`/chargers/${encodeURIComponent(id)}`);
    assert.equal(page.status, 200);
    assert.ok((await page.text()).includes(id), "the page names the charger");

    const tx = await admin.json("GET", `/api/v1/transactions?chargerId=${encodeURIComponent(id)}`);
    assert.equal(tx.status, 200, JSON.stringify(tx.body));

    const command = await admin.json("POST", `${path}/commands/GetConfiguration`, { key: ["Nope"] });
    assert.equal(command.status, 200, JSON.stringify(command.body));
    assert.deepEqual(command.body.response.unknownKey, ["Nope"]);

    const socket = admin.socket();
    try {
      const snapshots: ChargerSnapshot[] = [];
      socket.on("charger:snapshot", (s) => snapshots.push(s));
      const ack = await new Promise<SubscribeAck>((resolve) =>
        socket.emit("subscribe", { chargerId: id }, resolve)
      );
      assert.deepEqual(ack, { ok: true });
      const snapshot = await waitFor(() => snapshots[0], "a charger snapshot");
      assert.equal(snapshot.charger?.id, id);
    } finally {
      socket.close();
    }

    // One character more is refused the same way by the CSMS and by the portal.
    const tooLong = id + "🔌";
    assert.equal((await admin.json("GET", `/api/v1/chargers/${encodeURIComponent(tooLong)}`)).status, 400);
    assert.equal((await admin.fetch(`/chargers/${encodeURIComponent(tooLong)}`)).status, 404);
    await assert.rejects(TestCharger.connect(sys.csms.url, tooLong));
  } finally {
    await charger.close();
    await sys.close();
  }
});
