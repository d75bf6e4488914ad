/**
 * Smart charging on the CSMS side, over real sockets with an independent strict 1.6 charge point (npm
 * ocpp-rpc, which checks every CALL the CSMS sends against the OCA schemas): profiles the charger accepts
 * are stored per connector and a refused one is not, a clear it accepts removes what it matches, a
 * transaction's stop removes its TxProfile, GetCompositeSchedule's answer comes back as the charger gave it,
 * and after a reboot the CSMS sends the cap and the defaults again, after the boot's answer.
 */
import assert from "node:assert/strict";
import { connectPeerClient, type PeerSession } from "./ocpp_rpc_peer.ts";
import { startTestCsms, type TestCsms, waitFor } from "./csms_support.ts";

const NOW = () => new Date().toISOString();

function profile(id: number, purpose: string, limit: number, extra: Record<string, unknown> = {}) {
  return {
    chargingProfileId: id,
    stackLevel: 0,
    chargingProfilePurpose: purpose,
    chargingProfileKind: "Relative",
    ...extra,
    chargingSchedule: { chargingRateUnit: "W", chargingSchedulePeriod: [{ startPeriod: 0, limit }] },
  };
}

interface FakeCharger {
  client: PeerSession;
  /** SetChargingProfile payloads as they arrived. */
  sets: Array<{ payload: { connectorId: number; csChargingProfiles: { chargingProfileId: number } } }>;
  clears: unknown[];
  /** Profile ids it refuses. */
  refuse: Set<number>;
  boot(): Promise<string>;
}

async function charger(t: TestCsms, id: string, refuse = new Set<number>()): Promise<FakeCharger> {
  const client = await connectPeerClient({ endpoint: t.csms.url, identity: id, protocols: ["ocpp1.6"] });
  const c: FakeCharger = {
    client,
    sets: [],
    clears: [],
    refuse,
    async boot() {
      const answer = await client.call<{ status: string }>("BootNotification", {
        chargePointVendor: "ACME",
        chargePointModel: "Volt-1",
      });
      return answer.status;
    },
  };
  client.handle("SetChargingProfile", ({ params }) => {
    c.sets.push({ payload: params });
    return { status: c.refuse.has(params.csChargingProfiles.chargingProfileId) ? "Rejected" : "Accepted" };
  });
  client.handle("RemoteStartTransaction", () => ({ status: "Accepted" }));
  client.handle("ClearChargingProfile", ({ params }) => {
    c.clears.push(params);
    return { status: params.id === 404 ? "Unknown" : "Accepted" };
  });
  client.handle("GetCompositeSchedule", ({ params }) => ({
    status: "Accepted",
    connectorId: params.connectorId,
    scheduleStart: "2026-03-01T10:00:00.000Z",
    chargingSchedule: {
      duration: params.duration,
      chargingRateUnit: "W",
      chargingSchedulePeriod: [{ startPeriod: 0, limit: 3700 }, { startPeriod: 1800, limit: 11000 }],
    },
  }));
  return c;
}

const stored = async (t: TestCsms, id: string) =>
  (await t.reads.chargingProfiles(id)).map((p) => `${p.connectorId}:${p.purpose}:${p.profileId}`);

