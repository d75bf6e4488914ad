import assert from "node:assert/strict";
import { envValue, readOperationsEnv, readTlsEnv, type TlsMessages } from "./env.ts";

Deno.test("env: values are trimmed; blank is unset", () => {
  assert.equal(envValue({ A: " x " }, "A"), "x");
  assert.equal(envValue({ A: "  " }, "A"), undefined);
  assert.equal(envValue({}, "A"), undefined);
});

const messages: TlsMessages = {
  unpaired: (set, missing) => `${set} without ${missing}`,
  notPem: (name, path) => `${name}=${path} not PEM`,
};
const fail = (message: string) => new RangeError(message);

function refused(env: Record<string, string>, expected: string | RegExp) {
  assert.throws(() => readTlsEnv(env, messages, fail), (err: unknown) => {
    assert.ok(err instanceof RangeError);
    if (typeof expected === "string") assert.equal(err.message, expected);
    else assert.match(err.message, expected);
    return true;
  });
}

Deno.test("env: TLS_CERT and TLS_KEY go together, are read now, and must hold the right PEM block", async () => {
  assert.equal(readTlsEnv({ TLS_CERT: " " }, messages, fail), undefined);
  refused({ TLS_CERT: "/c.pem" }, "TLS_CERT without TLS_KEY");
  refused({ TLS_KEY: "/k.pem" }, "TLS_KEY without TLS_CERT");
  refused(
    { TLS_CERT: "/nowhere/c.pem", TLS_KEY: "/nowhere/k.pem" },
    /^cannot read TLS_CERT="\/nowhere\/c\.pem": ENOENT$/,
  );
  const dir = await Deno.makeTempDir();
  try {
    const cert = `${dir}/cert.pem`, key = `${dir}/key.pem`;
    await Deno.writeTextFile(cert, "-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n");
    // A certificate where the key should be is not a key.
    await Deno.writeTextFile(key, "-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n");
    refused({ TLS_CERT: cert, TLS_KEY: key }, `TLS_KEY=${key} not PEM`);
    await Deno.writeTextFile(key, "-----BEGIN EC PRIVATE KEY-----\ny\n-----END EC PRIVATE KEY-----\n");
    const tls = readTlsEnv({ TLS_CERT: ` ${cert} `, TLS_KEY: key }, messages, fail)!;
    assert.equal(tls.certFile, cert);
    assert.equal(tls.keyFile, key);
    assert.match(tls.cert, /BEGIN CERTIFICATE/);
    assert.match(tls.key, /BEGIN EC PRIVATE KEY/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("env: METRICS, METRICS_TOKEN, LOG_FORMAT and LOG_LEVEL default, and refuse a bad value in one line", () => {
  assert.deepEqual(readOperationsEnv({}, fail), { metrics: true, logFormat: "text", logLevel: "info" });
  assert.deepEqual(
    readOperationsEnv(
      { METRICS: "off", METRICS_TOKEN: " scrape-0123456789abcdef ", LOG_FORMAT: "json", LOG_LEVEL: "debug" },
      fail,
    ),
    { metrics: false, metricsToken: "scrape-0123456789abcdef", logFormat: "json", logLevel: "debug" },
  );
  const cases: Array<[Record<string, string>, string]> = [
    [{ METRICS: "yes" }, 'invalid METRICS="yes": expected on or off'],
    [{ LOG_FORMAT: "xml" }, 'invalid LOG_FORMAT="xml": expected text or json'],
    [{ LOG_LEVEL: "verbose" }, 'invalid LOG_LEVEL="verbose": expected one of debug, info, warn, error'],
    [{ METRICS_TOKEN: "short" }, "invalid METRICS_TOKEN: expected 16 to 256 of A-Z, a-z, 0-9 and -._~+/"],
    [
      { METRICS_TOKEN: "has a space in it, 0123456789" },
      /* never echoed */ "invalid METRICS_TOKEN: expected 16 to 256 of A-Z, a-z, 0-9 and -._~+/",
    ],
  ];
  for (const [env, message] of cases) {
    assert.throws(() => readOperationsEnv(env, fail), (err: unknown) => {
      assert.ok(err instanceof RangeError);
      assert.equal(err.message, message);
      return true;
    });
  }
});
