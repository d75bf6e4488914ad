import assert from "node:assert/strict";
import type { TransactionRecord } from "../../shared/queries.ts";
import { describeEnd, describeReportedStop, describeStale, transactionsPageHref } from "./transactions.ts";

const base: TransactionRecord = {
  id: 7,
  chargerTransactionId: "7",
  chargerId: "CP",
  evseId: 1,
  connectorId: 1,
  idTag: "T",
  meterStartWh: 0,
  startedAt: "2026-01-01T10:00:00Z",
  energyWh: 0,
};
const stopped = { ...base, stoppedAt: "2026-01-01T11:00:00Z" };

Deno.test("transactions: how an end reads — the charger's reason, superseded, closed by hand", () => {
  assert.equal(describeEnd(base), "");
  assert.equal(describeEnd({ ...stopped, stopReason: "EVDisconnected" }), "EVDisconnected");
  assert.equal(describeEnd(stopped), "—");
  assert.equal(describeEnd({ ...stopped, stopReason: "Superseded", supersededBy: 12 }), "Superseded by #12");
  assert.equal(
    describeEnd({ ...stopped, stopReason: "ClosedByOperator", closedBy: "olga", closeReason: "cable cut" }),
    "ClosedByOperator by olga: cable cut",
  );
  assert.equal(
    describeEnd({ ...stopped, stopReason: "ClosedByOperator", closedBy: "token:ci" }),
    "ClosedByOperator by token:ci",
  );
});

Deno.test("transactions: a late stop from the charger and staleness read for people", () => {
  assert.equal(describeReportedStop(stopped), "");
  assert.equal(
    describeReportedStop({
      ...stopped,
      reportedStop: { meterStopWh: 2600, stoppedAt: "x", reason: "Local" },
    }),
    "charger reported its stop later: Local, meter 2.60 kWh",
  );
  const now = Date.parse("2026-01-01T12:05:00Z");
  assert.equal(describeStale(base, now), "");
  assert.equal(
    describeStale({ ...base, stale: { cause: "ChargerOffline", since: "2026-01-01T10:00:00Z" } }, now),
    "charger offline 2 h 05 min",
  );
  assert.equal(
    describeStale({ ...base, stale: { cause: "ConnectorAvailable", since: "2026-01-01T12:04:00Z" } }, now),
    "connector Available 1 min 00 s",
  );
});

Deno.test("transactions: the page's address keeps the charger and the stale filter", () => {
  assert.equal(transactionsPageHref(1, null, false), "/transactions");
  assert.equal(transactionsPageHref(2, "CP 1", true), "/transactions?charger=CP+1&stale=1&page=2");
});
