/**
 * The simulator's Reservation and LocalAuthListManagement profiles, and the auth and connector keys that
 * go with them, against an independent strict OCPP 1.6 central system (npm ocpp-rpc): every frame both
 * ways is checked against the OCA schemas by someone else's code.
 */
import assert from "node:assert/strict";
import { type ChargePointHandle, startChargePoint } from "../charger/mod.ts";
import type { ChargePointOptions } from "../charger/options.ts";
import { type PeerSession, startPeerServer } from "./ocpp_rpc_peer.ts";
import { waitFor } from "./wait.ts";

interface Seen {
  action: string;
  // deno-lint-ignore no-explicit-any
  params: any;
}

/** A strict central system that records what the charger sends; `authorize` answers Authorize per idTag. */
async function withPeer(
  id: string,
  o: Partial<ChargePointOptions>,
  body: (peer: PeerSession, seen: Seen[], cp: ChargePointHandle) => Promise<void>,
  authorize: (idTag: string) => Record<string, unknown> = () => ({ status: "Accepted" }),
): Promise<void> {
  const seen: Seen[] = [];
  let txIds = 100;
  const server = await startPeerServer(["ocpp1.6"], (c) => {
    const record = (action: string, answer: (params: never) => unknown) =>
      c.handle(action, ({ params }) => {
        seen.push({ action, params });
        return answer(params as never);
      });
    record(
      "BootNotification",
      () => ({ status: "Accepted", currentTime: new Date().toISOString(), interval: 300 }),
    );
    record("StatusNotification", () => ({}));
    record("Heartbeat", () => ({ currentTime: new Date().toISOString() }));
    record("MeterValues", () => ({}));
    record("Authorize", (p: { idTag: string }) => ({ idTagInfo: authorize(p.idTag) }));
    record(
      "StartTransaction",
      (p: { idTag: string }) => ({ transactionId: ++txIds, idTagInfo: authorize(p.idTag) }),
    );
    record("StopTransaction", () => ({}));
  });
  const cp = startChargePoint({
    id,
    url: server.url,
    tickMs: 200,
    unplugDelayMs: 300,
    rebootDelayMs: 300,
    backoff: { initialMs: 100, maxMs: 400 },
    ...o,
  });
  try {
    const peer = await server.nextClient();
    await waitFor(() => seen.some((s) => s.action === "StatusNotification"), "the first StatusNotification");
    await body(peer, seen, cp);
  } finally {
    await cp.stop();
    await server.close();
  }
}

const statusOf = (seen: Seen[], connectorId: number) =>
  seen.filter((s) => s.action === "StatusNotification" && s.params.connectorId === connectorId).at(-1)?.params
    .status;
const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();

Deno.test("ReserveNow: Reserved, only the holder starts (its reservationId in StartTransaction), then it is gone", async () => {
  await withPeer("RES-1", { connectors: 2 }, async (peer, seen, cp) => {
    const reserve = (connectorId: number, reservationId: number, idTag: string, seconds = 60) =>
      peer.call("ReserveNow", { connectorId, expiryDate: inSeconds(seconds), idTag, reservationId });
    assert.deepEqual(await reserve(1, 11, "HOLDER"), { status: "Accepted" });
    await waitFor(() => statusOf(seen, 1) === "Reserved", "connector 1 Reserved");
    assert.deepEqual(await reserve(1, 12, "OTHER"), { status: "Occupied" }, "another reservation on it");
    // Someone else may not start there, neither locally nor remotely.
    assert.equal(await cp.startLocal(1, "STRANGER"), false);
    assert.deepEqual(await peer.call("RemoteStartTransaction", { connectorId: 1, idTag: "STRANGER" }), {
      status: "Rejected",
    });
    assert.equal(seen.filter((s) => s.action === "StartTransaction").length, 0);
    // The holder does, and the start names the reservation.
    assert.equal(await cp.startLocal(1, "HOLDER"), true);
    const start = await waitFor(() => seen.find((s) => s.action === "StartTransaction"), "StartTransaction");
    assert.equal(start.params.reservationId, 11);
    assert.equal(start.params.connectorId, 1);
    assert.deepEqual(
      await peer.call("CancelReservation", { reservationId: 11 }),
      { status: "Rejected" },
      "used up",
    );
    // A charging connector is Occupied for a new reservation; a faulted one Faulted.
    assert.deepEqual(await reserve(1, 13, "X"), { status: "Occupied" });
    cp.setFault(2, "GroundFailure");
    assert.deepEqual(await reserve(2, 14, "X"), { status: "Faulted" });
  });
});