Deno.test("smart charging 1.6: accepted profiles are stored, cleared by criteria, TxProfiles end with their transaction", async () => {
  const t = await startTestCsms();
  const id = "CP-SMART-1";
  const c = await charger(t, id, new Set([66]));
  try {
    assert.equal(await c.boot(), "Accepted");
    const { transactionId } = await c.client.call<{ transactionId: number }>("StartTransaction", {
      connectorId: 1,
      idTag: "TAG-1",
      meterStart: 0,
      timestamp: NOW(),
    });
    const set = (connectorId: number, p: Record<string, unknown>) =>
      t.bus.sendCommand(id, "SetChargingProfile", { connectorId, csChargingProfiles: p });

    assert.deepEqual(await set(1, profile(1, "TxProfile", 3700, { transactionId })), {
      ok: true,
      response: { status: "Accepted" },
    });
    assert.deepEqual(await set(0, profile(2, "TxDefaultProfile", 11000)), {
      ok: true,
      response: { status: "Accepted" },
    });
    assert.deepEqual(await set(0, profile(3, "ChargePointMaxProfile", 22000)), {
      ok: true,
      response: { status: "Accepted" },
    });
    // Refused by the charger: not stored.
    assert.deepEqual(await set(1, profile(66, "TxDefaultProfile", 1000, { stackLevel: 3 })), {
      ok: true,
      response: { status: "Rejected" },
    });
    // Invalid (no schedule): nothing sent, nothing stored.
    const bad = await t.bus.sendCommand(id, "SetChargingProfile", {
      connectorId: 1,
      csChargingProfiles: { chargingProfileId: 9, stackLevel: 0, chargingProfilePurpose: "TxProfile" },
    });
    assert.equal(!bad.ok && bad.error, "invalid");
    assert.equal(c.sets.length, 4);
    assert.deepEqual(await stored(t, id), [
      "0:ChargePointMaxProfile:3",
      "0:TxDefaultProfile:2",
      "1:TxProfile:1",
    ]);
    const tx = (await t.reads.chargingProfiles(id)).find((p) => p.profileId === 1)!;
    assert.equal(tx.transactionId, transactionId);
    assert.deepEqual(tx.profile, profile(1, "TxProfile", 3700, { transactionId }));

    // The same purpose and stack level on the same connector replaces the stored one, as on the charger.
    assert.equal((await set(0, profile(4, "TxDefaultProfile", 7400))).ok, true);
    assert.deepEqual(await stored(t, id), [
      "0:ChargePointMaxProfile:3",
      "0:TxDefaultProfile:4",
      "1:TxProfile:1",
    ]);

    // The composite schedule comes back as the charger computed it.
    const composite = await t.bus.sendCommand(id, "GetCompositeSchedule", { connectorId: 1, duration: 3600 });
    assert.ok(composite.ok);
    assert.deepEqual((composite.response as { chargingSchedule: unknown }).chargingSchedule, {
      duration: 3600,
      chargingRateUnit: "W",
      chargingSchedulePeriod: [{ startPeriod: 0, limit: 3700 }, { startPeriod: 1800, limit: 11000 }],
    });

    // A clear the charger finds nothing for (Unknown) leaves what is stored.
    assert.deepEqual(await t.bus.sendCommand(id, "ClearChargingProfile", { id: 404 }), {
      ok: true,
      response: { status: "Unknown" },
    });
    assert.equal((await stored(t, id)).length, 3);
    // By criteria: the defaults on connector 0 only.
    assert.deepEqual(
      await t.bus.sendCommand(id, "ClearChargingProfile", {
        connectorId: 0,
        chargingProfilePurpose: "TxDefaultProfile",
      }),
      { ok: true, response: { status: "Accepted" } },
    );
    assert.deepEqual(c.clears.at(-1), { connectorId: 0, chargingProfilePurpose: "TxDefaultProfile" });
    assert.deepEqual(await stored(t, id), ["0:ChargePointMaxProfile:3", "1:TxProfile:1"]);

    // The transaction's stop takes its TxProfile with it.
    await c.client.call("StopTransaction", { transactionId, meterStop: 1000, timestamp: NOW() });
    assert.deepEqual(await stored(t, id), ["0:ChargePointMaxProfile:3"]);
    // By id.
    assert.equal((await t.bus.sendCommand(id, "ClearChargingProfile", { id: 3 })).ok, true);
    assert.deepEqual(await stored(t, id), []);

    // A remote start's profile is the TxProfile of the transaction it starts: kept until that one stops.
    const remote = await t.bus.sendCommand(id, "RemoteStartTransaction", {
      connectorId: 1,
      idTag: "TAG-2",
      chargingProfile: profile(5, "TxProfile", 7400),
    });
    assert.deepEqual(remote, { ok: true, response: { status: "Accepted" } });
    assert.deepEqual(await stored(t, id), ["1:TxProfile:5"]);
    const second = await c.client.call<{ transactionId: number }>("StartTransaction", {
      connectorId: 1,
      idTag: "TAG-2",
      meterStart: 1000,
      timestamp: NOW(),
    });
    await c.client.call("StopTransaction", {
      transactionId: second.transactionId,
      meterStop: 2000,
      timestamp: NOW(),
    });
    assert.deepEqual(await stored(t, id), []);
  } finally {
    await c.client.close({ force: true });
    await t.close();
  }
});

