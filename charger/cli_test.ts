import assert from "node:assert/strict";
import { DEFAULT_ID, DEFAULT_URL, parseCli } from "./cli.ts";
import { SINGLE_CHARGER_DEFAULTS } from "./options.ts";
import { MAX_SPEED, MIN_SPEED } from "./sim_clock.ts";

Deno.test("cli: no flags run one charger on the defaults", () => {
  const r = parseCli([]);
  assert.equal(r.kind, "run");
  if (r.kind !== "run") return;
  assert.deepEqual(r.options, {
    charger: {
      id: DEFAULT_ID,
      url: DEFAULT_URL,
      auto: false,
      speed: SINGLE_CHARGER_DEFAULTS.speed,
      config: { MeterValueSampleInterval: String(SINGLE_CHARGER_DEFAULTS.sampleIntervalS) },
    },
    log: "pretty",
    fleet: undefined,
  });
});

Deno.test("cli: one charger is lively unless told otherwise; a fleet keeps real time and the keys' defaults", () => {
  const run = (args: string[]) => {
    const r = parseCli(args);
    assert.equal(r.kind, "run", JSON.stringify(r));
    return r.kind === "run" ? r.options.charger : undefined!;
  };
  assert.equal(run(["--speed", "2.5"]).speed, 2.5);
  assert.deepEqual(run(["--config", "metervaluesampleinterval=7"]).config, { metervaluesampleinterval: "7" });
  assert.deepEqual(run(["--ocpp", "2.0.1"]).config, {
    "SampledDataCtrlr.TxUpdatedInterval": String(SINGLE_CHARGER_DEFAULTS.sampleIntervalS),
  });
  const fleet = run(["--count", "3"]);
  assert.equal(fleet.speed, undefined);
  assert.equal(fleet.config, undefined);
  assert.equal(run(["--count", "3", "--speed", "10"]).speed, 10);
});

Deno.test("cli: a bad --speed is one line naming the flag and the range", () => {
  for (
    const [args, message] of [
      [["--speed", "0"], `--speed must be a number from ${MIN_SPEED} to ${MAX_SPEED} (got 0)`],
      [["--speed", "1001"], `--speed must be a number from ${MIN_SPEED} to ${MAX_SPEED} (got 1001)`],
      [["--speed", "fast"], '--speed must be a number (got "fast")'],
      [["--speed=-2"], "--speed must be a number from 0.1 to 1000 (got -2)"],
      [["--speed"], "--speed needs a value"],
      [
        ["--count", "2", "--speed", "0.01"],
        `--speed must be a number from ${MIN_SPEED} to ${MAX_SPEED} (got 0.01)`,
      ],
    ] as const
  ) {
    assert.deepEqual(parseCli(args), { kind: "error", message }, args.join(" "));
  }
});

Deno.test("cli: every flag lands in its option", () => {
  const r = parseCli([
    "--id=CP-9",
    "--url",
    "wss://cs.example.test/ocpp/",
    "--connectors",
    "2",
    "--vendor",
    "Acme",
    "--model",
    "X",
    "--password",
    "secret-secret-123",
    "--power-kw",
    "7.4",
    "--battery-kwh",
    "40",
    "--soc",
    "15.5",
    "--target-soc",
    "80",
    "--auto",
    // parseArgs reads "-3" as a flag; a negative value goes after "=".
    "--seed=-3",
    "--speed",
    "12.5",
    "--log",
    "json",
    "--config",
    "MeterValueSampleInterval=5",
    "--config",
    "AuthorizeRemoteTxRequests=true",
  ]);
  assert.equal(r.kind, "run");
  if (r.kind !== "run") return;
  assert.deepEqual(r.options, {
    charger: {
      id: "CP-9",
      url: "wss://cs.example.test/ocpp/",
      connectors: 2,
      vendor: "Acme",
      model: "X",
      password: "secret-secret-123",
      powerKw: 7.4,
      batteryKwh: 40,
      soc: 15.5,
      targetSoc: 80,
      auto: true,
      seed: -3,
      speed: 12.5,
      config: { MeterValueSampleInterval: "5", AuthorizeRemoteTxRequests: "true" },
    },
    log: "json",
    fleet: undefined,
  });
});

Deno.test("cli: --count makes a fleet with the prefix", () => {
  const r = parseCli(["--count", "1000", "--id-prefix", "SIM-"]);
  assert.equal(r.kind, "run");
  if (r.kind !== "run") return;
  assert.deepEqual(r.options.fleet, { count: 1000, idPrefix: "SIM-" });
});

Deno.test("cli: --auto-tags widens --auto's badges", () => {
  const r = parseCli(["--count", "10", "--auto", "--auto-tags", "100000"]);
  assert.equal(r.kind, "run");
  if (r.kind !== "run") return;
  assert.deepEqual(r.options.charger.auto, { idTags: 100_000 });
});

Deno.test("cli: --help and -h", () => {
  assert.equal(parseCli(["--help"]).kind, "help");
  assert.equal(
    parseCli(["-h", "--bogus-but-later"]).kind,
    "error",
    "strict parsing sees the unknown flag first",
  );
  assert.equal(parseCli(["-h"]).kind, "help");
});

Deno.test("cli: bad values come back as one line naming the flag", () => {
  const cases: [string[], string][] = [
    [["--power-kw", "1e3"], "--power-kw must be a number"],
    [["--power-kw", "0"], "--power-kw must be a number from 0.1 to 1000 (got 0)"],
    [["--target-soc", "0"], "--target-soc must be a number from 1 to 100 (got 0)"],
    [["--battery-kwh", ""], "--battery-kwh must be a number"],
    [["--count", "2", "--id-prefix", "X".repeat(46)], "--id-prefix must be 1 to 48 characters"],
    [["--config", "novalue"], "--config takes KEY=VALUE"],
    [["--password", "p".repeat(41)], "--password must be 1 to 40 characters (got 41)"],
    [["--url", "not a url"], "--url is not a valid URL"],
    [["--auto=yes"], "--auto"],
    [["--auto-tags", "100"], "--auto-tags sets --auto's badges; use it with --auto"],
    [["--auto", "--auto-tags", "0"], "--auto-tags must be from 1 to 1000000 (got 0)"],
    [["--auto", "--auto-tags", "1.5"], "--auto-tags must be an integer"],
  ];
  for (const [args, prefix] of cases) {
    const r = parseCli(args);
    assert.equal(r.kind, "error", args.join(" "));
    if (r.kind !== "error") continue;
    assert.ok(r.message.startsWith(prefix), `${args.join(" ")}: ${r.message}`);
    assert.ok(!r.message.includes("\n"));
  }
});

Deno.test("cli: --ocpp and --ocpp-mix land in the options", () => {
  const one = parseCli(["--ocpp", "2.0.1", "--config", "SampledDataCtrlr.TxUpdatedInterval=5"]);
  assert.equal(one.kind, "run");
  if (one.kind !== "run") return;
  assert.equal(one.options.charger.ocpp, "2.0.1");
  assert.deepEqual(one.options.charger.config, { "SampledDataCtrlr.TxUpdatedInterval": "5" });
  const mix = parseCli(["--count", "10", "--ocpp-mix", "1.6=70,2.0.1=30"]);
  assert.equal(mix.kind, "run");
  if (mix.kind !== "run") return;
  assert.deepEqual(mix.options.fleet, {
    count: 10,
    idPrefix: "CP-",
    ocppMix: [{ protocol: "1.6", percent: 70 }, { protocol: "2.0.1", percent: 30 }],
  });
  assert.equal(mix.options.charger.ocpp, undefined);
});
