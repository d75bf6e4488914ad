/** A bad environment stops `csms/main.ts` at once with one clear line and exit code 1. */
import assert from "node:assert/strict";

const MAIN = new URL("../csms/main.ts", import.meta.url).pathname;

async function runMain(env: Record<string, string>): Promise<{ code: number; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN],
    env: { CSMS_PORT: "0", DATA_DIR: "/nonexistent-should-not-be-created", ...env },
    stdout: "null",
    stderr: "piped",
  }).output();
  return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
}

Deno.test("csms config: invalid env values exit 1 with a one-line message", async () => {
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ CSMS_PORT: "70000" }, /^csms: invalid CSMS_PORT="70000": expected an integer from 0 to 65535\n$/],
    [
      { AUTH_POLICY: "everyone" },
      /^csms: invalid AUTH_POLICY="everyone": expected one of open, registered\n$/,
    ],
    [{ HEARTBEAT_INTERVAL: "often" }, /^csms: invalid HEARTBEAT_INTERVAL="often": expected an integer/],
    [
      { STALE_TX_MINUTES: "an hour" },
      /^csms: invalid STALE_TX_MINUTES="an hour": expected a number of minutes from 0 to 525600\n$/,
    ],
    [{ CSMS_WORKERS: "0" }, /^csms: invalid CSMS_WORKERS="0": expected an integer from 1 to 256\n$/],
    [{ HOST: "http://x" }, /^csms: invalid HOST="http:\/\/x": expected a host name or IP address/],
    [
      { CHARGER_POLICY: "nobody" },
      /^csms: invalid CHARGER_POLICY="nobody": expected one of open, approve, registered, basic\n$/,
    ],
    [{ TLS_CERT: "/tmp/cert.pem" }, /^csms: TLS_CERT is set without TLS_KEY: set both .*\n$/],
    [
      { TLS_CERT: "/nonexistent/cert.pem", TLS_KEY: "/nonexistent/key.pem" },
      /^csms: cannot read TLS_CERT="\/nonexistent\/cert.pem": ENOENT\n$/,
    ],
  ];
  // Run in parallel: each is a separate process start.
  const results = await Promise.all(cases.map(([env]) => runMain(env)));
  results.forEach(({ code, stderr }, i) => {
    assert.equal(code, 1, JSON.stringify(cases[i][0]));
    assert.match(stderr, cases[i][1]);
    assert.equal(stderr.trim().split("\n").length, 1);
  });
});

Deno.test("csms config: a port in use or an unusable DATA_DIR exits 1 with a one-line message", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const file = await Deno.makeTempFile({ prefix: "csms_not_a_dir_" });
  try {
    const { port } = listener.addr as Deno.NetAddr;
    const dataDir = await Deno.makeTempDir({ prefix: "csms_cfg_" });
    const [busy, notDir] = await Promise.all([
      runMain({ CSMS_PORT: String(port), DATA_DIR: dataDir }),
      runMain({ DATA_DIR: `${file}/sub` }),
    ]);
    await Deno.remove(dataDir, { recursive: true });
    assert.equal(busy.code, 1);
    assert.match(busy.stderr, new RegExp(`^csms: cannot listen on 127\\.0\\.0\\.1:${port}: .+\\n$`));
    assert.equal(notDir.code, 1);
    assert.match(notDir.stderr, /^csms: cannot open the database in .+\n$/);
  } finally {
    listener.close();
    await Deno.remove(file);
  }
});

Deno.test("csms config: TLS files that are PEM but not a usable certificate exit 1 with a one-line message", async () => {
  const dir = await Deno.makeTempDir({ prefix: "csms_badtls_" });
  try {
    await Deno.writeTextFile(
      `${dir}/cert.pem`,
      "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
    );
    await Deno.writeTextFile(
      `${dir}/key.pem`,
      "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
    );
    const r = await runMain({
      DATA_DIR: `${dir}/data`,
      TLS_CERT: `${dir}/cert.pem`,
      TLS_KEY: `${dir}/key.pem`,
    });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^csms: cannot listen on 127\.0\.0\.1:0 with TLS_CERT=.+\n$/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
