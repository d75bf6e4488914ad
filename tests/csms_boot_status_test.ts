/**
 * BootNotification answered by the registration's boot status, end to end over real sockets: an
 * independent strict peer (npm ocpp-rpc) as a 2.0.1 station and as a 1.6 charge point, held Pending under
 * CHARGER_POLICY=approve and approved over the admin bus (which has the CSMS trigger a new boot), a
 * Rejected one, the 2.0.1 SecurityError for what a held station may not send (B02.FR.09, B03.FR.07); and
 * the repository's own simulator, for both protocols, retrying while Pending and Accepted once an admin
 * approves it over REST.
 */
import assert from "node:assert/strict";
import type { BusEvent } from "../shared/events.ts";
import { connectPeerClient, type PeerProtocol, type PeerSession } from "./ocpp_rpc_peer.ts";
import { startTestCsms, type TestCsms, waitFor } from "./csms_support.ts";
import { ChargerProcess, startSystem, waitFor as waitLong } from "./web_support.ts";

const RETRY = 120;
const HEARTBEAT = 90;

function connect(t: TestCsms, identity: string, protocol: PeerProtocol): Promise<PeerSession> {
  return connectPeerClient({ endpoint: t.csms.url, identity, protocols: [protocol] });
}

type BootAnswer = { status: string; interval: number; currentTime: string };

function boot201(client: PeerSession, reason = "PowerUp"): Promise<BootAnswer> {
  return client.call<BootAnswer>("BootNotification", {
    reason,
    chargingStation: { vendorName: "ACME", model: "Volt-2" },
  });
}

function boot16(client: PeerSession): Promise<BootAnswer> {
  return client.call<BootAnswer>("BootNotification", {
    chargePointVendor: "ACME",
    chargePointModel: "Volt-1",
  });
}

const status201 = {
  timestamp: "2026-03-01T10:00:00.000Z",
  connectorStatus: "Available",
  evseId: 1,
  connectorId: 1,
};

/** The CALLERROR code a call was answered with, or "answered" when it was not. */
async function errorCodeOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return "answered";
  } catch (err) {
    return (err as { rpcErrorCode?: string }).rpcErrorCode ?? String(err);
  }
}

/** Answers TriggerMessage Accepted, and tells which messages were requested, in order. */
function acceptTriggers(client: PeerSession): string[] {
  const requested: string[] = [];
  client.handle("TriggerMessage", ({ params }) => {
    requested.push(params.requestedMessage);
    return { status: "Accepted" };
  });
  return requested;
}

async function logTypes(t: TestCsms, chargerId: string): Promise<string[]> {
  return (await t.reads.eventLog({ chargerId })).map((e) => e.type);
}

const boots = (events: BusEvent[], chargerId: string) =>
  events.filter((e) => e.type === "charger.boot" && e.chargerId === chargerId);

const env = (policy: string) => ({
  CHARGER_POLICY: policy,
  BOOT_RETRY_INTERVAL: String(RETRY),
  HEARTBEAT_INTERVAL: String(HEARTBEAT),
});