Deno.test("smart charging 1.6: after a reboot the cap and the defaults are sent again, after the boot's answer", async () => {
  const t = await startTestCsms();
  const id = "CP-SMART-REBOOT";
  let c = await charger(t, id);
  try {
    assert.equal(await c.boot(), "Accepted");
    const { transactionId } = await c.client.call<{ transactionId: number }>("StartTransaction", {
      connectorId: 1,
      idTag: "TAG-1",
      meterStart: 0,
      timestamp: NOW(),
    });
    const set = (connectorId: number, p: Record<string, unknown>) =>
      t.bus.sendCommand(id, "SetChargingProfile", { connectorId, csChargingProfiles: p });
    // Set out of order: defaults first, the cap last.
    assert.equal((await set(1, profile(11, "TxDefaultProfile", 7400, { stackLevel: 1 }))).ok, true);
    assert.equal((await set(0, profile(10, "TxDefaultProfile", 11000))).ok, true);
    assert.equal((await set(1, profile(12, "TxProfile", 3700, { transactionId }))).ok, true);
    assert.equal((await set(0, profile(13, "ChargePointMaxProfile", 22000))).ok, true);
    assert.equal((await stored(t, id)).length, 4);

    // The charger reboots (its transaction is lost with it) and connects with a new boot; it will now
    // refuse profile 11.
    await c.client.close({ force: true });
    c = await charger(t, id, new Set([11]));
    assert.equal(await c.boot(), "Accepted");
    await waitFor(() => c.sets.length === 3, "three profiles sent again", 30_000);
    assert.deepEqual(
      c.sets.map((s) => [s.payload.connectorId, s.payload.csChargingProfiles.chargingProfileId]),
      [[0, 13], [0, 10], [1, 11]],
      "the cap first, then the defaults, the charger's own first",
    );
    // On the wire, from the CSMS: the last boot's answer, then the three CALLs.
    const out = t.events.filter((e) =>
      e.type === "ocpp.frame" && e.chargerId === id && e.direction === "out" &&
      (e.action === "BootNotification" || (e.messageType === 2 && e.action === "SetChargingProfile"))
    ).map((e) => e.type === "ocpp.frame" ? `${e.messageType}:${e.action}` : "").slice(-4);
    assert.deepEqual(out, [
      "3:BootNotification",
      "2:SetChargingProfile",
      "2:SetChargingProfile",
      "2:SetChargingProfile",
    ]);
    assert.deepEqual(c.sets[0].payload.csChargingProfiles, profile(13, "ChargePointMaxProfile", 22000));
    // The TxProfile is forgotten, and so is the default the charger refused this time.
    await waitFor(async () => (await stored(t, id)).length === 2, "the refused profile forgotten", 30_000);
    assert.deepEqual(await stored(t, id), ["0:ChargePointMaxProfile:13", "0:TxDefaultProfile:10"]);
    const log = (await t.reads.eventLog({ chargerId: id })).filter((e) =>
      e.type === "charging-profile.resent"
    );
    assert.deepEqual(log.map((e) => e.data), [
      { profileId: 13, status: "Accepted" },
      { profileId: 10, status: "Accepted" },
      { profileId: 11, status: "Rejected" },
    ]);
  } finally {
    await c.client.close({ force: true });
    await t.close();
  }
});
