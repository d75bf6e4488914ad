/**
 * The conformance runner against Chargewire's own parts, through its command line: csms mode against a
 * real CSMS driven over its REST API (unattended), charger mode against the real simulator. Every case
 * must pass or be not applicable with a reason; the reports must be there and well-formed.
 */
import assert from "node:assert/strict";
import { freePort } from "./ports.ts";
import { ConformanceProcess, notGreen } from "./conformance_support.ts";
import { HAS_OPENSSL, makeTestCertificates } from "./csms_support.ts";
import { ADMIN_PASSWORD, ChargerProcess, startSystem } from "./web_support.ts";

for (const ocpp of ["1.6", "2.0.1"] as const) {
  Deno.test(`conformance csms --ocpp ${ocpp} against Chargewire's CSMS, unattended over REST: all green`, async () => {
    const sys = await startSystem({ HEARTBEAT_INTERVAL: "5", BOOT_RETRY_INTERVAL: "5" });
    const dir = await Deno.makeTempDir({ prefix: "conformance_csms_" });
    try {
      const admin = await sys.login();
      const token =
        (await admin.json("POST", "/api/v1/tokens", { name: "conformance", role: "admin" })).body.token;
      const id = `CONF-${ocpp}`;
      // Registered with security profile 1, so that the profile-1 case runs with the key.
      const reg = await admin.json("PUT", `/api/v1/registrations/${id}`, { securityProfile: 1 });
      assert.equal(reg.status, 201);
      const run = await new ConformanceProcess([
        "csms",
        "--url",
        sys.csms.url,
        "--ocpp",
        ocpp,
        "--id",
        id,
        "--password",
        reg.body.authorizationKey,
        "--chargewire-api",
        sys.web.url,
        "--token",
        token,
      ], dir).finished();
      assert.ok(run.report, `no report.json; stderr:\n${run.stderr}`);
      assert.deepEqual(notGreen(run.report), [], run.stderr);
      assert.equal(run.code, 0);
      const byId = new Map(run.report.results.map((r: { id: string; verdict: string }) => [r.id, r]));
      const sp1 = ocpp === "1.6" ? "CW_SECURITY_PROFILE_1_CS" : "CW_A_SECURITY_PROFILE_1_CSMS";
      assert.equal((byId.get(sp1) as { verdict: string }).verdict, "pass");
      assert.ok(run.report.results.length >= 20);
      assert.ok(
        run.report.results.every((r: { frames: unknown[]; verdict: string }) =>
          r.verdict !== "pass" || r.frames.length > 0
        ),
      );
      assert.match(run.stdout, / passed, 0 failed, \d+ not applicable, 0 inconclusive/);
      const html = await Deno.readTextFile(`${dir}/report.html`);
      assert.match(html, /^<!doctype html>/);
      assert.doesNotMatch(html, /<script|<link /);
      const junit = await Deno.readTextFile(`${dir}/junit.xml`);
      assert.match(
        junit,
        new RegExp(
          `<testsuite name="conformance.csms.ocpp${
            ocpp.replaceAll(".", "\\.")
          }" tests="${run.report.results.length}" failures="0" errors="0"`,
        ),
      );
    } finally {
      await sys.close();
      await Deno.remove(dir, { recursive: true });
    }
  });

  Deno.test(`conformance charger --ocpp ${ocpp} against Chargewire's simulator: all green`, async () => {
    const dir = await Deno.makeTempDir({ prefix: "conformance_charger_" });
    const port = freePort();
    const conformance = new ConformanceProcess(
      [
        "charger",
        "--host",
        "127.0.0.1",
        "--port",
        String(port),
        "--ocpp",
        ocpp,
        "--heartbeat",
        "1",
        "--action-timeout",
        "30",
      ],
      dir,
    );
    await conformance.listening;
    const charger = new ChargerProcess("SIM-CONF", `ws://127.0.0.1:${port}/ocpp`, ["--ocpp", ocpp]);
    try {
      const run = await conformance.finished();
      assert.ok(run.report, `no report.json; stderr:\n${run.stderr}`);
      assert.deepEqual(notGreen(run.report), [], `${run.stderr}\n--- charger:\n${charger.tail()}`);
      assert.equal(run.code, 0);
      assert.equal(run.report.target, "charger SIM-CONF");
      const heartbeat = run.report.results.find((r: { id: string }) => r.id.includes("HEARTBEAT_INTERVAL"));
      assert.equal(heartbeat.verdict, "pass");
    } finally {
      await charger.stop();
      await Deno.remove(dir, { recursive: true });
    }
  });
}

Deno.test("conformance csms: security profile 2 (TLS and Basic auth) against Chargewire's CSMS over wss://", async () => {
  if (!HAS_OPENSSL) {
    console.log("skipped: no openssl to make test certificates");
    return;
  }
  const dir = await Deno.makeTempDir({ prefix: "conformance_tls_" });
  const certs = await makeTestCertificates(dir);
  const sys = await startSystem({ TLS_CERT: certs.certFile, TLS_KEY: certs.keyFile });
  try {
    assert.match(sys.csms.url, /^wss:/);
    // The test's own requests trust the test CA through a client of their own.
    const client = Deno.createHttpClient({ caCerts: [await Deno.readTextFile(certs.caFile)] });
    const base = sys.web.url;
    const signIn = await fetch(`${base}/api/v1/session`, {
      client,
      method: "POST",
      headers: { "content-type": "application/json", origin: base },
      body: JSON.stringify({ username: "admin", password: ADMIN_PASSWORD }),
    });
    const { csrfToken } = await signIn.json();
    const cookie = signIn.headers.get("set-cookie")!.split(";")[0];
    const write = async (method: string, path: string, body: unknown) => {
      const res = await fetch(`${base}${path}`, {
        client,
        method,
        headers: { "content-type": "application/json", origin: base, cookie, "x-csrf-token": csrfToken },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: await res.json() };
    };
    const token = (await write("POST", "/api/v1/tokens", { name: "conformance", role: "admin" })).body.token;
    const reg = await write("PUT", "/api/v1/registrations/CONF-TLS", { securityProfile: 2 });
    assert.equal(reg.status, 201);
    client.close();
    const run = await new ConformanceProcess(
      [
        "csms",
        "--url",
        sys.csms.url,
        "--ocpp",
        "2.0.1",
        "--id",
        "CONF-TLS",
        "--password",
        reg.body.authorizationKey,
        "--chargewire-api",
        sys.web.url,
        "--token",
        token,
        "--only",
        "SECURITY,TC_B_01",
      ],
      `${dir}/report`,
      { DENO_CERT: certs.caFile },
    ).finished();
    assert.ok(run.report, `no report.json; stderr:\n${run.stderr}`);
    const verdicts = Object.fromEntries(
      run.report.results.map((r: { id: string; verdict: string }) => [r.id, r.verdict]),
    );
    assert.deepEqual(verdicts, {
      TC_B_01_CSMS: "pass",
      CW_A_SECURITY_PROFILE_1_CSMS: "not-applicable",
      CW_A_SECURITY_PROFILE_2_CSMS: "pass",
    }, run.stderr);
  } finally {
    await sys.close();
    await Deno.remove(dir, { recursive: true });
  }
});
