/**
 * Options of one simulated charge point, their defaults, and the one place
 * that checks them: the CLI reports these messages as they are, and the
 * programmatic API throws them.
 */
import { MAX_CHARGER_ID_LENGTH } from "../shared/identifiers.ts";
import type { AutoTiming } from "./auto.ts";
import type { ChargerEventRecord } from "./events.ts";
import type { OcppProtocol } from "./handle.ts";
import { MAX_SPEED, MIN_SPEED } from "./sim_clock.ts";
import type { Ticker } from "./ticker.ts";
import type { BackoffOptions, ConnectGate } from "./transport.ts";

export interface ChargePointOptions {
  /** Charge point identity: the last segment of the connection URL. */
  id: string;
  /** The protocol spoken: "1.6" (default) or "2.0.1". */
  ocpp?: OcppProtocol;
  /** Central system base URL, e.g. ws://127.0.0.1:9000/ocpp; the charger connects to `${url}/${id}`. */
  url: string;
  connectors?: number;
  vendor?: string;
  model?: string;
  /** HTTP Basic auth password (OCPP security profile 1); the user name is the id. */
  password?: string;
  /** The charger's maximum power per connector, in kW. */
  powerKw?: number;
  /** Battery of the car that plugs in, in kWh. */
  batteryKwh?: number;
  /** The car's state of charge on arrival, in %. */
  soc?: number;
  /** Where the car stops drawing, in %. */
  targetSoc?: number;
  /** Generate random sessions; an object tunes the timing. */
  auto?: boolean | Partial<AutoTiming>;
  /**
   * Time factor: the battery, the sample intervals and the automatic drivers run this many times as
   * fast as the wall clock (sim_clock.ts); OCPP timestamps and heartbeats stay real. Default 1.
   */
  speed?: number;
  /** Seed of the automatic sessions; the same seed replays the same sessions. */
  seed?: number;
  /** Initial configuration values (key to value), as if set by ChangeConfiguration. */
  config?: Record<string, string>;
  onEvent?: (event: ChargerEventRecord) => void;
  backoff?: BackoffOptions;
  connectTimeoutMs?: number;
  /** How long to wait for the central system's answer to a CALL. */
  callTimeoutMs?: number;
  /** How long a reset keeps the charger off line, in ms. */
  rebootDelayMs?: number;
  /** How long a driver takes to unplug after a transaction ends with the cable in, in ms. */
  unplugDelayMs?: number;
  /** Retry delay for a BootNotification that got no usable answer, in ms. */
  bootRetryMs?: number;
  /** Simulation step, in ms (a shared ticker's interval wins). */
  tickMs?: number;
  /** A fleet's shared clock and handshake limiter. */
  ticker?: Ticker;
  gate?: ConnectGate;
  /** Position in a fleet: separates the random streams of chargers sharing a seed. */
  index?: number;
}

export const DEFAULTS = {
  connectors: 1,
  vendor: "Chargewire",
  model: "Simulator",
  powerKw: 11,
  batteryKwh: 60,
  soc: 20,
  targetSoc: 100,
  seed: 1,
  speed: 1,
  callTimeoutMs: 30_000,
  rebootDelayMs: 2_000,
  unplugDelayMs: 3_000,
  bootRetryMs: 10_000,
  tickMs: 1_000,
} as const;

/**
 * One charger on its own (the CLI without --count) is mostly watched live in the portal: a wall-clock
 * second is a simulated minute and the meter is read once a simulated minute, so a sample arrives every
 * second and, at 11 kW into 60 kWh (0.3 % a minute), the state of charge the portal shows to 0.1 %
 * moves with each one until the taper above 80 %. A fleet keeps real time and the keys' own defaults.
 */
export const SINGLE_CHARGER_DEFAULTS = {
  speed: 60,
  /** Simulated seconds between periodic samples (1.6 MeterValueSampleInterval, 2.0.1 TxUpdatedInterval). */
  sampleIntervalS: 60,
} as const;

export const MAX_CONNECTORS = 64;
/** The simulator's ids are ASCII (ID_PATTERN), so their length in characters is their `length`. */
export const MAX_ID_LENGTH = MAX_CHARGER_ID_LENGTH;
/** Characters safe in a URL path segment and in a Basic auth user name (no ':' nor '/'). */
export const ID_PATTERN = /^[A-Za-z0-9._\-*+|@]+$/;

export class OptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OptionError";
  }
}

export function checkId(id: string, what = "id"): void {
  if (id.length === 0 || id.length > MAX_ID_LENGTH) {
    throw new OptionError(`${what} must be 1 to ${MAX_ID_LENGTH} characters (got ${JSON.stringify(id)})`);
  }
  if (!ID_PATTERN.test(id)) {
    throw new OptionError(
      `${what} may hold only letters, digits and . _ - * + | @ (got ${JSON.stringify(id)})`,
    );
  }
}

export function checkUrl(url: string): void {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new OptionError(`url is not a valid URL: ${JSON.stringify(url)}`);
  }
  if (u.protocol !== "ws:" && u.protocol !== "wss:") {
    throw new OptionError(`url must start with ws:// or wss:// (got ${JSON.stringify(url)})`);
  }
}

function checkRange(name: string, v: number, min: number, max: number, integer = false): void {
  if (!Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) {
    throw new OptionError(
      `${name} must be ${integer ? "an integer" : "a number"} from ${min} to ${max} (got ${v})`,
    );
  }
}

function checkText(name: string, v: string, max: number): void {
  if (v.length === 0 || v.length > max) {
    throw new OptionError(`${name} must be 1 to ${max} characters (got ${v.length})`);
  }
}

/** Throws OptionError naming the first bad option. */
export function checkChargePointOptions(o: ChargePointOptions): void {
  checkId(o.id);
  checkUrl(o.url);
  if (o.ocpp !== undefined && o.ocpp !== "1.6" && o.ocpp !== "2.0.1") {
    throw new OptionError(`ocpp must be 1.6 or 2.0.1 (got ${JSON.stringify(o.ocpp)})`);
  }
  if (o.connectors !== undefined) checkRange("connectors", o.connectors, 1, MAX_CONNECTORS, true);
  // CiString20 in BootNotification.
  if (o.vendor !== undefined) checkText("vendor", o.vendor, 20);
  if (o.model !== undefined) checkText("model", o.model, 20);
  if (o.password !== undefined) checkText("password", o.password, 40);
  if (o.powerKw !== undefined) checkRange("power-kw", o.powerKw, 0.1, 1000);
  if (o.batteryKwh !== undefined) checkRange("battery-kwh", o.batteryKwh, 0.1, 1000);
  if (o.soc !== undefined) checkRange("soc", o.soc, 0, 100);
  if (o.targetSoc !== undefined) checkRange("target-soc", o.targetSoc, 1, 100);
  if (o.seed !== undefined) checkRange("seed", o.seed, -(2 ** 31), 2 ** 31 - 1, true);
  if (o.speed !== undefined) checkRange("speed", o.speed, MIN_SPEED, MAX_SPEED);
}
