/** The bench's options parse to the documented defaults (the CLI itself: tests/bench_cli_test.ts). */
import assert from "node:assert/strict";
import { parseBenchArgs } from "./main.ts";

Deno.test("bench options: full-size and --quick defaults", () => {
  const full = parseBenchArgs([]);
  assert.notEqual(full, "help");
  if (full === "help") return;
  assert.deepEqual(full.scenarios, ["connections", "throughput", "workers", "latency", "cluster"]);
  assert.deepEqual(
    full.workers.loops,
    Array.from({ length: navigator.hardwareConcurrency }, (_, i) => i + 1),
    "1 loop to one per core",
  );
  assert.equal(full.cluster.nodes, 2);
  assert.equal(full.cluster.connections.count, 10_000);
  assert.equal(full.cluster.throughput.chargers, 1000);
  assert.equal(full.cluster.throughput.rounds, 1);
  assert.equal(full.connections.count, 10_000);
  assert.equal(full.connections.drivers, 2);
  assert.equal(full.throughput.chargers, 1000);
  assert.equal(full.throughput.rounds, 3, "medians of three alternating rounds");
  assert.equal(full.latency.rate, 1000);

  const quick = parseBenchArgs(["--quick", "--only", "latency", "--rate", "50"]);
  if (quick === "help") throw new Error("unexpected help");
  assert.deepEqual(quick.scenarios, ["latency"]);
  assert.equal(quick.connections.count, 500);
  assert.equal(quick.throughput.rounds, 1);
  assert.equal(quick.latency.rate, 50);
  assert.equal(quick.latency.durationMs, 3000);
  assert.equal(parseBenchArgs(["--help"]), "help");

  const cluster = parseBenchArgs(["--quick", "--only", "throughput,cluster", "--nodes", "3"]);
  if (cluster === "help") throw new Error("unexpected help");
  assert.deepEqual(cluster.scenarios, ["throughput", "cluster"]);
  assert.equal(cluster.cluster.nodes, 3);
  assert.equal(cluster.cluster.connections.count, 500);
  assert.equal(cluster.cluster.throughput.chargers, 200);
  assert.equal(cluster.cluster.throughput.durationMs, 3000);
  assert.throws(() => parseBenchArgs(["--nodes", "0"]), /--nodes must be a positive integer/);
  const workers = parseBenchArgs(["--only", "workers", "--workers", "4, 1,2,2"]);
  if (workers === "help") throw new Error("unexpected help");
  assert.deepEqual(workers.workers.loops, [1, 2, 4]);
  assert.throws(() => parseBenchArgs(["--workers", "0,2"]), /--workers must be a comma-separated list/);
});

Deno.test("bench options: scale only by name, 50,000 over 5 nodes, quick small, its bounds checked", () => {
  const full = parseBenchArgs(["--only", "scale"]);
  if (full === "help") throw new Error("unexpected help");
  assert.deepEqual(full.scenarios, ["scale"]);
  assert.equal(full.scale.chargers, 50_000);
  assert.equal(full.scale.nodes, 5);
  assert.equal(full.scale.autoPct, 25);
  assert.equal(full.scale.holdMs, 180_000);
  const quick = parseBenchArgs(["--quick", "--only", "scale", "--auto-share", "0"]);
  if (quick === "help") throw new Error("unexpected help");
  assert.equal(quick.scale.chargers, 1000);
  assert.equal(quick.scale.nodes, 2);
  assert.equal(quick.scale.autoPct, 0);
  const sized = parseBenchArgs([
    "--only",
    "scale",
    "--scale-chargers",
    "20000",
    "--nodes",
    "4",
    "--hold",
    "60",
  ]);
  if (sized === "help") throw new Error("unexpected help");
  assert.deepEqual([sized.scale.chargers, sized.scale.nodes, sized.scale.holdMs], [20_000, 4, 60_000]);
  assert.throws(() => parseBenchArgs(["--auto-share", "101"]), /--auto-share must be a whole percentage/);
  assert.throws(() => parseBenchArgs(["--auto-share", "2.5"]), /--auto-share must be a whole percentage/);
  assert.throws(() => parseBenchArgs(["--hold", "5"]), /--hold must be at least 11 seconds/);
});
