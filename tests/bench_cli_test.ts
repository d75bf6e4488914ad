/** The bench's command line as a user runs it: a bad flag fails in one line, --help lists the scenarios. */
import assert from "node:assert/strict";

async function runBench(...args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("../bench/main.ts", import.meta.url).pathname, ...args],
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
  for (const word of ["connections", "throughput", "workers", "latency", "--quick"]) {
    assert.ok(r.stdout.includes(word), word);
  }
});

Deno.test("bench CLI: a tiny run compares chargewire with the peer, bare Deno and bare Node, and its JSON line parses", async () => {
  const r = await runBench(
    ...["--only", "connections,throughput,workers", "--quick", "--connections", "40", "--drivers", "1"],
    ...["--workers", "1,2"],
    ...["--chargers", "20", "--warmup", "0.5", "--duration", "1", "--rounds", "1"],
  );
  assert.equal(r.code, 0, r.stderr.slice(-2000));
  const last = r.stdout.trim().split("\n").pop()!;
  const report = JSON.parse(last);
  assert.equal(report.bench, "chargewire");
  const servers = ["chargewire", "bare", "peer", "node"];
  // Where there is no node (set NODE to point at it), the two Node references are reported as skipped.
  const expected = servers.filter((s) => !report.skipped[`throughput/${s}`]);
  assert.ok(expected.includes("chargewire") && expected.includes("bare"));
  assert.deepEqual(Object.keys(report.results.throughput.servers).sort(), [...expected].sort());
  assert.deepEqual(Object.keys(report.results.connections).sort(), [...expected].sort());
  for (const s of expected) {
    const m = report.results.throughput.servers[s];
    assert.equal(m.rounds, 1, s);
    assert.ok(m.run.answered > 0 && m.run.callErrors === 0, `${s}: ${JSON.stringify(m.run)}`);
    assert.equal(report.results.connections[s].held, 40, s);
  }
  if (expected.includes("peer")) {
    assert.equal(typeof report.results.throughput.ratios.rateVsPeer, "number");
    assert.match(r.stdout, /^ocpp-rpc peer \(Node\)\s+1\s+[\d,]+\s+[\d.]+×/m);
  }
  assert.match(r.stdout, /^server \(medians\)/m);
  // The scaling table: one row per CSMS_WORKERS count, each loaded and answered.
  assert.deepEqual(report.results.workers.rows.map((w: { loops: number }) => w.loops), [1, 2]);
  for (const w of report.results.workers.rows) {
    assert.ok(w.answeredPerSecond > 0 && w.run.callErrors === 0, JSON.stringify(w.run));
  }
  assert.equal(report.results.workers.rows[0].speedup, 1);
  assert.match(r.stdout, /^\s+2\s+1\s+[\d,]+\s+[\d.]+\s+/m, "the 2-loop row");
  assert.match(r.stdout, /^chargewire\s+40\s+[\d.-]+\s+[\d.-]+\s+[\d.-]+$/m, "memory table row");
});
