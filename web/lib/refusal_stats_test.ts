import assert from "node:assert/strict";
import type { ChargerRefused } from "../../shared/events.ts";
import { RefusalCounter } from "./refusal_stats.ts";

const refused = (chargerId: string, reason: ChargerRefused["reason"]): ChargerRefused => ({
  type: "charger.refused",
  chargerId,
  at: "2026-01-01T00:00:00.000Z",
  remoteAddress: "192.0.2.1",
  reason,
  status: 401,
});

Deno.test("refusal stats: counted in all and by reason, since the counter started", () => {
  const counter = new RefusalCounter(Date.UTC(2026, 0, 1));
  assert.deepEqual(counter.stats(), { total: 0, byReason: {}, since: "2026-01-01T00:00:00.000Z" });
  counter.add(refused("A", "unknown-id"));
  counter.add(refused("B", "unknown-id"));
  counter.add(refused("A", "bad-credentials"));
  const stats = counter.stats();
  assert.deepEqual(stats, {
    total: 3,
    byReason: { "unknown-id": 2, "bad-credentials": 1 },
    since: "2026-01-01T00:00:00.000Z",
  });
  // A copy: what was handed out does not change under the caller.
  counter.add(refused("C", "rate-limited"));
  assert.equal(stats.total, 3);
  assert.ok(!("rate-limited" in stats.byReason));
  assert.equal(counter.stats().byReason["rate-limited"], 1);
});
