/**
 * GET /metrics as an operator's monitoring sees it: a real Prometheus (its own binary, configuration, data
 * directory and port) scrapes `deno task dev` (main.ts) on both its ports while simulated chargers of both
 * protocols are connected, and its HTTP API is asked what it stored; `promtool check metrics` lints what
 * each port serves; who may read /metrics, and METRICS=off. Without the prometheus binary (Debian package
 * `prometheus`) the Prometheus tests skip, saying so.
 */
import assert from "node:assert/strict";
import { freePort } from "./ports.ts";
import { ADMIN_PASSWORD, ChargerProcess, PortalSession, ROOT, startSystem, waitFor } from "./web_support.ts";

function installed(binary: string): string | undefined {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":").concat("/usr/bin")) {
    try {
      if (Deno.statSync(`${dir}/${binary}`).isFile) return `${dir}/${binary}`;
    } catch { /* not there */ }
  }
  return undefined;
}

const PROMETHEUS = installed("prometheus");
const PROMTOOL = installed("promtool");
const MISSING = !PROMETHEUS || !PROMTOOL;
if (MISSING) {
  console.log("skipping the Prometheus tests: prometheus is not installed (apt install prometheus)");
}

const METRICS_TOKEN = "scrape-token-0123456789abcdef";

/** `main.ts` as a child process with LOG_FORMAT=json: its log lines as they come. */
class DevProcess {
  readonly lines: Array<Record<string, unknown>> = [];
  stderr = "";
  readonly #child: Deno.ChildProcess;
  readonly #done: Promise<void>;

  constructor(env: Record<string, string>) {
    this.#child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", `${ROOT}main.ts`],
      cwd: ROOT,
      env: { NO_COLOR: "1", HOST: "127.0.0.1", WEB_PORT: "0", CSMS_PORT: "0", LOG_FORMAT: "json", ...env },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const out = async () => {
      let buf = "";
      for await (const chunk of this.#child.stdout.pipeThrough(new TextDecoderStream())) {
        buf += chunk;
        let nl;
        while ((nl = buf.indexOf("\n")) >= 0) {
          // Every line is one JSON object (LOG_FORMAT=json): a line that is not fails the parse, and the test.
          this.lines.push(JSON.parse(buf.slice(0, nl)));
          buf = buf.slice(nl + 1);
        }
      }
    };
    const err = async () => {
      for await (const chunk of this.#child.stderr.pipeThrough(new TextDecoderStream())) this.stderr += chunk;
    };
    this.#done = Promise.all([out(), err()]).then(() => {});
  }

  /** The portal's and the CSMS's base URLs, from the start-up banner. */
  async addresses(): Promise<{ portal: string; csms: string }> {
    const banner = await waitFor(
      () => this.lines.find((l) => String(l.msg).startsWith("Chargewire is running.")),
      () => `the start-up banner; stderr:\n${this.stderr}`,
    );
    const msg = String(banner.msg);
    const portal = /Portal:\s+(http:\/\/\S+)/.exec(msg)![1];
    const ocpp = /OCPP endpoint:\s+(ws:\/\/\S+)\/\{chargePointId\}/.exec(msg)![1];
    return { portal, csms: ocpp.replace(/^ws:/, "http:").replace(/\/ocpp$/, "") };
  }

  async stop(): Promise<number> {
    try {
      this.#child.kill("SIGTERM");
    } catch { /* gone */ }
    const status = await this.#child.status;
    await this.#done;
    return status.code;
  }
}

/** A Prometheus server of the test's own, scraping every second with the given scrape configs. */
class Prometheus {
  readonly url: string;
  readonly #child: Deno.ChildProcess;
  readonly #dir: string;
  readonly #log: Promise<string>;

  private constructor(child: Deno.ChildProcess, url: string, dir: string) {
    this.#child = child;
    this.url = url;
    this.#dir = dir;
    this.#log = new Response(child.stderr).text();
  }

