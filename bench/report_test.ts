import assert from "node:assert/strict";
import { judgeTargets, table } from "./report.ts";
import type { ConnectionsResult } from "./connections.ts";

const summary = { count: 1, p50: 1, p90: 1, p99: 1, max: 1, mean: 1 };
const connections = (held: number, perConnectionKiB: number): ConnectionsResult => ({
  server: "chargewire",
  requested: 10_000,
  booted: held,
  held,
  failed: 10_000 - held,
  drivers: 2,
  connectMs: 1000,
  connectsPerSecond: held,
  setup: summary,
  rssIdleKiB: 1,
  rssStepsKiB: [],
  rssHeldKiB: 1,
  rssPeakKiB: 1,
  perConnectionKiB,
  marginalKiB: perConnectionKiB,
  errors: {},
});

Deno.test("judgeTargets: held chargers and memory per connection against the issue's targets", () => {
  const met = judgeTargets({ connections: { chargewire: connections(10_000, 15.9) } });
  assert.deepEqual(met.map((t) => t.status), ["met", "met"]);
  const missed = judgeTargets({ connections: { chargewire: connections(9_999, 16.1) } });
  assert.deepEqual(missed.map((t) => t.status), ["missed", "missed"]);
  const small = judgeTargets({ connections: { chargewire: { ...connections(1000, 10), requested: 1000 } } });
  assert.equal(small[0].status, "not judged");
  const quick = judgeTargets({ connections: { chargewire: connections(10_000, 10) } }, true);
  assert.deepEqual(quick.map((t) => t.status), ["not judged", "not judged"]);
});

Deno.test("table aligns columns and right-aligns numbers", () => {
  const t = table(["name", "n"], [["a", 5], ["bbb", 1234]]);
  assert.equal(t, "name      n\n----  -----\na         5\nbbb   1,234");
});
