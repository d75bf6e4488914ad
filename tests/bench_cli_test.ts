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
  for (const word of ["connections", "throughput", "latency", "--quick"]) {
    assert.ok(r.stdout.includes(word), word);
  }
});
