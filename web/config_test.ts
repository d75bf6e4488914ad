import assert from "node:assert/strict";
import { loadWebConfig, WebConfigError } from "./config.ts";

const DEFAULTS = {
  host: "127.0.0.1",
  port: 8000,
  dataDir: "./data",
  allowedOrigins: [],
  auditRetentionDays: 365,
  staleTransactionMinutes: 60,
  metrics: true,
  logFormat: "text",
  logLevel: "info",
};

Deno.test("web config: defaults", () => {
  assert.deepEqual(loadWebConfig({}), DEFAULTS);
});

Deno.test("web config: WEB_PORT, HOST and DATA_DIR are read", () => {
  assert.deepEqual(loadWebConfig({ WEB_PORT: "0", HOST: "0.0.0.0" }), {
    ...DEFAULTS,
    host: "0.0.0.0",
    port: 0,
  });
  assert.deepEqual(loadWebConfig({ WEB_PORT: " 8080 " }), { ...DEFAULTS, port: 8080 });
  assert.equal(loadWebConfig({ DATA_DIR: "/var/lib/cw" }).dataDir, "/var/lib/cw");
});

Deno.test("web config: DATABASE_URL, REDIS_URL and STALE_TX_MINUTES are read as the CSMS reads them", () => {
  const c = loadWebConfig({
    DATABASE_URL: "postgres://db/cw",
    REDIS_URL: "redis://r:6379/2",
    STALE_TX_MINUTES: "5",
  });
  assert.deepEqual([c.databaseUrl, c.redisUrl, c.staleTransactionMinutes], [
    "postgres://db/cw",
    "redis://r:6379/2",
    5,
  ]);
  refused({ DATABASE_URL: "sqlite:///x" }, /^DATABASE_URL must start with postgres:/);
  refused({ STALE_TX_MINUTES: "soon" }, /^invalid STALE_TX_MINUTES/);
});

Deno.test("web config: METRICS, LOG_FORMAT and LOG_LEVEL are read as the CSMS reads them", () => {
  const c = loadWebConfig({ METRICS: "off", LOG_FORMAT: "json", LOG_LEVEL: "error" });
  assert.deepEqual([c.metrics, c.logFormat, c.logLevel], [false, "json", "error"]);
  refused({ METRICS: "0" }, /^invalid METRICS="0": expected on or off$/);
  refused({ LOG_LEVEL: "trace" }, /^invalid LOG_LEVEL="trace"/);
});

function refused(env: Record<string, string>, pattern: RegExp) {
  assert.throws(() => loadWebConfig(env), (err: unknown) => {
    assert.ok(err instanceof WebConfigError);
    assert.match(err.message, pattern);
    assert.ok(!err.message.includes("\n"));
    return true;
  });
}

Deno.test("web config: a bad WEB_PORT is refused with a one-line message naming it", () => {
  for (const bad of ["http", "-1", "65536", "80.5", "1e3"]) {
    refused({ WEB_PORT: bad }, /^WEB_PORT must be a port number/);
  }
});

Deno.test("web config: a HOST with a slash or space is refused", () => {
  assert.throws(() => loadWebConfig({ HOST: "http://x" }), WebConfigError);
  assert.throws(() => loadWebConfig({ HOST: "a b" }), WebConfigError);
});

Deno.test("web config: ADMIN_PASSWORD is taken as it is, and refused when too short", () => {
  assert.equal(loadWebConfig({ ADMIN_PASSWORD: " spaced out pass " }).adminPassword, " spaced out pass ");
  assert.equal(loadWebConfig({ ADMIN_PASSWORD: "" }).adminPassword, undefined);
  refused({ ADMIN_PASSWORD: "short" }, /^ADMIN_PASSWORD must have 8 to 256 characters, got 5$/);
});

Deno.test("web config: AUDIT_RETENTION_DAYS is whole days, 0 keeping everything", () => {
  assert.equal(loadWebConfig({ AUDIT_RETENTION_DAYS: " 30 " }).auditRetentionDays, 30);
  assert.equal(loadWebConfig({ AUDIT_RETENTION_DAYS: "0" }).auditRetentionDays, 0);
  for (const bad of ["-1", "1.5", "a year", "36501"]) {
    refused({ AUDIT_RETENTION_DAYS: bad }, /^AUDIT_RETENTION_DAYS must be a whole number of days/);
  }
});

Deno.test("web config: ALLOWED_ORIGINS is a list of origins, normalised; anything else is refused", () => {
  assert.deepEqual(
    loadWebConfig({
      ALLOWED_ORIGINS: "https://ops.example.com, http://localhost:5173/,HTTPS://A.example:443",
    })
      .allowedOrigins,
    ["https://ops.example.com", "http://localhost:5173", "https://a.example"],
  );
  for (const bad of ["ops.example.com", "https://x.example/path", "ftp://x.example", "null"]) {
    refused({ ALLOWED_ORIGINS: bad }, /^ALLOWED_ORIGINS must be a comma-separated list of origins/);
  }
});

Deno.test("web config: TLS_CERT and TLS_KEY go together and must be readable PEM files", async () => {
  refused({ TLS_CERT: "/nowhere/cert.pem" }, /^TLS_CERT and TLS_KEY go together/);
  refused(
    { TLS_CERT: "/nowhere/cert.pem", TLS_KEY: "/nowhere/key.pem" },
    /^cannot read TLS_CERT="\/nowhere\/cert\.pem"/,
  );
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      `${dir}/cert.pem`,
      "-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n",
    );
    await Deno.writeTextFile(`${dir}/key.pem`, "not a key");
    refused(
      { TLS_CERT: `${dir}/cert.pem`, TLS_KEY: `${dir}/key.pem` },
      /^TLS_KEY=".*key\.pem" is not a PEM file$/,
    );
    await Deno.writeTextFile(`${dir}/key.pem`, "-----BEGIN PRIVATE KEY-----\ny\n-----END PRIVATE KEY-----\n");
    const config = loadWebConfig({ TLS_CERT: `${dir}/cert.pem`, TLS_KEY: `${dir}/key.pem` });
    assert.match(config.tls!.cert, /BEGIN CERTIFICATE/);
    assert.match(config.tls!.key, /BEGIN PRIVATE KEY/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
