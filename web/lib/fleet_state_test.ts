import assert from "node:assert/strict";
import type { BusEvent, MeterValuesReceived } from "../../shared/events.ts";
import { applyEvent, emptySummary } from "./charger_state.ts";
import { FleetState } from "./fleet_state.ts";

const at = "2024-05-01T10:00:00.000Z";

function session(id: string): BusEvent[] {
  return [
    { type: "charger.connected", chargerId: id, at, protocol: "ocpp1.6", node: "n1" },
    { type: "charger.boot", chargerId: id, at, vendor: "Acme", model: "Volt 22" },
    {
      type: "connector.status",
      chargerId: id,
      at,
      evseId: 1,
      connectorId: 1,
      status: "Available",
      original: "Available",
    },
  ];
}

/** Transaction 9 started on the charger's connector 1, with 1,000 Wh on its meter. */
function started(chargerId: string, when = at): BusEvent {
  return {
    type: "transaction.started",
    chargerId,
    at: when,
    transactionId: 9,
    chargerTransactionId: "9",
    evseId: 1,
    connectorId: 1,
    idTag: "TAG",
    meterStartWh: 1000,
    startedAt: when,
  };
}

Deno.test("fleet state: a new charger joins from its events, in natural id order", () => {
  const fleet = new FleetState();
  fleet.load([]);
  for (const id of ["CP-10", "CP-2"]) for (const e of session(id)) fleet.apply(e);
  assert.deepEqual(fleet.rows().map((r) => r.id), ["CP-2", "CP-10"]);
  const row = fleet.row("CP-2")!;
  assert.equal(row.status, "Available");
  assert.equal(row.vendor, "Acme");
  assert.deepEqual(fleet.counts(), { total: 2, online: 2, Available: 2 });
});

Deno.test("fleet state: a session's events drive status, energy, power and SoC", () => {
  const fleet = new FleetState();
  fleet.load([]);
  for (const e of session("A")) fleet.apply(e);
  const events: BusEvent[] = [
    started("A"),
    {
      type: "connector.status",
      chargerId: "A",
      at,
      evseId: 1,
      connectorId: 1,
      status: "Occupied",
      chargingState: "Charging",
      original: "Charging",
    },
    {
      type: "meter.values",
      chargerId: "A",
      at,
      evseId: 1,
      transactionId: 9,
      samples: [{ timestamp: at, energyWh: 1600, powerW: 11000, socPercent: 31 }],
    },
  ];
  for (const e of events) assert.equal(fleet.apply(e), true);
  const row = fleet.row("A")!;
  assert.equal(row.status, "Charging");
  assert.equal(row.powerW, 11000);
  assert.equal(row.socPercent, 31);
  assert.equal(row.transactions[0].energyWh, 600);
  fleet.apply({
    type: "transaction.stopped",
    chargerId: "A",
    at,
    transactionId: 9,
    chargerTransactionId: "9",
    evseId: 1,
    connectorId: 1,
    meterStopWh: 2000,
    energyWh: 1000,
    reason: "Remote",
    stoppedAt: at,
  });
  fleet.apply({
    type: "connector.status",
    chargerId: "A",
    at,
    evseId: 1,
    connectorId: 1,
    status: "Available",
    original: "Available",
  });
  assert.deepEqual(fleet.row("A")!.transactions, []);
  assert.equal(fleet.row("A")!.powerW, 0);
  fleet.apply({ type: "charger.disconnected", chargerId: "A", at, node: "n1", reason: "closed" });
  assert.equal(fleet.row("A")!.status, "Offline");
  assert.deepEqual(fleet.counts(), { total: 1, online: 0, Offline: 1 });
});

Deno.test("fleet state: frames and commands do not touch the fleet view", () => {
  const fleet = new FleetState();
  fleet.load([{ id: "A", online: true, connectors: [], activeTransactions: [] }]);
  const frame: BusEvent = {
    type: "ocpp.frame",
    chargerId: "A",
    at,
    direction: "in",
    messageType: 2,
    messageId: "1",
    action: "Heartbeat",
    text: '[2,"1","Heartbeat",{}]',
  };
  assert.equal(fleet.apply(frame), false);
  assert.equal(fleet.summary("A")!.lastSeenAt, at); // but it is seen
  // A frame of an unknown charger does not add it.
  assert.equal(fleet.apply({ ...frame, chargerId: "B" }), false);
  assert.equal(fleet.size, 1);
});

Deno.test("fleet state: a refused connection neither adds a charger nor changes a known one", () => {
  const fleet = new FleetState();
  fleet.load([{ id: "A", online: false, connectors: [], activeTransactions: [] }]);
  const before = fleet.row("A");
  for (const chargerId of ["A", "STRANGER"]) {
    const refused: BusEvent = {
      type: "charger.refused",
      chargerId,
      at,
      remoteAddress: "192.0.2.7",
      reason: "bad-credentials",
      status: 401,
    };
    assert.equal(fleet.apply(refused), false);
  }
  assert.equal(fleet.size, 1);
  assert.equal(fleet.row("A"), before);
  assert.equal(fleet.summary("A")!.lastSeenAt, undefined, "a refused charger was not seen");
});

