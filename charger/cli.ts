/**
 * Command-line flags to simulator options, pure: parsing is node:util's
 * parseArgs; every value is checked here or by the options' own rules, and a
 * bad one comes back as a single line for stderr.
 */
import { parseArgs } from "node:util";
import { DEFAULT_AUTO_TIMING, MAX_AUTO_TAGS } from "./auto.ts";
import { DEFAULT_TAPER_START_PCT } from "./battery.ts";
import { coreConfiguration } from "./config_store.ts";
import { fleetIds, type FleetOptions, MAX_FLEET } from "./fleet.ts";
import { stationModel } from "./ocpp201/device_model.ts";
import { isProtocol, parseMix, PROTOCOLS } from "./ocpp_mix.ts";
import type { LogMode } from "./output.ts";
import {
  type ChargePointOptions,
  checkChargePointOptions,
  checkId,
  DEFAULTS,
  OptionError,
  SINGLE_CHARGER_DEFAULTS,
} from "./options.ts";
import { MAX_SPEED, MIN_SPEED } from "./sim_clock.ts";

export const DEFAULT_URL = "ws://127.0.0.1:9000/ocpp";
export const DEFAULT_ID = "CP-001";

/** What one charger on the defaults adds to the car's state of charge per wall-clock second, in %. */
const SINGLE_SOC_PCT_PER_S =
  ((DEFAULTS.powerKw * SINGLE_CHARGER_DEFAULTS.speed / 3600) / DEFAULTS.batteryKwh * 100)
    .toFixed(1);

export const HELP = `Chargewire charger simulator: an OCPP 1.6J charge point or OCPP 2.0.1 charging
station (or a fleet of them).

Usage: deno task charger [flags]

Connection
  --url URL            central system base URL; the charger connects to URL/ID
                       with subprotocol ocpp1.6 or ocpp2.0.1 (default ${DEFAULT_URL})
  --ocpp VERSION       protocol: 1.6 (default) or 2.0.1
  --id ID              charge point identity (default ${DEFAULT_ID})
  --password PASS      HTTP Basic auth password (the AuthorizationKey), OCPP security
                       profiles 1 and 2 (user: the id); profile 2 is a wss:// URL. To trust
                       a private CA, run with DENO_CERT=ca.pem in the environment

Charger
  --connectors N       number of connectors, 1-64 (default ${DEFAULTS.connectors}); with 2.0.1, N EVSEs
                       of one connector each
  --vendor NAME        vendor in BootNotification, 1-20 chars (default ${DEFAULTS.vendor})
  --model NAME         model in BootNotification, 1-20 chars (default ${DEFAULTS.model})
  --power-kw KW        maximum power per connector (default ${DEFAULTS.powerKw})
  --config KEY=VALUE   set an OCPP configuration key at start, e.g. MeterValueSampleInterval=5;
                       with 2.0.1 a device-model variable as Component.Variable[:Instance],
                       e.g. SampledDataCtrlr.TxUpdatedInterval=5 (repeatable; unknown keys and
                       invalid values are refused; not with --ocpp-mix)

Time
  --speed N            time factor, ${MIN_SPEED}-${MAX_SPEED}: the battery, the meter's sample intervals and
                       the --auto timings run N times as fast; OCPP timestamps, heartbeats and
                       retries stay real (default ${SINGLE_CHARGER_DEFAULTS.speed} for one charger, ${DEFAULTS.speed} for a fleet)

  One charger (no --count) without --speed starts lively: --speed ${SINGLE_CHARGER_DEFAULTS.speed} and a periodic sample every
  ${SINGLE_CHARGER_DEFAULTS.sampleIntervalS} simulated seconds (MeterValueSampleInterval=${SINGLE_CHARGER_DEFAULTS.sampleIntervalS}; 2.0.1:
  SampledDataCtrlr.TxUpdatedInterval=${SINGLE_CHARGER_DEFAULTS.sampleIntervalS}), each unless given: a transaction's meter is
  read as it starts and then every second, and at ${DEFAULTS.powerKw} kW into ${DEFAULTS.batteryKwh} kWh the state of charge
  rises ${SINGLE_SOC_PCT_PER_S} % a second up to the taper at ${DEFAULT_TAPER_START_PCT} %. A fleet, or any --speed given,
  keeps the keys' own defaults (MeterValueSampleInterval=10); a fleet runs in real time.

Car
  --battery-kwh KWH    battery capacity of the car that plugs in (default ${DEFAULTS.batteryKwh})
  --soc PCT            state of charge on arrival (default ${DEFAULTS.soc})
  --target-soc PCT     the car stops drawing here: SuspendedEV (default ${DEFAULTS.targetSoc})

Fleet and automation
  --count N            run N chargers in this process, 1-${MAX_FLEET} (default 1)
  --id-prefix PREFIX   fleet ids: PREFIX001, PREFIX002, ... (default CP-)
  --ocpp-mix MIX       protocols by share of the fleet, whole percentages summing to 100,
                       e.g. 1.6=70,2.0.1=30 (the first 70 % of the ids speak 1.6)
  --auto               generate random idle and charging sessions
  --seed N             seed of --auto; the same seed replays the same sessions (default ${DEFAULTS.seed})
  --auto-tags N        distinct driver badges --auto draws from, 1-${MAX_AUTO_TAGS} (default ${DEFAULT_AUTO_TIMING.idTags}); a
                       badge already charging elsewhere is refused (ConcurrentTx), so a large
                       fleet that should keep charging needs many more badges than chargers

Output
  --log MODE           pretty (default): readable lines and a live status line;
                       json: one JSON object per line
  -h, --help           show this help

Examples
  deno task charger --id CP-001 --url ws://127.0.0.1:9000/ocpp
  deno task charger --ocpp 2.0.1 --id CS-001 --connectors 2
  deno task charger --count 500 --id-prefix SIM- --auto --seed 7 --log json
  deno task charger --count 100 --ocpp-mix 1.6=70,2.0.1=30 --auto
`;

