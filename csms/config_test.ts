import assert from "node:assert/strict";
import { ConfigError, DEFAULT_CSMS_CONFIG, generateNodeId, loadCsmsConfig } from "./config.ts";

Deno.test("config: defaults when nothing is set", () => {
  assert.deepEqual(loadCsmsConfig({}), DEFAULT_CSMS_CONFIG);
  assert.equal(DEFAULT_CSMS_CONFIG.host, "127.0.0.1");
  assert.equal(DEFAULT_CSMS_CONFIG.port, 9000);
  assert.equal(DEFAULT_CSMS_CONFIG.maxFrameBytes, 65536);
  assert.equal(DEFAULT_CSMS_CONFIG.authPolicy, "open");
});

Deno.test("config: reads every variable", () => {
  const c = loadCsmsConfig({
    HOST: "0.0.0.0",
    CSMS_PORT: "0",
    DATA_DIR: "/tmp/x",
    HEARTBEAT_INTERVAL: "300",
    BOOT_RETRY_INTERVAL: "45",
    AUTH_POLICY: "registered",
    CHARGER_POLICY: "basic",
    PING_INTERVAL: "0.5",
    MAX_FRAME_BYTES: "131072",
    BAD_FRAMES_PER_MINUTE: "0",
    METER_RETENTION_DAYS: "7",
    EVENT_RETENTION_DAYS: "0",
    CALL_TIMEOUT: "12.5",
    CSMS_WORKERS: "3",
    STALE_TX_MINUTES: "0.5",
    NODE_ID: "csms-eu.west_1",
    METRICS: "off",
    METRICS_TOKEN: "prometheus-scrape-token",
    LOG_FORMAT: "json",
    LOG_LEVEL: "warn",
  });
  assert.deepEqual(c, {
    host: "0.0.0.0",
    port: 0,
    dataDir: "/tmp/x",
    heartbeatInterval: 300,
    bootRetryInterval: 45,
    authPolicy: "registered",
    chargerPolicy: "basic",
    pingInterval: 0.5,
    maxFrameBytes: 131072,
    badFramesPerMinute: 0,
    meterRetentionDays: 7,
    eventRetentionDays: 0,
    callTimeout: 12.5,
    workers: 3,
    staleTransactionMinutes: 0.5,
    nodeId: "csms-eu.west_1",
    metrics: false,
    metricsToken: "prometheus-scrape-token",
    logFormat: "json",
    logLevel: "warn",
  });
  assert.equal(loadCsmsConfig({ HOST: "[::1]" }).host, "::1");
  assert.equal(loadCsmsConfig({}).workers, 1, "one loop unless asked");
  assert.equal(loadCsmsConfig({ HOST: "csms.example.org" }).host, "csms.example.org");
  assert.equal(loadCsmsConfig({ CSMS_PORT: "  " }).port, 9000, "blank means unset");
  assert.equal(loadCsmsConfig({ CHARGER_POLICY: "approve" }).chargerPolicy, "approve");
  assert.equal(
    loadCsmsConfig({ FILES_URL: "https://csms.example.com/" }).filesUrl,
    "https://csms.example.com",
  );
  assert.equal(loadCsmsConfig({}).filesUrl, undefined);
});