Deno.test("ReserveNow: expiry makes the connector Available; CancelReservation; connector 0; parentIdTag", async () => {
  await withPeer(
    "RES-2",
    { connectors: 2 },
    async (peer, seen, cp) => {
      assert.deepEqual(
        await peer.call("ReserveNow", {
          connectorId: 2,
          expiryDate: inSeconds(1),
          idTag: "SOON",
          reservationId: 1,
        }),
        { status: "Accepted" },
      );
      await waitFor(() => statusOf(seen, 2) === "Reserved", "connector 2 Reserved");
      await waitFor(() => statusOf(seen, 2) === "Available", "connector 2 Available again at expiry");

      await peer.call("ReserveNow", {
        connectorId: 2,
        expiryDate: inSeconds(60),
        idTag: "C",
        reservationId: 2,
      });
      await waitFor(() => statusOf(seen, 2) === "Reserved", "connector 2 Reserved again");
      assert.deepEqual(await peer.call("CancelReservation", { reservationId: 2 }), { status: "Accepted" });
      await waitFor(() => statusOf(seen, 2) === "Available", "connector 2 Available after the cancel");
      assert.deepEqual(await peer.call("CancelReservation", { reservationId: 2 }), { status: "Rejected" });

      // A reservation of the charge point with parentIdTag: a tag of the same parent starts anywhere.
      assert.deepEqual(
        await peer.call("ReserveNow", {
          connectorId: 0,
          expiryDate: inSeconds(60),
          idTag: "CARD-1",
          parentIdTag: "FLEET",
          reservationId: 3,
        }),
        { status: "Accepted" },
      );
      // Another driver takes connector 1; the last free one is kept for the reservation.
      assert.equal(await cp.startLocal(1, "PASSER-BY"), true);
      assert.equal(await cp.startLocal(2, "SECOND"), false);
      assert.equal(await cp.startLocal(2, "CARD-2"), true, "CARD-2's parent is FLEET");
      const starts = await waitFor(
        () => {
          const s = seen.filter((s) => s.action === "StartTransaction");
          return s.length === 2 && s;
        },
        "two StartTransactions",
      );
      assert.equal(starts[0].params.reservationId, undefined);
      assert.equal(starts[1].params.reservationId, 3);
    },
    (idTag) =>
      idTag.startsWith("CARD-") ? { status: "Accepted", parentIdTag: "FLEET" } : { status: "Accepted" },
  );
});

Deno.test("ReserveConnectorZeroSupported false: connector 0 is Rejected", async () => {
  await withPeer("RES-3", { config: { ReserveConnectorZeroSupported: "false" } }, async (peer) => {
    assert.deepEqual(
      await peer.call("ReserveNow", {
        connectorId: 0,
        expiryDate: inSeconds(60),
        idTag: "A",
        reservationId: 1,
      }),
      { status: "Rejected" },
    );
  });
});

Deno.test("SendLocalList and GetLocalListVersion; a listed tag starts without asking (LocalPreAuthorize)", async () => {
  await withPeer("LL-1", {}, async (peer, seen, cp) => {
    const features = await peer.call<{ configurationKey: { key: string; value: string }[] }>(
      "GetConfiguration",
      {
        key: ["SupportedFeatureProfiles"],
      },
    );
    // Others' profiles join the list; these two are this test's.
    const profiles = features.configurationKey[0].value.split(",");
    for (const p of ["Core", "LocalAuthListManagement", "Reservation"]) assert.ok(profiles.includes(p), p);
    assert.deepEqual(await peer.call("GetLocalListVersion", {}), { listVersion: 0 });
    assert.deepEqual(
      await peer.call("SendLocalList", {
        listVersion: 3,
        updateType: "Full",
        localAuthorizationList: [
          { idTag: "LOCAL-OK", idTagInfo: { status: "Accepted" } },
          { idTag: "LOCAL-BLOCKED", idTagInfo: { status: "Blocked" } },
        ],
      }),
      { status: "Accepted" },
    );
    assert.deepEqual(await peer.call("GetLocalListVersion", {}), { listVersion: 3 });
    assert.deepEqual(
      await peer.call("SendLocalList", {
        listVersion: 3,
        updateType: "Differential",
        localAuthorizationList: [],
      }),
      { status: "VersionMismatch" },
    );
    assert.deepEqual(
      await peer.call("SendLocalList", {
        listVersion: 4,
        updateType: "Differential",
        localAuthorizationList: [{ idTag: "LOCAL-NEW", idTagInfo: { status: "Accepted" } }],
      }),
      { status: "Accepted" },
    );
    // LocalPreAuthorize: a listed Accepted tag starts without asking.
    assert.deepEqual(await peer.call("ChangeConfiguration", { key: "LocalPreAuthorize", value: "true" }), {
      status: "Accepted",
    });
    assert.equal(await cp.startLocal(1, "LOCAL-NEW"), true);
    await waitFor(() => seen.some((s) => s.action === "StartTransaction"), "StartTransaction");
    assert.equal(seen.filter((s) => s.action === "Authorize").length, 0, "no Authorize for a listed tag");
    // Over SendLocalListMaxLength: Failed.
    const many = Array.from(
      { length: 101 },
      (_, i) => ({ idTag: `T${i}`, idTagInfo: { status: "Accepted" } }),
    );
    assert.deepEqual(
      await peer.call("SendLocalList", { listVersion: 9, updateType: "Full", localAuthorizationList: many }),
      { status: "Failed" },
    );
    // Disabled: NotSupported.
    await peer.call("ChangeConfiguration", { key: "LocalAuthListEnabled", value: "false" });
    assert.deepEqual(await peer.call("SendLocalList", { listVersion: 10, updateType: "Full" }), {
      status: "NotSupported",
    });
  });
});

