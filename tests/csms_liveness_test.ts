/**
 * Liveness: the CSMS pings silent chargers; one that answers stays online, one
 * that answers nothing is disconnected and shown offline, never a phantom.
 */
import assert from "node:assert/strict";
import WebSocket from "ws";
import { eventsOf, startTestCsms, TestCharger, waitFor } from "./csms_support.ts";

function connect(
  url: string,
  autoPong: boolean,
): Promise<{ ws: WebSocket; pings: () => number; closed: Promise<number> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, ["ocpp1.6"], { autoPong });
    let pings = 0;
    ws.on("ping", () => pings++);
    const closed = new Promise<number>((r) => ws.on("close", (code: number) => r(code)));
    ws.on("open", () => resolve({ ws, pings: () => pings, closed }));
    ws.on("error", reject);
  });
}

Deno.test("csms liveness: pinged chargers that answer stay online; silent ones go offline", async () => {
  const t = await startTestCsms({ PING_INTERVAL: "0.2" });
  const alive = await connect(`${t.csms.url}/CP-ALIVE`, true);
  const mute = await connect(`${t.csms.url}/CP-MUTE`, false);
  try {
    await waitFor(() => eventsOf(t.events, "charger.connected").length === 2, "both connected");

    // The silent charger gets a ping, ignores it, and is disconnected for it.
    const code = await mute.closed;
    assert.equal(code, 1001);
    assert.ok(mute.pings() >= 1);
    const gone = await waitFor(
      () => eventsOf(t.events, "charger.disconnected", "CP-MUTE")[0],
      "mute offline",
    );
    assert.equal(gone.reason, "timeout");
    assert.equal((await t.csms.storage.reads.getCharger("CP-MUTE"))?.online, false);

    // The answering one has been pinged repeatedly and is still there.
    await waitFor(() => alive.pings() >= 3, "three pings to the live charger");
    assert.equal(alive.ws.readyState, WebSocket.OPEN);
    assert.equal((await t.csms.storage.reads.getCharger("CP-ALIVE"))?.online, true);
    assert.equal(eventsOf(t.events, "charger.disconnected", "CP-ALIVE").length, 0);
  } finally {
    alive.ws.close(1000);
    await alive.closed;
    mute.ws.terminate();
    await mute.closed;
    await t.close();
  }
});

Deno.test("csms liveness: with pings off, a charger silent for three heartbeat intervals is disconnected", async () => {
  const t = await startTestCsms({ PING_INTERVAL: "0", HEARTBEAT_INTERVAL: "1" });
  const talking = await TestCharger.connect(t.csms.url, "CP-TALKS");
  const silent = await TestCharger.connect(t.csms.url, "CP-SILENT");
  let beating = true;
  const beats = (async () => {
    while (beating) {
      await talking.session.call("Heartbeat", {}).catch(() => {});
      await new Promise((r) => setTimeout(r, 300));
    }
  })();
  try {
    assert.equal((await talking.boot()).interval, 1);
    const closed = await silent.closed();
    assert.equal(closed.code, 1001);
    assert.match(closed.reason, /no frame for 3 s/);
    const gone = await waitFor(
      () => eventsOf(t.events, "charger.disconnected", "CP-SILENT")[0],
      "silent offline",
    );
    assert.equal(gone.reason, "timeout");
    assert.ok(talking.isOpen);
    assert.equal((await t.csms.storage.reads.getCharger("CP-TALKS"))?.online, true);
  } finally {
    beating = false;
    await beats;
    await talking.close();
    await silent.close();
    await t.close();
  }
});
