/**
 * Smart charging through the portal's APIs against the repository's own simulator (its own process): a
 * profile set over REST is stored and listed, the simulator's composite schedule follows it, a clear over
 * Socket.IO removes it, a malformed profile is refused before anything is sent, and after a Reset the
 * simulator's new boot gets the stored TxDefaultProfile again.
 */
import assert from "node:assert/strict";
import type { Socket } from "socket.io-client";
import type { CommandResult } from "../shared/events.ts";
import type { ClientToServerEvents, ServerToClientEvents } from "../web/lib/protocol.ts";
import { ChargerProcess, startSystem, waitFor } from "./web_support.ts";

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

const cap = {
  connectorId: 0,
  csChargingProfiles: {
    chargingProfileId: 100,
    stackLevel: 0,
    chargingProfilePurpose: "ChargePointMaxProfile",
    // In force already (a Relative one would wait for a transaction).
    chargingProfileKind: "Absolute",
    chargingSchedule: {
      startSchedule: "2026-01-01T00:00:00.000Z",
      chargingRateUnit: "W",
      chargingSchedulePeriod: [{ startPeriod: 0, limit: 7400 }],
    },
  },
};
const txDefault = {
  connectorId: 1,
  csChargingProfiles: {
    chargingProfileId: 200,
    stackLevel: 1,
    chargingProfilePurpose: "TxDefaultProfile",
    chargingProfileKind: "Relative",
    chargingSchedule: { chargingRateUnit: "A", chargingSchedulePeriod: [{ startPeriod: 0, limit: 10 }] },
  },
};

Deno.test("smart charging over REST and Socket.IO: stored, listed, cleared, and sent again after a Reset", async () => {
  const sys = await startSystem();
  const id = "CP-SMART-API";
  const charger = new ChargerProcess(id, sys.csms.url);
  const session = await sys.login();
  const socket: Client = session.socket();
  const command = (action: string, payload: unknown): Promise<CommandResult> =>
    // deno-lint-ignore no-explicit-any
    socket.timeout(60_000).emitWithAck("command", { chargerId: id, action, payload } as any);
  const profiles = async () =>
    (await session.json("GET", `/api/v1/chargers/${id}/charging-profiles`)).body.items as Array<
      { profileId: number; connectorId: number; purpose: string; profile: unknown }
    >;
  try {
    await waitFor(
      async () => (await session.json("GET", `/api/v1/chargers/${id}`)).body.online === true,
      () => `${id} online; it said:\n${charger.tail()}`,
    );

    // REST: the charger's cap, accepted and stored as sent.
    const set = await session.json("POST", `/api/v1/chargers/${id}/commands/SetChargingProfile`, cap);
    assert.deepEqual([set.status, set.body], [200, { ok: true, response: { status: "Accepted" } }]);
    const listed = await profiles();
    assert.deepEqual(listed.map((p) => [p.connectorId, p.profileId, p.purpose]), [[
      0,
      100,
      "ChargePointMaxProfile",
    ]]);
    assert.deepEqual(listed[0].profile, cap.csChargingProfiles);

    // The simulator's composite schedule for connector 1 is capped by it.
    const composite = await session.json("POST", `/api/v1/chargers/${id}/commands/GetCompositeSchedule`, {
      connectorId: 1,
      duration: 600,
      chargingRateUnit: "W",
    });
    assert.equal(composite.body.response.status, "Accepted");
    const periods = composite.body.response.chargingSchedule.chargingSchedulePeriod as { limit: number }[];
    assert.ok(periods.length >= 1 && periods.every((p) => p.limit <= 7400), JSON.stringify(periods));

    // A malformed profile: 400, nothing sent, nothing stored.
    const bad = await session.json("POST", `/api/v1/chargers/${id}/commands/SetChargingProfile`, {
      connectorId: 1,
      csChargingProfiles: { chargingProfileId: 5 },
    });
    assert.deepEqual([bad.status, bad.body.error], [400, "invalid"]);

    // Socket.IO: a default on connector 1, then a Reset: the simulator reboots, and its new boot gets the
    // cap and the default again.
    assert.deepEqual(await command("SetChargingProfile", txDefault), {
      ok: true,
      response: { status: "Accepted" },
    });
    assert.equal((await profiles()).length, 2);
    const resentBefore = (await sys.reads.eventLog({ chargerId: id, limit: 1000 }))
      .filter((e) => e.type === "charging-profile.resent").length;
    assert.deepEqual(await command("Reset", { type: "Hard" }), {
      ok: true,
      response: { status: "Accepted" },
    });
    const resent = await waitFor(
      async () => {
        const log = (await sys.reads.eventLog({ chargerId: id, limit: 1000 }))
          .filter((e) => e.type === "charging-profile.resent");
        return log.length >= resentBefore + 2 ? log.slice(resentBefore) : undefined;
      },
      () => `the profiles sent again after the Reset; the charger said:\n${charger.tail()}`,
      90_000,
    );
    assert.deepEqual(resent.map((e) => e.data), [
      { profileId: 100, status: "Accepted" },
      { profileId: 200, status: "Accepted" },
    ]);
    assert.equal((await profiles()).length, 2);

    // Socket.IO: cleared by id.
    assert.deepEqual(await command("ClearChargingProfile", { id: 100 }), {
      ok: true,
      response: { status: "Accepted" },
    });
    assert.deepEqual((await profiles()).map((p) => p.profileId), [200]);
  } finally {
    socket.close();
    await charger.stop();
    await sys.close();
  }
});