  static async start(jobs: Array<{ name: string; target: string; token: string }>): Promise<Prometheus> {
    const dir = await Deno.makeTempDir({ prefix: "chargewire_prometheus_" });
    // JSON is YAML: no YAML writer needed.
    const config = {
      global: { scrape_interval: "1s", scrape_timeout: "1s", evaluation_interval: "1s" },
      scrape_configs: jobs.map((j) => ({
        job_name: j.name,
        authorization: { type: "Bearer", credentials: j.token },
        static_configs: [{ targets: [j.target] }],
      })),
    };
    await Deno.writeTextFile(`${dir}/prometheus.yml`, JSON.stringify(config, null, 2));
    const port = freePort();
    const child = new Deno.Command(PROMETHEUS!, {
      args: [
        `--config.file=${dir}/prometheus.yml`,
        `--storage.tsdb.path=${dir}/data`,
        `--web.listen-address=127.0.0.1:${port}`,
        "--web.console.templates=/nonexistent",
        "--web.console.libraries=/nonexistent",
      ],
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const p = new Prometheus(child, `http://127.0.0.1:${port}`, dir);
    await waitFor(async () => {
      try {
        const res = await fetch(`${p.url}/-/ready`);
        await res.body?.cancel();
        return res.ok;
      } catch {
        return false;
      }
    }, "Prometheus to be ready");
    return p;
  }

  /** An instant query's result vector. */
  async query(promql: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
    const res = await fetch(`${this.url}/api/v1/query?query=${encodeURIComponent(promql)}`);
    const body = await res.json();
    assert.equal(body.status, "success", JSON.stringify(body));
    return body.data.result;
  }

  /** The single value of an instant query, or undefined while it has none. */
  async value(promql: string): Promise<number | undefined> {
    const r = await this.query(promql);
    return r.length === 1 ? Number(r[0].value[1]) : undefined;
  }

  async stop(): Promise<string> {
    try {
      this.#child.kill("SIGTERM");
    } catch { /* gone */ }
    await this.#child.status;
    const log = await this.#log;
    await Deno.remove(this.#dir, { recursive: true }).catch(() => {});
    return log;
  }
}

/** `promtool check metrics` on a text: its exit code and what it said. */
async function promtoolCheck(text: string): Promise<{ code: number; output: string }> {
  const child = new Deno.Command(PROMTOOL!, {
    args: ["check", "metrics"],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(text));
  await writer.close();
  const out = await child.output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, output: decode(out.stdout) + decode(out.stderr) };
}

async function scrape(base: string, token?: string): Promise<Response> {
  return await fetch(`${base}/metrics`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
}

Deno.test({
  name:
    "metrics: Prometheus scrapes main.ts's two ports; it stores the chargers connected and a rising message count",
  ignore: MISSING,
  async fn() {
    const dataDir = await Deno.makeTempDir({ prefix: "chargewire_metrics_test_" });
    const dev = new DevProcess({
      DATA_DIR: dataDir,
      ADMIN_PASSWORD,
      METRICS_TOKEN,
      LOG_LEVEL: "debug",
      // Chargers then send a frame every second: the message counter rises between any two scrapes.
      HEARTBEAT_INTERVAL: "1",
      // Two event loops: whichever thread takes a scrape, it answers for the whole process.
      CSMS_WORKERS: "2",
    });
    let fleet: ChargerProcess | undefined;
    let prometheus: Prometheus | undefined;
    try {
      const { portal, csms } = await dev.addresses();
      const admin = await PortalSession.login(portal, "admin", ADMIN_PASSWORD);
      const created = await admin.json("POST", "/api/v1/tokens", { name: "prometheus", role: "viewer" });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const apiToken: string = created.body.token;

      // Who may read: a bearer token on each port, nothing without one.
      for (const base of [csms, portal]) {
        const refused = await scrape(base);
        assert.equal(refused.status, 401, base);
        assert.match(refused.headers.get("www-authenticate") ?? "", /^Bearer /);
        await refused.body?.cancel();
      }
      const wrong = await scrape(csms, "not-the-token-0123456789");
      assert.equal(wrong.status, 401);
      await wrong.body?.cancel();

      const CHARGERS = 4;
      fleet = new ChargerProcess(null, `${csms.replace(/^http:/, "ws:")}/ocpp`, [
        "--count",
        String(CHARGERS),
        "--id-prefix",
        "CP-MET-",
        "--ocpp-mix",
        "1.6=50,2.0.1=50",
      ]);
      prometheus = await Prometheus.start([
        { name: "csms", target: new URL(csms).host, token: METRICS_TOKEN },
        { name: "portal", target: new URL(portal).host, token: apiToken },
      ]);
      const p = prometheus;
      // Two scrapes of each port, both up.
      for (const job of ["csms", "portal"]) {
        await waitFor(
          async () => (await p.value(`count_over_time(up{job="${job}"}[1m])`) ?? 0) >= 2,
          `two scrapes of ${job}`,
        );
        assert.equal(
          await p.value(`min_over_time(up{job="${job}"}[1m])`),
          1,
          `${job} was up at every scrape`,
        );
      }
      await waitFor(
        async () => (await p.value(`sum(chargewire_chargers_connected{job="csms"})`)) === CHARGERS,
        async () =>
          `Prometheus to store ${CHARGERS} chargers connected; it has ${
            JSON.stringify(await p.query("chargewire_chargers_connected"))
          }; the fleet says:\n${fleet!.tail()}`,
      );
      // Both protocols, counted by the same protocol-neutral core.
      for (const protocol of ["ocpp1.6", "ocpp2.0.1"]) {
        assert.equal(await p.value(`chargewire_chargers_connected{job="csms",protocol="${protocol}"}`), 2);
      }
      await waitFor(
        async () => (await p.value(`sum(rate(chargewire_ocpp_messages_total{job="csms"}[5s]))`) ?? 0) > 0,
        "a non-zero rate of OCPP messages",
      );
      const heartbeats = await p.query(
        `chargewire_ocpp_messages_total{job="csms",direction="in",action="Heartbeat"}`,
      );
      assert.deepEqual(heartbeats.map((r) => r.metric.protocol).sort(), ["ocpp1.6", "ocpp2.0.1"]);
      assert.ok(
        (await p.value(`sum(chargewire_ocpp_handle_seconds_count{job="csms",action="BootNotification"})`) ??
          0) >=
          CHARGERS,
      );
      // The portal's own figures, and the process metrics, on its port.
      assert.notEqual(await p.value(`chargewire_socketio_clients{job="portal"}`), undefined);
      for (const name of ["process_cpu_seconds_total", "process_resident_memory_bytes", "process_open_fds"]) {
        assert.notEqual(await p.value(`${name}{job="portal"}`), undefined, name);
        assert.notEqual(await p.value(`${name}{job="csms"}`), undefined, name);
      }
      assert.notEqual(await p.value(`nodejs_eventloop_lag_seconds{job="csms"}`), undefined);
      assert.equal(await p.value(`chargewire_transactions_active{job="csms"}`), 0);

      // No charger id in any label of any series.
      const series = await (await fetch(
        `${p.url}/api/v1/series?match[]=${encodeURIComponent('{__name__=~"chargewire_.+"}')}`,
      ))
        .json();
      assert.ok(series.data.length > 0);
      assert.ok(!JSON.stringify(series.data).includes("CP-MET-"), "a charger id in a label");

      // What each port serves passes promtool's checks.
      for (const [base, token] of [[csms, METRICS_TOKEN], [portal, apiToken]]) {
        const res = await scrape(base, token);
        assert.equal(res.status, 200);
        assert.match(res.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
        const checked = await promtoolCheck(await res.text());
        assert.equal(checked.output, "", `promtool on ${base}/metrics`);
        assert.equal(checked.code, 0);
      }
      // The portal also takes METRICS_TOKEN, so one scrape config's credentials can serve both ports.
      const both = await scrape(portal, METRICS_TOKEN);
      assert.equal(both.status, 200);
      await both.body?.cancel();

      // LOG_FORMAT=json, LOG_LEVEL=debug: one object a line, with node, and the charger's id where it is one's.
      const connected = dev.lines.find((l) =>
        l.chargerId === "CP-MET-001" && String(l.msg).startsWith("connected")
      );
      assert.ok(connected, JSON.stringify(dev.lines.slice(0, 5)));
      assert.equal(connected.level, "debug");
      assert.equal(connected.source, "csms");
      assert.equal(typeof connected.node, "string");
      assert.ok(!Number.isNaN(Date.parse(String(connected.time))));
    } finally {
      const promLog: string = (await prometheus?.stop()) ?? "";
      await fleet?.stop();
      const code = await dev.stop();
      await Deno.remove(dataDir, { recursive: true }).catch(() => {});
      assert.equal(code, 0, `main.ts exited ${code}; stderr:\n${dev.stderr}\nprometheus:\n${promLog}`);
    }
  },
});

Deno.test("metrics: without METRICS_TOKEN the CSMS port is open like /healthz; the portal wants a sign-in", async () => {
  const system = await startSystem();
  try {
    const csms = `http://127.0.0.1:${system.csms.port}`;
    const open = await scrape(csms);
    assert.equal(open.status, 200);
    const text = await open.text();
    for (
      const name of [
        "chargewire_chargers_connected",
        "chargewire_ocpp_messages_total",
        "chargewire_ocpp_errors_total",
        "chargewire_ocpp_handle_seconds",
        "chargewire_transactions_active",
        "chargewire_energy_delivered_wh_total",
        "chargewire_store_commit_seconds",
        "chargewire_socketio_clients",
        "process_cpu_seconds_total",
        "process_resident_memory_bytes",
        "process_open_fds",
        "nodejs_eventloop_lag_seconds",
      ]
    ) {
      assert.match(text, new RegExp(`^# TYPE ${name} `, "m"), name);
    }
    const post = await fetch(`${csms}/metrics`, { method: "POST" });
    assert.equal(post.status, 405);
    await post.body?.cancel();

    const refused = await scrape(system.web.url);
    assert.equal(refused.status, 401);
    await refused.body?.cancel();
    const admin = await system.login();
    const signedIn = await admin.fetch("/metrics");
    assert.equal(signedIn.status, 200);
    assert.match(await signedIn.text(), /^chargewire_socketio_clients \d+$/m);
  } finally {
    await system.close();
  }
});

Deno.test("metrics: METRICS=off answers 404 on both ports, whoever asks", async () => {
  const system = await startSystem({ METRICS: "off", METRICS_TOKEN });
  try {
    const admin = await system.login();
    for (
      const res of [
        await scrape(`http://127.0.0.1:${system.csms.port}`, METRICS_TOKEN),
        await scrape(system.web.url, METRICS_TOKEN),
        await admin.fetch("/metrics"),
      ]
    ) {
      assert.equal(res.status, 404);
      await res.body?.cancel();
    }
    // Health stays.
    const health = await fetch(`http://127.0.0.1:${system.csms.port}/healthz`);
    assert.equal(health.status, 200);
    await health.body?.cancel();
  } finally {
    await system.close();
  }
});

Deno.test({
  name: "metrics: the alert rules in docs/operations.md pass promtool check rules",
  ignore: MISSING,
  async fn() {
    const doc = await Deno.readTextFile(`${ROOT}docs/operations.md`);
    const rules = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]).find((y) =>
      y.includes("groups:")
    );
    assert.ok(rules, "a YAML block with the alert rules");
    const dir = await Deno.makeTempDir({ prefix: "chargewire_rules_" });
    try {
      await Deno.writeTextFile(`${dir}/chargewire_alerts.yml`, rules);
      const out = await new Deno.Command(PROMTOOL!, {
        args: ["check", "rules", `${dir}/chargewire_alerts.yml`],
      })
        .output();
      const said = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
      assert.equal(out.code, 0, said);
      assert.match(said, /SUCCESS: 4 rules found/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
