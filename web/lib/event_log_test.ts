import assert from "node:assert/strict";
import { eventsQuery, liveEntry, matchesFilter, summarize } from "./event_log.ts";

Deno.test("event log: a filter by charger and type prefix", () => {
  const e = { chargerId: "CP-1", type: "security.event" };
  assert.ok(matchesFilter(e, {}));
  assert.ok(matchesFilter(e, { chargerId: "CP-1", type: "security." }));
  assert.ok(!matchesFilter(e, { chargerId: "CP-2" }));
  assert.ok(!matchesFilter(e, { type: "transaction." }));
});

Deno.test("event log: a live security event reads as the stored entry will", () => {
  const entry = liveEntry({
    type: "security.event",
    chargerId: "CP-1",
    at: "2026-01-01T00:00:01Z",
    eventType: "InvalidChargePointCertificate",
    timestamp: "2026-01-01T00:00:00Z",
    techInfo: "not signed by the next",
  }, -1);
  assert.deepEqual(entry, {
    id: -1,
    at: "2026-01-01T00:00:01Z",
    chargerId: "CP-1",
    type: "security.event",
    data: {
      eventType: "InvalidChargePointCertificate",
      timestamp: "2026-01-01T00:00:00Z",
      techInfo: "not signed by the next",
    },
  });
  assert.equal(summarize(entry), "InvalidChargePointCertificate: not signed by the next");
  assert.equal(
    summarize({ type: "firmware.status", data: { status: "Downloading", nested: {} } }),
    "status=Downloading",
  );
});

Deno.test("event log: the REST query of a filter and page", () => {
  assert.equal(
    eventsQuery({ chargerId: "CP 1", type: "security." }, 50, 9),
    "chargerId=CP+1&type=security.&beforeId=9&limit=50",
  );
  assert.equal(eventsQuery({}, 100), "limit=100");
});
