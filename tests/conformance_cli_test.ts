/**
 * The conformance command as a person meets it: a wrong flag is one line and exit code 2; without
 * --chargewire-api a case that needs the CSMS to act prints what to do and, when nobody does it within
 * --action-timeout, ends inconclusive (exit code 1, an <error> in junit.xml).
 */
import assert from "node:assert/strict";
import { ConformanceProcess } from "./conformance_support.ts";
import { ROOT, startSystem } from "./web_support.ts";

Deno.test("conformance: a wrong flag is one line on stderr and exit code 2", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      `${ROOT}conformance/main.ts`,
      "csms",
      "--url",
      "ws://127.0.0.1:1/ocpp",
      "--ocpp",
      "1.7",
    ],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 2);
  const stderr = new TextDecoder().decode(out.stderr).trim();
  assert.equal(stderr, "conformance: --ocpp must be 1.6 or 2.0.1 (got 1.7)");
  assert.equal(new TextDecoder().decode(out.stdout), "");
});

Deno.test("conformance csms without the REST API: prompts, and inconclusive when nobody acts in time", async () => {
  const sys = await startSystem();
  const dir = await Deno.makeTempDir({ prefix: "conformance_prompt_" });
  try {
    const run = await new ConformanceProcess([
      "csms",
      "--url",
      sys.csms.url,
      "--ocpp",
      "1.6",
      "--only",
      "TC_001_CS,TC_002_CS,TC_013_CS",
      "--action-timeout",
      "2",
    ], dir).finished();
    assert.equal(run.code, 1, run.stderr);
    assert.match(
      run.stderr,
      />> Make the CSMS answer BootNotification from station CW-CONFORMANCE with Pending, then press Enter/,
    );
    assert.match(
      run.stderr,
      />> Make the CSMS send Reset \{"type":"Hard"\} to station CW-CONFORMANCE \(waiting 2 s\)/,
    );
    const verdicts = run.report.results.map((r: { id: string; verdict: string }) => `${r.id} ${r.verdict}`);
    assert.deepEqual(verdicts, ["TC_001_CS pass", "TC_002_CS inconclusive", "TC_013_CS inconclusive"]);
    assert.match(run.report.results[2].reason, /no Reset from the CSMS within 2000 ms/);
    const junit = await Deno.readTextFile(`${dir}/junit.xml`);
    assert.match(junit, /tests="3" failures="0" errors="2" skipped="0"/);
    assert.match(run.stdout, /1 passed, 0 failed, 0 not applicable, 2 inconclusive/);
  } finally {
    await sys.close();
    await Deno.remove(dir, { recursive: true });
  }
});