Deno.test("boot status 2.0.1: approve holds a newcomer Pending; approved, it is triggered to boot and Accepted", async () => {
  const t = await startTestCsms(env("approve"));
  const id = "CS-APPROVE-201";
  let client: PeerSession | undefined;
  try {
    client = await connect(t, id, "ocpp2.0.1");
    const triggers = acceptTriggers(client);
    const pending = await boot201(client);
    assert.equal(pending.status, "Pending");
    assert.equal(pending.interval, RETRY, "the retry delay, not the heartbeat interval");
    assert.equal((await t.reads.getRegistration(id))?.bootStatus, "Pending");
    assert.deepEqual(boots(t.events, id), [], "a Pending boot is not the charger's boot");
    assert.ok((await logTypes(t, id)).includes("charger.boot.pending"));

    // B02.FR.09: what the station sends unasked is refused, nothing of it recorded.
    assert.equal(await errorCodeOf(client.call("StatusNotification", status201)), "SecurityError");
    assert.equal(await errorCodeOf(client.call("Heartbeat", {})), "SecurityError");
    assert.equal((await t.reads.getCharger(id))?.connectors?.length ?? 0, 0);
    // ...but what the CSMS asked for is answered: a Pending station may be queried (B02).
    const asked = await t.bus.sendCommand(id, "TriggerMessage", { requestedMessage: "StatusNotification" });
    assert.deepEqual(asked, { ok: true, response: { status: "Accepted" } });
    assert.equal(await errorCodeOf(client.call("StatusNotification", status201)), "answered");
    assert.equal(await errorCodeOf(client.call("Heartbeat", {})), "SecurityError", "not asked for");
    // No transaction is started or stopped remotely before it is Accepted: refused before anything is sent.
    const early = await t.bus.sendCommand(id, "RequestStartTransaction", {
      idToken: { idToken: "EARLY", type: "Central" },
      evseId: 1,
    });
    assert.equal(!early.ok && early.error, "invalid");
    assert.match(
      !early.ok ? early.message : "",
      /Pending: RequestStartTransaction may be sent once it is Accepted/,
    );

    // Approved: only the status changes, and the connected station is asked to boot again at once.
    const approved = await t.admin.registerCharger(id, { bootStatus: "Accepted" });
    assert.equal(approved.registration.bootStatus, "Accepted");
    assert.equal(approved.registration.securityProfile, 0);
    await waitFor(() => triggers.includes("BootNotification"), "TriggerMessage BootNotification");
    const accepted = await boot201(client, "Triggered");
    assert.deepEqual([accepted.status, accepted.interval], ["Accepted", HEARTBEAT]);
    await waitFor(() => boots(t.events, id).length === 1, "the charger.boot event");
    assert.equal(await errorCodeOf(client.call("Heartbeat", {})), "answered");
    assert.equal(
      await errorCodeOf(client.call("NotifyEvent", {
        generatedAt: "2026-03-01T10:00:00.000Z",
        seqNo: 0,
        eventData: [{
          eventId: 1,
          timestamp: "2026-03-01T10:00:00.000Z",
          trigger: "Delta",
          actualValue: "true",
          eventNotificationType: "HardWiredNotification",
          component: { name: "Connector" },
          variable: { name: "Available" },
        }],
      })),
      "answered",
    );
  } finally {
    await client?.close({ force: true });
    await t.close();
  }
});

Deno.test("boot status 2.0.1: a Rejected station may send nothing but its boot, until it is Accepted", async () => {
  const t = await startTestCsms(env("registered"));
  const id = "CS-REJECTED-201";
  let client: PeerSession | undefined;
  try {
    await t.admin.registerCharger(id, { securityProfile: 0, bootStatus: "Rejected" });
    client = await connect(t, id, "ocpp2.0.1");
    const rejected = await boot201(client);
    assert.deepEqual([rejected.status, rejected.interval], ["Rejected", RETRY]);
    assert.ok((await logTypes(t, id)).includes("charger.boot.rejected"));
    // B03.FR.07; even what the CSMS triggered (a Rejected station would not take it anyway).
    assert.equal(await errorCodeOf(client.call("Heartbeat", {})), "SecurityError");
    assert.equal(await errorCodeOf(client.call("StatusNotification", status201)), "SecurityError");
    assert.deepEqual(boots(t.events, id), []);

    await t.admin.registerCharger(id, { bootStatus: "Accepted" });
    // Its next boot (after the interval, here at once) is Accepted.
    const accepted = await boot201(client);
    assert.deepEqual([accepted.status, accepted.interval], ["Accepted", HEARTBEAT]);
    assert.equal(await errorCodeOf(client.call("StatusNotification", status201)), "answered");
    await waitFor(() => boots(t.events, id).length === 1, "the charger.boot event");
    // Set Pending again: it applies at the next boot, not to this Accepted connection.
    await t.admin.registerCharger(id, { bootStatus: "Pending" });
    assert.equal(await errorCodeOf(client.call("Heartbeat", {})), "answered");
    assert.equal((await boot201(client)).status, "Pending");
  } finally {
    await client?.close({ force: true });
    await t.close();
  }
});

