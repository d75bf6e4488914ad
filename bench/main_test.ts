/** The bench's options parse to the documented defaults (the CLI itself: tests/bench_cli_test.ts). */
import assert from "node:assert/strict";
import { parseBenchArgs } from "./main.ts";

Deno.test("bench options: full-size and --quick defaults", () => {
  const full = parseBenchArgs([]);
  assert.notEqual(full, "help");
  if (full === "help") return;
  assert.deepEqual(full.scenarios, ["connections", "throughput", "latency"]);
  assert.equal(full.connections.count, 10_000);
  assert.equal(full.connections.drivers, 2);
  assert.equal(full.throughput.chargers, 1000);
  assert.equal(full.latency.rate, 1000);

  const quick = parseBenchArgs(["--quick", "--only", "latency", "--rate", "50"]);
  if (quick === "help") throw new Error("unexpected help");
  assert.deepEqual(quick.scenarios, ["latency"]);
  assert.equal(quick.connections.count, 1000);
  assert.equal(quick.latency.rate, 50);
  assert.equal(quick.latency.durationMs, 3000);
  assert.equal(parseBenchArgs(["--help"]), "help");
});