Deno.test("fleet state: replaying an event the loaded list already reflects changes nothing visible", () => {
  const fleet = new FleetState();
  for (const e of session("A")) fleet.apply(e);
  const before = fleet.row("A");
  fleet.load([fleet.summary("A")!]);
  for (const e of session("A")) fleet.apply(e);
  assert.deepEqual(fleet.row("A"), before);
});

Deno.test("fleet state: a late disconnect from a node the charger has left does not take it offline", () => {
  const fleet = new FleetState();
  fleet.load([{ id: "A", online: true, node: "n1", connectors: [], activeTransactions: [] }]);
  fleet.apply({ type: "charger.connected", chargerId: "A", at, protocol: "ocpp1.6", node: "n2" });
  fleet.apply({ type: "charger.disconnected", chargerId: "A", at, node: "n1", reason: "replaced" });
  assert.equal(fleet.row("A")!.online, true);
  assert.equal(fleet.summary("A")!.node, "n2");
  fleet.apply({ type: "charger.disconnected", chargerId: "A", at, node: "n2", reason: "closed" });
  assert.equal(fleet.row("A")!.online, false);
  assert.equal(fleet.summary("A")!.node, undefined);
});

Deno.test("fleet state: a row read late is the row read at once, last-seen time and counts included", () => {
  const times = Array.from({ length: 8 }, (_, i) => `2024-05-01T10:00:0${i}.000Z`);
  const frame = (chargerId: string, t: string): BusEvent => ({
    type: "ocpp.frame",
    chargerId,
    at: t,
    direction: "in",
    messageType: 2,
    messageId: t,
    action: "MeterValues",
    text: "[]",
  });
  const meter = (chargerId: string, t: string, energyWh: number): BusEvent => ({
    type: "meter.values",
    chargerId,
    at: t,
    evseId: 1,
    transactionId: 9,
    samples: [{ timestamp: t, energyWh, powerW: 7000 + energyWh, socPercent: energyWh / 100 }],
  });
  const events: BusEvent[] = [
    ...session("A").map((e) => ({ ...e, at: times[0] })),
    ...session("B").map((e) => ({ ...e, at: times[0] })),
    started("A", times[1]),
    {
      type: "connector.status",
      chargerId: "A",
      at: times[1],
      evseId: 1,
      connectorId: 1,
      status: "Occupied",
      chargingState: "Charging",
      original: "Charging",
    },
    frame("A", times[2]),
    meter("A", times[2], 1500),
    frame("A", times[3]),
    meter("A", times[3], 1800),
    frame("B", times[4]),
    { type: "charger.disconnected", chargerId: "B", at: times[5], node: "n1", reason: "closed" },
    frame("A", times[6]),
  ];
  const eager = new FleetState();
  const lazy = new FleetState();
  eager.load([]);
  lazy.load([]);
  for (const e of events) {
    assert.equal(lazy.apply(e), eager.apply(e));
    for (const id of ["A", "B"]) eager.row(id);
    eager.counts();
  }
  assert.deepEqual(lazy.rows(), eager.rows());
  assert.equal(
    lazy.row("A")!.lastSeenAt,
    times[3],
    "the time of the row's last change, not of a frame since",
  );
  assert.equal(lazy.row("A")!.transactions[0].energyWh, 800);
  assert.deepEqual(lazy.counts(), { total: 2, online: 1, Charging: 1, Offline: 1 });
});

Deno.test("fleet state: meter values folded in place give applyEvent's summary, and change nothing handed in or out", () => {
  const loaded = [...session("A"), started("A")].reduce(applyEvent, emptySummary("A"));
  const listed = structuredClone(loaded);
  const fleet = new FleetState();
  fleet.load([loaded]);
  const held = fleet.copy("A")!;
  const heldBefore = structuredClone(held);
  const meters: MeterValuesReceived[] = [1200, 1500].map((energyWh, i) => ({
    type: "meter.values" as const,
    chargerId: "A",
    at: `2024-05-01T10:00:0${i + 1}.000Z`,
    evseId: 1,
    transactionId: 9,
    samples: [{ timestamp: at, energyWh, powerW: 11000 }],
  }));
  const noSample: BusEvent = { ...meters[0], samples: [] };
  assert.equal(fleet.apply(noSample), false);
  for (const e of meters) assert.equal(fleet.apply(e), true);
  assert.deepEqual(fleet.summary("A"), meters.reduce(applyEvent, loaded));
  assert.equal(fleet.row("A")!.transactions[0].energyWh, 500);
  assert.deepEqual(loaded, listed, "the loaded list is not changed");
  assert.deepEqual(held, heldBefore, "a copy handed out is not changed");
});
