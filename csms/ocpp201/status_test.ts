import assert from "node:assert/strict";
import { CONNECTOR_STATUSES } from "../../shared/domain.ts";
import { statusReport201 } from "./status.ts";

Deno.test("2.0.1 status: every connector status is the neutral one, EVSE and connector kept, the original too", () => {
  for (const status of ["Available", "Occupied", "Reserved", "Unavailable", "Faulted"] as const) {
    const r = statusReport201({
      timestamp: "2026-01-01T00:00:00Z",
      connectorStatus: status,
      evseId: 2,
      connectorId: 3,
    });
    assert.ok(CONNECTOR_STATUSES.includes(r.status), status);
    assert.deepEqual(r, { evseId: 2, connectorId: 3, status, original: status });
  }
});
