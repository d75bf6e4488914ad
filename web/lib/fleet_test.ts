import assert from "node:assert/strict";
import type { ChargingState, ConnectorStatus } from "../../shared/domain.ts";
import type { ChargerSummary } from "../../shared/queries.ts";
import {
  compareIds,
  connectorStatus,
  countByStatus,
  FLEET_STATUSES,
  headlineStatus,
  queryFleet,
  toFleetRow,
} from "./fleet.ts";

const at = "2024-05-01T10:00:00.000Z";

/** A 1.6 word as the CSMS maps it (csms/ocpp16/status.ts): the neutral status and charging state. */
const NEUTRAL: Record<string, [ConnectorStatus, ChargingState?]> = {
  Available: ["Available"],
  Preparing: ["Occupied", "EVConnected"],
  Charging: ["Occupied", "Charging"],
  SuspendedEV: ["Occupied", "SuspendedEV"],
  SuspendedEVSE: ["Occupied", "SuspendedEVSE"],
  Finishing: ["Occupied", "EVConnected"],
  Reserved: ["Reserved"],
  Unavailable: ["Unavailable"],
  Faulted: ["Faulted"],
};

function charger(id: string, statuses: Array<[number, string]>, online = true): ChargerSummary {
  return {
    id,
    online,
    connectors: statuses.map(([evseId, original]) => {
      const [status, chargingState] = NEUTRAL[original];
      return {
        evseId,
        connectorId: evseId === 0 ? 0 : 1,
        status,
        ...(chargingState && { chargingState }),
        original,
        updatedAt: at,
      };
    }),
    activeTransactions: [],
  };
}

Deno.test("connector status: an occupied connector by its charging state, else its availability", () => {
  assert.equal(connectorStatus({ status: "Occupied", chargingState: "Charging" }), "Charging");
  assert.equal(connectorStatus({ status: "Occupied", chargingState: "SuspendedEV" }), "SuspendedEV");
  assert.equal(connectorStatus({ status: "Occupied", chargingState: "SuspendedEVSE" }), "SuspendedEVSE");
  assert.equal(connectorStatus({ status: "Occupied", chargingState: "EVConnected" }), "Occupied");
  assert.equal(connectorStatus({ status: "Occupied", chargingState: "Idle" }), "Occupied");
  assert.equal(connectorStatus({ status: "Occupied" }), "Occupied");
  // A charging state beside a status other than Occupied does not override it.
  assert.equal(connectorStatus({ status: "Faulted", chargingState: "Charging" }), "Faulted");
  for (const s of ["Available", "Reserved", "Unavailable", "Faulted"] as const) {
    assert.equal(connectorStatus({ status: s }), s);
  }
  assert.ok(FLEET_STATUSES.includes("Offline") && FLEET_STATUSES.includes("Unknown"));
});

Deno.test("headline status: offline wins, then the most pressing connector", () => {
  assert.equal(headlineStatus(charger("a", [[1, "Charging"]], false)), "Offline");
  assert.equal(headlineStatus(charger("a", [[1, "Available"], [2, "Charging"]])), "Charging");
  assert.equal(headlineStatus(charger("a", [[1, "Charging"], [2, "Faulted"]])), "Faulted");
  assert.equal(headlineStatus(charger("a", [[0, "Available"], [1, "Preparing"]])), "Occupied");
  assert.equal(headlineStatus(charger("a", [[1, "Finishing"], [2, "SuspendedEV"]])), "SuspendedEV");
  assert.equal(headlineStatus(charger("a", [[1, "Available"], [2, "Finishing"]])), "Occupied");
  assert.equal(headlineStatus(charger("a", [[0, "Faulted"], [1, "Charging"]])), "Faulted");
  assert.equal(headlineStatus(charger("a", [[0, "Unavailable"], [1, "Available"]])), "Unavailable");
  assert.equal(headlineStatus(charger("a", [[0, "Available"]])), "Available");
  assert.equal(headlineStatus(charger("a", [])), "Unknown");
});

Deno.test("fleet row: power and SoC only while a transaction runs", () => {
  const idle = {
    ...charger("a", [[1, "Available"]]),
    lastSample: { timestamp: at, powerW: 7000, socPercent: 50, evseId: 1 },
  };
  assert.equal(toFleetRow(idle).powerW, 0);
  assert.equal(toFleetRow(idle).socPercent, undefined);
  const busy: ChargerSummary = {
    ...idle,
    activeTransactions: [{
      id: 7,
      chargerTransactionId: "7",
      chargerId: "a",
      evseId: 1,
      connectorId: 1,
      idTag: "T",
      meterStartWh: 0,
      startedAt: at,
      energyWh: 1500,
    }],
  };
  const row = toFleetRow(busy);
  assert.equal(row.powerW, 7000);
  assert.equal(row.socPercent, 50);
  assert.deepEqual(row.transactions, [{ id: 7, evseId: 1, idTag: "T", startedAt: at, energyWh: 1500 }]);
  assert.deepEqual(row.connectors, [{
    evseId: 1,
    connectorId: 1,
    status: "Available",
    original: "Available",
  }]);
  const faulty = toFleetRow({
    ...busy,
    connectors: [{
      ...busy.connectors[0],
      status: "Faulted",
      errorCode: "GroundFailure",
      original: "Faulted",
    }],
  });
  assert.deepEqual(faulty.connectors, [{
    evseId: 1,
    connectorId: 1,
    status: "Faulted",
    original: "Faulted",
    errorCode: "GroundFailure",
  }]);
});

Deno.test("counts by status add up to the total", () => {
  const rows = [
    charger("a", [[1, "Available"]]),
    charger("b", [[1, "Charging"]]),
    charger("c", [[1, "Charging"]]),
    charger("d", [[1, "Charging"]], false),
  ].map(toFleetRow);
  assert.deepEqual(countByStatus(rows), { total: 4, online: 3, Available: 1, Charging: 2, Offline: 1 });
});

Deno.test("query: search, filter and pages over 10,000 rows return one page only", () => {
  const rows = Array.from(
    { length: 10_000 },
    (_, i) => toFleetRow(charger(`CP-${i + 1}`, [[1, i % 3 === 0 ? "Charging" : "Available"]])),
  ).sort((a, b) => compareIds(a.id, b.id));
  const first = queryFleet(rows, { pageSize: 50 });
  assert.equal(first.rows.length, 50);
  assert.equal(first.matching, 10_000);
  assert.equal(first.pages, 200);
  assert.equal(first.rows[0].id, "CP-1");
  assert.equal(first.rows[1].id, "CP-2"); // natural order: CP-2 before CP-10
  const charging = queryFleet(rows, { status: "Charging", pageSize: 50, page: 2 });
  assert.equal(charging.matching, 3334);
  assert.ok(charging.rows.every((r) => r.status === "Charging"));
  assert.equal(charging.page, 2);
  const found = queryFleet(rows, { search: "cp-9999" });
  assert.deepEqual(found.rows.map((r) => r.id), ["CP-9999"]);
  const beyond = queryFleet(rows, { page: 999, pageSize: 50 });
  assert.equal(beyond.page, 200); // clamped to the last page
  assert.deepEqual(queryFleet(rows, { search: "nothing" }), { rows: [], matching: 0, page: 1, pages: 1 });
});
