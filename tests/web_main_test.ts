/**
 * `deno task dev` (main.ts) as a user runs it: a bad setting stops it with one
 * clear line; good settings start the CSMS and the portal, print both
 * addresses, serve the portal, and SIGTERM shuts it down cleanly.
 */
import assert from "node:assert/strict";
import { ROOT, waitFor } from "./web_support.ts";

function run(env: Record<string, string>) {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${ROOT}main.ts`],
    cwd: ROOT,
    env: { NO_COLOR: "1", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  });
}

Deno.test("main: an invalid setting prints one line naming it and exits 1", async () => {
  for (const [name, value] of [["WEB_PORT", "eighty"], ["CSMS_PORT", "99999"]]) {
    const out = await run({ [name]: value }).output();
    const stderr = new TextDecoder().decode(out.stderr).trim();
    assert.equal(out.code, 1, stderr);
    assert.equal(stderr.split("\n").length, 1, stderr);
    assert.match(stderr, new RegExp(`^chargewire: .*${name}`));
  }
});

Deno.test("main: starts CSMS and portal, prints both addresses, serves the portal, stops on SIGTERM", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "chargewire_main_test_" });
  const child = run({ WEB_PORT: "0", CSMS_PORT: "0", HOST: "127.0.0.1", DATA_DIR: dataDir }).spawn();
  let stdout = "";
  const decoder = new TextDecoder();
  const reading = (async () => {
    for await (const chunk of child.stdout) stdout += decoder.decode(chunk, { stream: true });
  })();
  const stderr = new Response(child.stderr).text();
  try {
    const portal = await waitFor(
      () => stdout.match(/Portal:\s+(http:\/\/127\.0\.0\.1:\d+)/)?.[1],
      () => `the portal address; printed:\n${stdout}`,
    );
    assert.match(stdout, /OCPP endpoint:\s+ws:\/\/127\.0\.0\.1:\d+\/ocpp\/\{chargePointId\}/);
    const res = await fetch(`${portal}/`);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /<title>Fleet · Chargewire<\/title>/);
    const api = await fetch(`${portal}/api/v1/chargers`);
    assert.deepEqual(await api.json(), { total: 0, items: [] });
  } finally {
    child.kill("SIGTERM");
  }
  const status = await child.status;
  await reading;
  const err = await stderr;
  assert.equal(status.code, 0, `exit ${status.code}; stderr:\n${err}`);
  assert.match(stdout, /SIGTERM: shutting down/);
  await Deno.remove(dataDir, { recursive: true });
});