Deno.test("GetConfigurationMaxKeys: more keys than that in one request is an OccurenceConstraintViolation", async () => {
  await withPeer("CFG-MAX", { config: { GetConfigurationMaxKeys: "2" } }, async (peer) => {
    const two = await peer.call<{ configurationKey: unknown[] }>("GetConfiguration", {
      key: ["HeartbeatInterval", "ConnectionTimeOut"],
    });
    assert.equal(two.configurationKey.length, 2);
    await assert.rejects(
      peer.call("GetConfiguration", {
        key: ["HeartbeatInterval", "ConnectionTimeOut", "NumberOfConnectors"],
      }),
      (err: { rpcErrorCode?: string }) => err.rpcErrorCode === "OccurenceConstraintViolation",
    );
    const all = await peer.call<{ configurationKey: unknown[] }>("GetConfiguration", {});
    assert.ok(all.configurationKey.length > 2, "asking for all is not bounded");
  });
});

Deno.test("ConnectionTimeOut: a car no one starts for goes back to Available", async () => {
  await withPeer("CTO-1", {}, async (peer, seen, cp) => {
    await peer.call("ChangeConfiguration", { key: "ConnectionTimeOut", value: "1" });
    assert.equal(cp.plugIn(1), true);
    await waitFor(() => statusOf(seen, 1) === "Preparing", "Preparing");
    await waitFor(() => statusOf(seen, 1) === "Available", "Available after ConnectionTimeOut");
    assert.equal(seen.filter((s) => s.action === "StartTransaction").length, 0);
  });
});

Deno.test("UnlockConnectorOnEVSideDisconnect false: the cable stays locked (Finishing) until UnlockConnector", async () => {
  // No delay before a driver would take the cable: once a round trip has passed, it would have.
  await withPeer("UNL-1", { unplugDelayMs: 0 }, async (peer, seen, cp) => {
    await peer.call("ChangeConfiguration", { key: "UnlockConnectorOnEVSideDisconnect", value: "false" });
    assert.equal(await cp.startLocal(1, "DRIVER"), true);
    await waitFor(() => statusOf(seen, 1) === "Charging", "Charging");
    assert.equal(cp.unplug(1), true);
    const stop = await waitFor(() => seen.find((s) => s.action === "StopTransaction"), "StopTransaction");
    assert.equal(stop.params.reason, "EVDisconnected");
    await waitFor(() => statusOf(seen, 1) === "Finishing", "Finishing");
    await peer.call("GetLocalListVersion", {});
    assert.equal(cp.snapshot().connectors[0].status, "Finishing");
    assert.deepEqual(await peer.call("UnlockConnector", { connectorId: 1 }), { status: "Unlocked" });
    await waitFor(() => statusOf(seen, 1) === "Available", "Available after the unlock");
  });
});

Deno.test("AuthorizationCacheEnabled false: a cached Accepted no longer starts offline", async () => {
  let accepted = true;
  await withPeer(
    "CACHE-1",
    { config: { LocalAuthorizeOffline: "true", LocalPreAuthorize: "true" } },
    async (peer, seen, cp) => {
      // Cached: the next local start needs no Authorize.
      assert.equal(await cp.startLocal(1, "CACHED"), true);
      await waitFor(() => seen.some((s) => s.action === "StartTransaction"), "StartTransaction");
      assert.equal(cp.stopLocal(1), true);
      await waitFor(() => cp.snapshot().connectors[0].status === "Available", "Available");
      const authorizes = () => seen.filter((s) => s.action === "Authorize").length;
      const before = authorizes();
      assert.equal(await cp.startLocal(1, "CACHED"), true);
      assert.equal(authorizes(), before, "pre-authorized from the cache");
      assert.equal(cp.stopLocal(1), true);
      await waitFor(() => cp.snapshot().connectors[0].status === "Available", "Available");
      // Cache off: it asks again, and the central system's answer counts.
      await peer.call("ChangeConfiguration", { key: "AuthorizationCacheEnabled", value: "false" });
      accepted = false;
      assert.equal(await cp.startLocal(1, "CACHED"), false);
      assert.equal(authorizes(), before + 1);
    },
    () => ({ status: accepted ? "Accepted" : "Blocked" }),
  );
});