Deno.test("config: invalid values throw ConfigError naming the variable and what is expected", () => {
  const bad: Array<[Record<string, string>, RegExp]> = [
    [{ CSMS_PORT: "-1" }, /CSMS_PORT="-1": expected an integer from 0 to 65535/],
    [{ CSMS_PORT: "65536" }, /CSMS_PORT/],
    [{ CSMS_PORT: "80.5" }, /CSMS_PORT/],
    [{ HEARTBEAT_INTERVAL: "0" }, /HEARTBEAT_INTERVAL="0"/],
    [{ HEARTBEAT_INTERVAL: "1e3" }, /HEARTBEAT_INTERVAL/],
    [{ AUTH_POLICY: "Open" }, /AUTH_POLICY="Open": expected one of open, registered/],
    [{ PING_INTERVAL: "-5" }, /PING_INTERVAL/],
    [{ PING_INTERVAL: "soon" }, /PING_INTERVAL="soon": expected a number of seconds/],
    [{ MAX_FRAME_BYTES: "10" }, /MAX_FRAME_BYTES="10": expected an integer from 1024/],
    [{ BAD_FRAMES_PER_MINUTE: "many" }, /BAD_FRAMES_PER_MINUTE/],
    [{ METER_RETENTION_DAYS: "forever" }, /METER_RETENTION_DAYS="forever": expected a number of days/],
    [{ CALL_TIMEOUT: "0" }, /CALL_TIMEOUT="0"/],
    [
      { STALE_TX_MINUTES: "-1" },
      /STALE_TX_MINUTES="-1": expected a number of minutes from 0 to 525600/,
    ],
    [{ STALE_TX_MINUTES: "1h" }, /STALE_TX_MINUTES="1h"/],
    [{ HOST: "a b" }, /HOST="a b"/],
    [{ NODE_ID: "node one" }, /NODE_ID="node one": expected 1 to 64 of A-Z/],
    [{ NODE_ID: "n".repeat(65) }, /NODE_ID/],
    [{ NODE_ID: "nœud" }, /NODE_ID/],
    [{ FILES_URL: "ftp://files.example.com" }, /FILES_URL="ftp:\/\/files.example.com": expected an http/],
    [{ FILES_URL: "csms.example.com" }, /FILES_URL/],
    [{ HOST: "localhost:9000" }, /HOST/],
    [
      { CHARGER_POLICY: "anyone" },
      /CHARGER_POLICY="anyone": expected one of open, approve, registered, basic/,
    ],
    [{ BOOT_RETRY_INTERVAL: "0" }, /BOOT_RETRY_INTERVAL="0": expected an integer from 1 to 86400/],
    [{ TLS_CERT: "/x/cert.pem" }, /TLS_CERT is set without TLS_KEY: set both/],
    [{ TLS_KEY: "/x/key.pem" }, /TLS_KEY is set without TLS_CERT: set both/],
    [{ TLS_CERT: "/nonexistent/cert.pem", TLS_KEY: "/nonexistent/key.pem" }, /cannot read TLS_CERT=.*ENOENT/],
    [{ METRICS: "false" }, /METRICS="false": expected on or off/],
    [{ CSMS_WORKERS: "0" }, /CSMS_WORKERS="0": expected an integer from 1 to 256/],
    [{ CSMS_WORKERS: "two" }, /CSMS_WORKERS="two": expected an integer from 1 to 256/],
    [{ LOG_FORMAT: "pretty" }, /LOG_FORMAT="pretty": expected text or json/],
    [{ LOG_LEVEL: "WARN" }, /LOG_LEVEL="WARN": expected one of debug, info, warn, error/],
  ];
  for (const [env, message] of bad) {
    assert.throws(() => loadCsmsConfig(env), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, message);
      assert.ok(!err.message.includes("\n"));
      return true;
    });
  }
});

Deno.test("config: TLS_CERT and TLS_KEY are read at start-up; a file that is not PEM is refused", async () => {
  const dir = await Deno.makeTempDir({ prefix: "csms_tls_cfg_" });
  try {
    const cert = `${dir}/cert.pem`, key = `${dir}/key.pem`, junk = `${dir}/junk.txt`;
    await Deno.writeTextFile(cert, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
    await Deno.writeTextFile(key, "-----BEGIN PRIVATE KEY-----\nBBBB\n-----END PRIVATE KEY-----\n");
    await Deno.writeTextFile(junk, "not a certificate");
    const c = loadCsmsConfig({ TLS_CERT: cert, TLS_KEY: key });
    assert.equal(c.tls?.certFile, cert);
    assert.match(c.tls?.cert ?? "", /BEGIN CERTIFICATE/);
    assert.match(c.tls?.key ?? "", /BEGIN PRIVATE KEY/);
    assert.equal(loadCsmsConfig({}).tls, undefined);
    assert.throws(
      () => loadCsmsConfig({ TLS_CERT: junk, TLS_KEY: key }),
      /invalid TLS_CERT=".*junk.txt": expected a PEM file/,
    );
    assert.throws(() => loadCsmsConfig({ TLS_CERT: cert, TLS_KEY: cert }), /invalid TLS_KEY=/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("config: without NODE_ID each start generates its own node id", () => {
  assert.equal(loadCsmsConfig({}).nodeId, undefined);
  const a = generateNodeId(), b = generateNodeId();
  assert.match(a, /^csms-[0-9a-f]{8}$/);
  assert.notEqual(a, b);
  assert.equal(loadCsmsConfig({ NODE_ID: "n".repeat(64) }).nodeId, "n".repeat(64));
});
