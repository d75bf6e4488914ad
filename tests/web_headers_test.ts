/**
 * The portal's security headers over real HTTP(S): the Content-Security-Policy and framing refusal on every
 * answer (pages, sign-in, errors, static files, the API), and HSTS only where the browser came over TLS:
 * the portal's own (TLS_CERT/TLS_KEY) or a proxy's (X-Forwarded-Proto: https). That the pages work under
 * the policy is tests/web_browser_test.ts's job.
 */
import assert from "node:assert/strict";
import { HAS_OPENSSL, makeTestCertificates } from "./csms_support.ts";
import { startSystem } from "./web_support.ts";

/** The policy's directives: name to sources. */
function directives(csp: string | null): Map<string, string[]> {
  assert.ok(csp, "a Content-Security-Policy header");
  return new Map(csp.split(";").map((d) => d.trim().split(/\s+/)).map(([name, ...v]) => [name, v]));
}

function assertHardened(res: Response, what: string): void {
  const csp = directives(res.headers.get("content-security-policy"));
  for (const name of ["default-src", "script-src", "style-src", "connect-src", "img-src", "form-action"]) {
    assert.deepEqual(csp.get(name), ["'self'"], `${what}: ${name}`);
  }
  assert.deepEqual(csp.get("frame-ancestors"), ["'none'"], `${what}: frame-ancestors`);
  assert.deepEqual(csp.get("object-src"), ["'none'"], `${what}: object-src`);
  assert.deepEqual(csp.get("base-uri"), ["'none'"], `${what}: base-uri`);
  assert.equal(res.headers.get("x-frame-options"), "DENY", what);
  assert.equal(res.headers.get("x-content-type-options"), "nosniff", what);
  assert.equal(res.headers.get("referrer-policy"), "same-origin", what);
}

Deno.test("headers: CSP and framing refusal on every answer; HSTS only behind X-Forwarded-Proto https", async () => {
  const sys = await startSystem();
  try {
    const base = sys.web.url;
    const session = await sys.login();
    const answers: Array<[string, Response, number]> = [];
    const anonymous = async (path: string, status: number, headers: HeadersInit = {}) => {
      const res = await fetch(`${base}${path}`, { redirect: "manual", headers });
      answers.push([`anonymous ${path}`, res, status]);
      return res;
    };
    const signedIn = async (path: string, status: number) => {
      answers.push([`signed in ${path}`, await session.fetch(path, { redirect: "manual" }), status]);
    };
    await anonymous("/login", 200);
    await anonymous("/", 303);
    await anonymous("/static/styles.css", 200);
    await anonymous("/api/v1/openapi.json", 200);
    await anonymous("/api/v1/chargers", 401);
    for (const path of ["/", "/chargers/CP-1", "/transactions", "/id-tags", "/registrations", "/users"]) {
      await signedIn(path, 200);
    }
    await signedIn("/no-such-page", 404);
    await signedIn("/api/v1/chargers", 200);
    await signedIn("/api/v1/no-such-route", 404);
    for (const [what, res, status] of answers) {
      await res.body?.cancel();
      assert.equal(res.status, status, what);
      assertHardened(res, what);
      assert.equal(res.headers.get("strict-transport-security"), null, `${what}: no HSTS over plain HTTP`);
    }

    // Behind a proxy that terminates TLS, the browser is on https: HSTS; and only then.
    for (const path of ["/login", "/api/v1/openapi.json"]) {
      const viaTls = await anonymous(path, 200, { "x-forwarded-proto": "https" });
      await viaTls.body?.cancel();
      assert.equal(viaTls.headers.get("strict-transport-security"), "max-age=31536000", path);
      assertHardened(viaTls, `${path} behind a TLS proxy`);
      const viaHttp = await anonymous(path, 200, { "x-forwarded-proto": "http" });
      await viaHttp.body?.cancel();
      assert.equal(viaHttp.headers.get("strict-transport-security"), null, path);
    }
  } finally {
    await sys.close();
  }
});

Deno.test({
  name: "headers: over TLS (TLS_CERT, TLS_KEY) every answer has HSTS and the CSP",
  ignore: !HAS_OPENSSL,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "chargewire_tls_headers_" });
    const certs = await makeTestCertificates(dir);
    const client = Deno.createHttpClient({ caCerts: [await Deno.readTextFile(certs.caFile)] });
    const sys = await startSystem({ TLS_CERT: certs.certFile, TLS_KEY: certs.keyFile });
    try {
      assert.match(sys.web.url, /^https:/);
      for (const [path, status] of [["/login", 200], ["/", 303], ["/api/v1/chargers", 401]] as const) {
        const res = await fetch(`${sys.web.url}${path}`, { client, redirect: "manual" });
        await res.body?.cancel();
        assert.equal(res.status, status, path);
        assert.equal(res.headers.get("strict-transport-security"), "max-age=31536000", path);
        assertHardened(res, path);
      }
    } finally {
      client.close();
      await sys.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
