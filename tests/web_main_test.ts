/**
 * `deno task dev` (main.ts) as a user runs it: a bad setting stops it with one
 * clear line; good settings start the CSMS and the portal, print both
 * addresses and the admin's generated password, serve the portal to whoever
 * signs in with it, and SIGTERM shuts it down cleanly.
 */
import assert from "node:assert/strict";
import { PortalSession, ROOT, waitFor } from "./web_support.ts";

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
  for (
    const [name, value] of [["WEB_PORT", "eighty"], ["CSMS_PORT", "99999"], ["ADMIN_PASSWORD", "short"], [
      "ALLOWED_ORIGINS",
      "not-an-origin",
    ]]
  ) {
    const out = await run({ [name]: value }).output();
    const stderr = new TextDecoder().decode(out.stderr).trim();
    assert.equal(out.code, 1, stderr);
    assert.equal(stderr.split("\n").length, 1, stderr);
    assert.match(stderr, new RegExp(`^chargewire: .*${name}`));
  }
});

Deno.test("main: starts CSMS and portal, prints both addresses and the admin password, serves the portal, stops on SIGTERM", async () => {
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
    // The CSMS node's id (NODE_ID, or generated at each start).
    assert.match(stdout, /CSMS node:\s+\S+/);
    // The password, printed where the portal's address is: the second step of the two.
    const password = stdout.match(/Sign in:\s+admin \/ (\S+)\s+\(generated now and shown only this once/)
      ?.[1];
    assert.ok(password, `a generated admin password; printed:\n${stdout}`);
    const locked = await fetch(`${portal}/`, { redirect: "manual" });
    assert.equal(locked.status, 303);
    assert.match(locked.headers.get("location") ?? "", /^\/login/);
    await locked.body?.cancel();

    const admin = await PortalSession.login(portal, "admin", password);
    const res = await admin.fetch("/");
    assert.equal(res.status, 200);
    assert.match(await res.text(), /<title>Fleet · Chargewire<\/title>/);
    assert.deepEqual(await admin.json("GET", "/api/v1/chargers"), {
      status: 200,
      body: { total: 0, items: [] },
    });
  } finally {
    child.kill("SIGTERM");
  }
  const status = await child.status;
  await reading;
  const err = await stderr;
  assert.equal(status.code, 0, `exit ${status.code}; stderr:\n${err}`);
  assert.match(stdout, /SIGTERM: shutting down/);

  // Started again on the same data, it prints no password: the first one stays, and was shown once.
  const again = await run({ WEB_PORT: "0", CSMS_PORT: "0", HOST: "127.0.0.1", DATA_DIR: dataDir }).spawn();
  let text = "";
  const reader = (async () => {
    for await (const chunk of again.stdout) text += decoder.decode(chunk, { stream: true });
  })();
  const errText = new Response(again.stderr).text();
  try {
    await waitFor(() => /Sign in:\s+(.*)/.exec(text)?.[1], () => `the sign-in line; printed:\n${text}`);
    assert.match(text, /Sign in:\s+with your portal user \(set ADMIN_PASSWORD to reset admin's password\)/);
  } finally {
    again.kill("SIGTERM");
  }
  assert.equal((await again.status).code, 0, await errText);
  await reader;
  await Deno.remove(dataDir, { recursive: true });
});
