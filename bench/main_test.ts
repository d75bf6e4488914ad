/** The bench's command line: options parse to the documented defaults, and a bad flag fails in one line. */
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

async function runBench(...args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("./main.ts", import.meta.url).pathname, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  };
}

Deno.test("bench CLI: an unknown flag or bad value is one line on stderr and exit code 2", async () => {
  for (const args of [["--bogus"], ["--only", "nope"], ["--connections", "ten"], ["--duration", "-1"]]) {
    const r = await runBench(...args);
    assert.equal(r.code, 2, `${args.join(" ")}: exit code`);
    assert.equal(r.stdout, "");
    assert.equal(r.stderr.trim().split("\n").length, 1, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, /^bench: /);
  }
});

Deno.test("bench CLI: --help prints the scenarios and exits 0", async () => {
  const r = await runBench("--help");
  assert.equal(r.code, 0);
  for (const word of ["connections", "throughput", "latency", "--quick"]) {
    assert.ok(r.stdout.includes(word), word);
  }
});
