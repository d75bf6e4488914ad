import assert from "node:assert/strict";
import { envValue, readTlsEnv, type TlsMessages } from "./env.ts";

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
