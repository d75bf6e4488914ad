import assert from "node:assert/strict";
import { staleness, supersededStopTime } from "./orphans.ts";

Deno.test("orphans: a superseded transaction stops when the next one started, never before its own start", () => {
  assert.equal(
    supersededStopTime("2026-01-01T10:00:00Z", "2026-01-01T11:00:00Z"),
    "2026-01-01T11:00:00Z",
  );
  assert.equal(
    supersededStopTime("2026-01-01T10:00:00Z", "2025-12-31T09:00:00Z"),
    "2026-01-01T10:00:00Z",
  );
});

Deno.test("orphans: stale when the charger is offline or the connector Available for long enough", () => {
  const now = Date.parse("2026-01-01T12:00:00Z");
  const hour = 3_600_000;
  const started = "2026-01-01T08:00:00Z";
  const charging = { status: "Occupied" as const, updatedAt: "2026-01-01T08:00:00Z" };
  const available = { status: "Available" as const, updatedAt: "2026-01-01T11:00:00Z" };

  assert.equal(staleness({ online: true, connector: charging }, started, now, 0), undefined);
  assert.equal(staleness({ online: true }, started, now, 0), undefined, "no status reported: not a sign");

  assert.deepEqual(
    staleness(
      { online: false, lastSeenAt: "2026-01-01T10:00:00Z", connector: available },
      started,
      now,
      hour,
    ),
    { cause: "ChargerOffline", since: "2026-01-01T10:00:00Z" },
  );
  assert.equal(
    staleness({ online: false, lastSeenAt: "2026-01-01T11:30:00Z" }, started, now, hour),
    undefined,
    "offline for half an hour of the hour",
  );
  assert.deepEqual(staleness({ online: false }, started, now, hour), {
    cause: "ChargerOffline",
    since: started,
  });

  assert.deepEqual(staleness({ online: true, connector: available }, started, now, hour), {
    cause: "ConnectorAvailable",
    since: "2026-01-01T11:00:00Z",
  });
  assert.equal(staleness({ online: true, connector: available }, started, now, 2 * hour), undefined);
  // 0 flags at once.
  assert.equal(
    staleness(
      { online: true, connector: { ...available, updatedAt: "2026-01-01T12:00:00Z" } },
      started,
      now,
      0,
    )
      ?.cause,
    "ConnectorAvailable",
  );
  assert.equal(
    staleness({ online: false, lastSeenAt: "garbage" }, started, now, hour)?.cause,
    "ChargerOffline",
  );
});