export interface RunOptions {
  /** Options shared by every charger; `id` is set for a single charger. */
  charger: ChargePointOptions;
  /** Present when more than one charger runs. */
  fleet?: Pick<FleetOptions, "count" | "idPrefix" | "ocppMix">;
  log: LogMode;
}

export type CliResult =
  | { kind: "help"; text: string }
  | { kind: "error"; message: string }
  | { kind: "run"; options: RunOptions };

const FLAGS = {
  url: { type: "string" },
  ocpp: { type: "string" },
  "ocpp-mix": { type: "string" },
  id: { type: "string" },
  password: { type: "string" },
  connectors: { type: "string" },
  vendor: { type: "string" },
  model: { type: "string" },
  "power-kw": { type: "string" },
  config: { type: "string", multiple: true },
  "battery-kwh": { type: "string" },
  soc: { type: "string" },
  "target-soc": { type: "string" },
  count: { type: "string" },
  "id-prefix": { type: "string" },
  auto: { type: "boolean" },
  "auto-tags": { type: "string" },
  seed: { type: "string" },
  speed: { type: "string" },
  log: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

class FlagError extends Error {}

function autoOption(auto: boolean, tags: number | undefined): ChargePointOptions["auto"] {
  if (tags === undefined) return auto;
  if (!auto) throw new FlagError("--auto-tags sets --auto's badges; use it with --auto");
  if (tags < 1 || tags > MAX_AUTO_TAGS) {
    throw new FlagError(`--auto-tags must be from 1 to ${MAX_AUTO_TAGS} (got ${tags})`);
  }
  return { idTags: tags };
}

function parseFlags(args: readonly string[]) {
  return parseArgs({ args: [...args], options: FLAGS, strict: true, allowPositionals: false });
}

function number(flag: string, v: string | undefined, integer = false): number | undefined {
  if (v === undefined) return undefined;
  const pattern = integer ? /^-?\d+$/ : /^-?(\d+\.?\d*|\.\d+)$/;
  if (!pattern.test(v.trim())) {
    throw new FlagError(
      `--${flag} must be ${integer ? "an integer" : "a number"} (got ${JSON.stringify(v)})`,
    );
  }
  return Number(v);
}

/** node:util's messages are long and name the API; ours name the flag and stay on one line. */
function parseArgsMessage(err: unknown): string {
  const e = err as { code?: string; message?: string };
  const msg = (e.message ?? String(err)).split("\n")[0];
  const flag = /'(-{1,2}[^' ]+)/.exec(msg)?.[1];
  switch (e.code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
      return `unknown flag ${flag ?? msg} (see --help)`;
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
      return flag ? `${flag} needs a value` : msg;
    case "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL":
      return `unexpected argument ${/'([^']*)'/.exec(msg)?.[1] ?? msg} (flags start with --; see --help)`;
    default:
      return msg;
  }
}