Deno.test("boot status 1.6: approve holds a newcomer Pending; approved, it is triggered to boot and Accepted", async () => {
  const t = await startTestCsms(env("approve"));
  const id = "CP-APPROVE-16";
  let client: PeerSession | undefined;
  try {
    client = await connect(t, id, "ocpp1.6");
    const triggers = acceptTriggers(client);
    const pending = await boot16(client);
    assert.deepEqual([pending.status, pending.interval], ["Pending", RETRY]);
    assert.ok((await logTypes(t, id)).includes("charger.boot.pending"));
    assert.deepEqual(boots(t.events, id), []);
    // 1.6 gives the Central System no error for a charge point that speaks out of turn: answered as always.
    assert.equal(await errorCodeOf(client.call("Heartbeat", {})), "answered");
    // §4.2: no RemoteStart/RemoteStopTransaction while Pending; refused before anything is sent.
    const early = await t.bus.sendCommand(id, "RemoteStartTransaction", { connectorId: 1, idTag: "EARLY" });
    assert.equal(!early.ok && early.error, "invalid");

    await t.admin.registerCharger(id, { bootStatus: "Accepted" });
    await waitFor(() => triggers.includes("BootNotification"), "TriggerMessage BootNotification");
    const accepted = await boot16(client);
    assert.deepEqual([accepted.status, accepted.interval], ["Accepted", HEARTBEAT]);
    await waitFor(() => boots(t.events, id).length === 1, "the charger.boot event");
    assert.equal((await t.reads.getCharger(id))?.vendor, "ACME");
    client.handle("RemoteStartTransaction", () => ({ status: "Accepted" }));
    const started = await t.bus.sendCommand(id, "RemoteStartTransaction", { connectorId: 1, idTag: "NOW" });
    assert.deepEqual(started, { ok: true, response: { status: "Accepted" } });

    // Rejected from now on: its next boot says so.
    await t.admin.registerCharger(id, { bootStatus: "Rejected" });
    assert.deepEqual((await boot16(client)).status, "Rejected");
  } finally {
    await client?.close({ force: true });
    await t.close();
  }
});

Deno.test("boot status: under CHARGER_POLICY=open a newcomer is Accepted on its first boot, as before", async () => {
  const t = await startTestCsms(env("open"));
  let client: PeerSession | undefined;
  try {
    client = await connect(t, "CS-OPEN-201", "ocpp2.0.1");
    const answer = await boot201(client);
    assert.deepEqual([answer.status, answer.interval], ["Accepted", HEARTBEAT]);
    await waitFor(async () => (await t.reads.getRegistration("CS-OPEN-201"))?.bootStatus, "its registration");
    assert.equal((await t.reads.getRegistration("CS-OPEN-201"))?.bootStatus, "Accepted");
  } finally {
    await client?.close({ force: true });
    await t.close();
  }
});

for (const ocpp of ["2.0.1", "1.6"]) {
  Deno.test(`boot status: the simulator (--ocpp ${ocpp}) retries while Pending, and is Accepted once an admin approves it over REST`, async () => {
    const sys = await startSystem({ CHARGER_POLICY: "approve", BOOT_RETRY_INTERVAL: "1" });
    const id = `SIM-APPROVE-${ocpp.replaceAll(".", "")}`;
    let charger: ChargerProcess | undefined;
    try {
      const admin = await sys.login();
      charger = new ChargerProcess(id, sys.csms.url, ["--ocpp", ocpp]);
      const pendingBoots = async () =>
        (await sys.csms.storage.reads.eventLog({ chargerId: id })).filter((e) =>
          e.type === "charger.boot.pending"
        ).length;
      // Told to wait a second, it boots again, and is held again.
      await waitLong(
        async () => await pendingBoots() >= 2,
        () => `two Pending boots; it said:\n${charger!.tail()}`,
      );
      const listed = await admin.json("GET", `/api/v1/registrations/${id}`);
      assert.equal(listed.body.bootStatus, "Pending");
      assert.deepEqual(boots(sys.events, id), []);

      const approved = await admin.json("PUT", `/api/v1/registrations/${id}`, { bootStatus: "Accepted" });
      assert.equal(approved.status, 200);
      assert.equal(approved.body.registration.bootStatus, "Accepted");
      await waitLong(() => boots(sys.events, id).length > 0, () => `Accepted; it said:\n${charger!.tail()}`);
      // Accepted, it works: its connectors are reported.
      await waitLong(
        async () => ((await sys.csms.storage.reads.getCharger(id))?.connectors?.length ?? 0) > 0,
        () => `its connectors; it said:\n${charger!.tail()}`,
      );
    } finally {
      await charger?.stop();
      await sys.close();
    }
  });
}
