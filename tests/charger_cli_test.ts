/**
 * `deno task charger` as a user runs it: a real subprocess, its exit status,
 * what it prints, and what the central system receives from it.
 */
import assert from "node:assert/strict";
import { TestCsms } from "./charger_csms.ts";
import { startPeerServer } from "./ocpp_rpc_peer.ts";
import { DEFAULTS, SINGLE_CHARGER_DEFAULTS } from "../charger/options.ts";
import { formatPercent } from "../web/lib/format.ts";

const MAIN = new URL("../charger/main.ts", import.meta.url).pathname;

async function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** A running simulator whose output can be waited on. */
function spawnCli(args: string[]) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
  }).spawn();
  let stdout = "";
  let stderr = "";
  const collect = async (stream: ReadableStream<Uint8Array>, add: (s: string) => void) => {
    const dec = new TextDecoder();
    for await (const chunk of stream) add(dec.decode(chunk, { stream: true }));
  };
  const done = Promise.all([
    collect(child.stdout, (s) => stdout += s),
    collect(child.stderr, (s) => stderr += s),
  ]);
  return {
    stdout: () => stdout,
    stderr: () => stderr,
    async waitFor(what: string, pattern: RegExp, timeoutMs = 20_000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(stdout)) {
        if (Date.now() > deadline) throw new Error(`no ${what} in output:\n${stdout}\n${stderr}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async stop(): Promise<number> {
      try {
        child.kill("SIGTERM");
      } catch { /* already gone */ }
      const status = await child.status;
      await done;
      return status.code;
    },
  };
}

const BAD_FLAGS: [string[], RegExp][] = [
  [["--power-kw", "abc"], /--power-kw must be a number/],
  [["--bogus"], /unknown flag --bogus/],
  [["--soc", "101"], /--soc must be a number from 0 to 100/],
  [["--connectors", "0"], /--connectors must be an integer from 1 to 64/],
  [["--connectors", "1.5"], /--connectors must be an integer/],
  [["--log", "xml"], /--log must be pretty or json/],
  [["--url", "http://example.test/ocpp"], /--url must start with ws:\/\/ or wss:\/\//],
  [["--count", "5", "--id", "A"], /use --id-prefix with --count/],
  [["--count", "0"], /--count must be from 1/],
  [["--config", "Nope=1"], /unknown configuration key Nope/],
  [["--config", "HeartbeatInterval=soon"], /invalid value for HeartbeatInterval/],
  [["--id", "bad/id"], /--id may hold only/],
  [["--vendor", "V".repeat(21)], /--vendor must be 1 to 20 characters/],
  [["--seed"], /--seed needs a value/],
  [["--speed", "0"], /^charger: --speed must be a number from 0.1 to 1000 \(got 0\)\n$/],
  [["--speed", "fast"], /--speed must be a number \(got "fast"\)/],
  [["--count", "3", "--speed", "1e9"], /--speed must be a number/],
  [["--speed"], /--speed needs a value/],
  [["stray"], /unexpected argument stray/],
  [["--ocpp", "2.1"], /--ocpp must be 1.6 or 2.0.1 \(got "2.1"\)/],
  [["--ocpp"], /--ocpp needs a value/],
  [["--count", "4", "--ocpp-mix", "1.6=70,2.0.1=20"], /--ocpp-mix percentages must sum to 100 \(got 90\)/],
  [["--count", "4", "--ocpp-mix", "1.6=50,1.5=50"], /--ocpp-mix: unknown protocol "1.5"/],
  [["--count", "4", "--ocpp-mix", "half"], /--ocpp-mix takes PROTOCOL=PERCENT/],
  [["--ocpp-mix", "1.6=50,2.0.1=50"], /use it with --count/],
  [["--count", "4", "--ocpp", "1.6", "--ocpp-mix", "1.6=50,2.0.1=50"], /exclude each other/],
  [
    ["--count", "4", "--ocpp-mix", "1.6=50,2.0.1=50", "--config", "HeartbeatInterval=5"],
    /cannot go with --ocpp-mix/,
  ],
  [
    ["--ocpp", "2.0.1", "--config", "HeartbeatInterval=5"],
    /--config: unknown or live variable HeartbeatInterval/,
  ],
  [["--ocpp", "2.0.1", "--config", "SampledDataCtrlr.TxUpdatedInterval=soon"], /must be an integer/],
];

Deno.test("CLI: every bad flag gets one line on stderr and exit status 2", async () => {
  for (const [args, message] of BAD_FLAGS) {
    const r = await runCli(args);
    assert.equal(r.code, 2, `${args.join(" ")}: exit ${r.code}, stderr ${r.stderr}`);
    assert.equal(r.stdout, "", args.join(" "));
    assert.match(
      r.stderr,
      /^charger: [^\n]+\n$/,
      `${args.join(" ")}: one line, got ${JSON.stringify(r.stderr)}`,
    );
    assert.match(r.stderr, message);
  }
});

Deno.test("CLI: --help describes every flag and exits 0", async () => {
  const r = await runCli(["--help"]);
  assert.equal(r.code, 0);
  for (
    const flag of [
      "--id",
      "--url",
      "--connectors",
      "--vendor",
      "--model",
      "--password",
      "--power-kw",
      "--battery-kwh",
      "--soc",
      "--target-soc",
      "--count",
      "--id-prefix",
      "--auto",
      "--seed",
      "--speed",
      "--log",
      "--config",
      "--ocpp",
      "--ocpp-mix",
    ]
  ) assert.ok(r.stdout.includes(flag), `help lacks ${flag}`);
});

Deno.test("CLI: --ocpp 2.0.1 boots a 2.0.1 station; --ocpp-mix splits a fleet between the protocols", async () => {
  const booted: string[] = [];
  const peer = await startPeerServer(["ocpp2.0.1"], (c) => {
    c.handle("BootNotification", () => {
      booted.push(c.identity);
      return { currentTime: new Date().toISOString(), interval: 300, status: "Accepted" };
    });
    c.handle("StatusNotification", () => ({}));
  });
  const single = spawnCli([
    "--ocpp",
    "2.0.1",
    "--id",
    "CS-CLI",
    "--url",
    peer.url,
    "--log",
    "json",
    "--config",
    "SampledDataCtrlr.TxUpdatedInterval=5",
  ]);
  const fleet = spawnCli([
    "--count",
    "4",
    "--id-prefix",
    "MIXCLI-",
    "--ocpp-mix",
    "1.6=50,2.0.1=50",
    "--url",
    peer.url,
    "--log",
    "json",
  ]);
  try {
    await single.waitFor("the 2.0.1 boot", /"type":"boot","status":"Accepted"/);
    assert.match(single.stdout(), /"protocol":"ocpp2.0.1"/);
    // The peer speaks only 2.0.1: the fleet's two 2.0.1 stations get in, its 1.6 ones are refused.
    await fleet.waitFor("two boots", /"charger":"MIXCLI-004","type":"boot","status":"Accepted"/);
    await fleet.waitFor("the first boot", /"charger":"MIXCLI-003","type":"boot","status":"Accepted"/);
    assert.deepEqual(booted.filter((id) => id.startsWith("MIXCLI-")).sort(), ["MIXCLI-003", "MIXCLI-004"]);
    assert.doesNotMatch(fleet.stdout(), /"charger":"MIXCLI-00[12]","type":"boot"/);
  } finally {
    assert.equal(await single.stop(), 0);
    assert.equal(await fleet.stop(), 0);
    await peer.close();
  }
});

Deno.test("CLI: a charger in json mode boots, charges on a remote start, and exits 0 on SIGTERM", async () => {
  const csms = new TestCsms();
  const cli = spawnCli([
    "--id",
    "CP-CLI",
    "--url",
    csms.url,
    "--log",
    "json",
    "--power-kw",
    "22",
    "--battery-kwh",
    "2",
    "--config",
    "MeterValueSampleInterval=1",
  ]);
  try {
    await csms.next("CP-CLI", "StatusNotification", (p) => p.connectorId === 1);
    assert.deepEqual(await csms.call("CP-CLI", "RemoteStartTransaction", { idTag: "CLI" }), {
      status: "Accepted",
    });
    await csms.until("two samples", () => csms.of("CP-CLI", "MeterValues").length >= 2);
    await cli.waitFor("two meterValues lines", /meterValues[\s\S]*meterValues/);
  } finally {
    assert.equal(await cli.stop(), 0);
    await csms.close();
  }
  const lines = cli.stdout().trim().split("\n").map((l) => JSON.parse(l));
  assert.ok(lines.every((l) => l.charger === "CP-CLI" && typeof l.at === "string"));
  assert.ok(lines.some((l) => l.type === "boot" && l.status === "Accepted"));
  assert.ok(lines.some((l) => l.type === "command" && l.action === "RemoteStartTransaction"));
  assert.ok(lines.some((l) => l.type === "status" && l.connectorId === 1 && l.status === "Charging"));
  const socs = lines.filter((l) => l.type === "meterValues").map((l) => l.socPct);
  assert.ok(socs.length >= 2 && socs[socs.length - 1] > socs[0], `SoC rises: ${socs}`);
});

Deno.test("CLI: pretty mode shows a live line for a charger, and a summary for a fleet", async () => {
  const csms = new TestCsms();
  const single = spawnCli(["--id", "CP-PRETTY", "--url", csms.url]);
  const fleet = spawnCli(["--count", "3", "--id-prefix", "CLI-", "--url", csms.url]);
  try {
    await single.waitFor("boot line", /CP-PRETTY boot Accepted/);
    await single.waitFor("live line", /CP-PRETTY online \| #1 Available/);
    assert.match(single.stdout(), /simulated time runs 60x the wall clock/);
    await csms.until("the fleet registers", () => csms.of("CLI-003", "StatusNotification").length >= 2);
    assert.equal(csms.connections("CLI-001"), 1);
  } finally {
    assert.equal(await single.stop(), 0);
    assert.equal(await fleet.stop(), 0);
    await csms.close();
  }
  // A fleet prints no per-charger chatter, only summaries (a last one on the way out).
  assert.match(fleet.stdout(), /fleet 3: 3 online, 3 accepted \| Available 3/);
  assert.doesNotMatch(fleet.stdout(), /CLI-001 boot/);
});

Deno.test("CLI: on the defaults a transaction's meter is read at once, then each second with the shown SoC moving", async () => {
  // A strict ocpp-rpc central system: every frame the simulator sends is schema-checked by someone else.
  type Frame = { action: string; params: Record<string, unknown> & { meterValue?: Sampled[] } };
  type Sampled = {
    timestamp: string;
    sampledValue: { value: string; measurand?: string; context?: string }[];
  };
  const frames: Frame[] = [];
  const peer = await startPeerServer(["ocpp1.6"], (c) => {
    const answer = (action: string, res: unknown) =>
      c.handle(action, ({ params }) => {
        frames.push({ action, params });
        return res;
      });
    answer("BootNotification", { currentTime: new Date().toISOString(), interval: 300, status: "Accepted" });
    answer("StatusNotification", {});
    answer("Heartbeat", { currentTime: new Date().toISOString() });
    answer("StartTransaction", { transactionId: 77, idTagInfo: { status: "Accepted" } });
    answer("MeterValues", {});
    answer("StopTransaction", { idTagInfo: { status: "Accepted" } });
  });
  const t0 = Date.now();
  const cli = spawnCli(["--url", peer.url, "--log", "json"]);
  const read = (mv: Sampled, name: string) => {
    const v = mv.sampledValue.find((s) => (s.measurand ?? "Energy.Active.Import.Register") === name)?.value;
    return v === undefined ? undefined : Number(v);
  };
  const samples = () =>
    frames.filter((f) => f.action === "MeterValues" && f.params.transactionId === 77).map((f) =>
      f.params.meterValue![0]
    );
  try {
    const station = await peer.nextClient();
    await cli.waitFor("connector 1 Available", /"connectorId":1,"status":"Available"/);
    assert.deepEqual(await station.call("RemoteStartTransaction", { idTag: "LIVELY" }), {
      status: "Accepted",
    });
    const deadline = Date.now() + 30_000;
    while (samples().length < 6 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.ok(samples().length >= 6, `six samples of the transaction, got ${samples().length}`);
    assert.deepEqual(
      await station.call("GetConfiguration", { key: ["MeterValueSampleInterval"] }),
      { configurationKey: [{ key: "MeterValueSampleInterval", readonly: false, value: "60" }] },
    );
  } finally {
    assert.equal(await cli.stop(), 0);
    await peer.close();
  }
  const start = frames.find((f) => f.action === "StartTransaction")!;
  const [begin, ...periodic] = samples();
  // At once: the first MeterValues follows StartTransaction with the meter as the transaction opened.
  const afterStart = frames.slice(frames.indexOf(start) + 1).find((f) => f.action === "MeterValues")!;
  assert.equal(afterStart.params.meterValue![0], begin);
  assert.equal(begin.sampledValue[0].context, "Transaction.Begin");
  assert.equal(read(begin, "Energy.Active.Import.Register"), start.params.meterStart);
  assert.equal(read(begin, "SoC"), DEFAULTS.soc);
  // Each periodic sample is a simulated minute (60 s at 11 kW is 183 Wh), and the state of charge the
  // portal shows moves with every one.
  const wh = periodic.map((mv) => read(mv, "Energy.Active.Import.Register")!);
  const shown = periodic.map((mv) => formatPercent(read(mv, "SoC")));
  for (let i = 1; i < periodic.length; i++) {
    assert.ok(wh[i] - wh[i - 1] >= 182, `a simulated minute between samples: ${wh.join(", ")}`);
    assert.notEqual(shown[i], shown[i - 1], `the shown SoC moves each sample: ${shown.join(", ")}`);
  }
  // A simulated minute each wall-clock second: the energy over the samples' real timestamps runs at 60 times
  // its real-time pace (11 kW is 3.06 Wh a second).
  const at = periodic.map((mv) => Date.parse(mv.timestamp));
  assert.ok(at.every((t) => t >= t0 && t <= Date.now()), "OCPP timestamps stay on the wall clock");
  const speed = ((wh.at(-1)! - wh[0]) / ((at.at(-1)! - at[0]) / 1000)) / (DEFAULTS.powerKw * 1000 / 3600);
  assert.ok(
    Math.abs(speed - SINGLE_CHARGER_DEFAULTS.speed) < SINGLE_CHARGER_DEFAULTS.speed * 0.05,
    `charging ran ${speed.toFixed(1)} times real time`,
  );
});