export function parseCli(args: readonly string[]): CliResult {
  let values: ReturnType<typeof parseFlags>["values"];
  try {
    ({ values } = parseFlags(args));
  } catch (err) {
    return { kind: "error", message: parseArgsMessage(err) };
  }
  if (values.help) return { kind: "help", text: HELP };
  const s = (k: keyof typeof FLAGS) => values[k] as string | undefined;
  try {
    const log = s("log") ?? "pretty";
    if (log !== "pretty" && log !== "json") {
      throw new FlagError(`--log must be pretty or json (got ${JSON.stringify(log)})`);
    }
    const count = number("count", s("count"), true) ?? 1;
    if (count < 1 || count > MAX_FLEET) {
      throw new FlagError(`--count must be from 1 to ${MAX_FLEET} (got ${count})`);
    }
    if (count > 1 && s("id") !== undefined) {
      throw new FlagError("--id names one charger; use --id-prefix with --count");
    }
    const ocpp = s("ocpp");
    if (ocpp !== undefined && !isProtocol(ocpp)) {
      throw new FlagError(`--ocpp must be ${PROTOCOLS.join(" or ")} (got ${JSON.stringify(ocpp)})`);
    }
    let ocppMix: FleetOptions["ocppMix"];
    if (s("ocpp-mix") !== undefined) {
      if (ocpp !== undefined) throw new FlagError("--ocpp and --ocpp-mix exclude each other");
      if (count < 2) throw new FlagError("--ocpp-mix mixes a fleet; use it with --count N (N > 1)");
      try {
        ocppMix = parseMix(s("ocpp-mix")!);
      } catch (err) {
        throw new FlagError((err as Error).message);
      }
      if (values.config !== undefined) {
        throw new FlagError("--config names one protocol's settings; it cannot go with --ocpp-mix");
      }
    }
    const config: Record<string, string> = {};
    for (const kv of (values.config as string[] | undefined) ?? []) {
      const eq = kv.indexOf("=");
      if (eq <= 0) throw new FlagError(`--config takes KEY=VALUE (got ${JSON.stringify(kv)})`);
      config[kv.slice(0, eq).trim()] = kv.slice(eq + 1).trim();
    }
    let speed = number("speed", s("speed"));
    // Lively only when the user chose no speed: `--speed 1` asks for real time, the keys' own defaults too.
    if (count === 1 && speed === undefined) {
      speed = SINGLE_CHARGER_DEFAULTS.speed;
      const key = ocpp === "2.0.1" ? "SampledDataCtrlr.TxUpdatedInterval" : "MeterValueSampleInterval";
      if (!Object.keys(config).some((k) => k.toLowerCase() === key.toLowerCase())) {
        config[key] = String(SINGLE_CHARGER_DEFAULTS.sampleIntervalS);
      }
    }
    const charger: ChargePointOptions = {
      id: s("id") ?? DEFAULT_ID,
      ocpp,
      url: s("url") ?? DEFAULT_URL,
      connectors: number("connectors", s("connectors"), true),
      vendor: s("vendor"),
      model: s("model"),
      password: s("password"),
      powerKw: number("power-kw", s("power-kw")),
      batteryKwh: number("battery-kwh", s("battery-kwh")),
      soc: number("soc", s("soc")),
      targetSoc: number("target-soc", s("target-soc")),
      auto: autoOption(values.auto === true, number("auto-tags", s("auto-tags"), true)),
      seed: number("seed", s("seed"), true),
      speed,
      config: Object.keys(config).length > 0 ? config : undefined,
    };
    for (const k of Object.keys(charger) as (keyof ChargePointOptions)[]) {
      if (charger[k] === undefined) delete charger[k];
    }
    const idPrefix = s("id-prefix") ?? "CP-";
    if (count > 1) checkId(fleetIds(count, idPrefix)[count - 1], "id-prefix");
    checkChargePointOptions(charger);
    const connectors = charger.connectors ?? DEFAULTS.connectors;
    const store = ocpp === "2.0.1"
      ? stationModel({
        evses: connectors,
        maxW: 0,
        phases: 3,
        vendor: DEFAULTS.vendor,
        model: DEFAULTS.model,
        securityProfile: 0,
        availability: () => "Available",
      })
      : coreConfiguration({ connectors });
    for (const [k, v] of Object.entries(config)) {
      const err = "configure" in store ? store.configure(k, v) : store.set(k, v);
      if (err) throw new FlagError(`--config: ${err}`);
    }
    return {
      kind: "run",
      options: {
        charger,
        log,
        fleet: count > 1 ? { count, idPrefix, ...(ocppMix && { ocppMix }) } : undefined,
      },
    };
  } catch (err) {
    if (err instanceof FlagError) return { kind: "error", message: err.message };
    // Option rules are named after the options; on the command line they are flags.
    if (err instanceof OptionError) {
      return { kind: "error", message: err.message.replace(/^([a-z-]+) /, "--$1 ") };
    }
    throw err;
  }
}
