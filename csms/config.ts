/**
 * CSMS configuration from environment variables. Every value is checked here,
 * once, so that a typo fails at start-up with one clear line instead of
 * misbehaving later. Durations keep the unit of their variable (seconds).
 */

import { DEFAULT_STALE_TX_MINUTES, type Deployment, loadDeployment } from "../shared/deployment.ts";
import {
  type Env,
  envValue as raw,
  type OperationsSettings,
  readOperationsEnv,
  readTlsEnv,
  type TlsFiles,
  type TlsMessages,
} from "../shared/env.ts";

export type AuthPolicy = "open" | "registered";

/**
 * Who may connect as a charger. open: unknown ids are registered on first contact (the dev default);
 * approve: the same, but registered with boot status Pending, so that an operator approves each;
 * registered: unknown ids are refused with 404; basic: only registered chargers with their AuthorizationKey.
 * Whatever the policy, a charger registered with a key must present it.
 */
export type ChargerPolicy = "open" | "approve" | "registered" | "basic";

export const CHARGER_POLICIES: readonly ChargerPolicy[] = ["open", "approve", "registered", "basic"];

/** TLS for OCPP security profile 2: the PEM texts, read once at start-up, and where they came from. */
export type TlsConfig = TlsFiles;

/**
 * DATABASE_URL, REDIS_URL and STALE_TX_MINUTES come from shared/deployment.ts, METRICS, METRICS_TOKEN,
 * LOG_FORMAT and LOG_LEVEL from shared/env.ts: read alike by the portal.
 */
export interface CsmsConfig extends Deployment, OperationsSettings {
  /** Interface to bind (HOST). */
  host: string;
  /** TCP port (CSMS_PORT); 0 picks a free one. */
  port: number;
  /** Where the SQLite database lives (DATA_DIR). */
  dataDir: string;
  /** Heartbeat interval handed to chargers in BootNotification, seconds (HEARTBEAT_INTERVAL). */
  heartbeatInterval: number;
  /**
   * The interval of a BootNotification answered Pending or Rejected: how long the charger waits before it
   * boots again, seconds (BOOT_RETRY_INTERVAL).
   */
  bootRetryInterval: number;
  /** open: unknown idTags are Accepted and recorded; registered: unknown idTags are Invalid (AUTH_POLICY). */
  authPolicy: AuthPolicy;
  /** Who may connect as a charger (CHARGER_POLICY). */
  chargerPolicy: ChargerPolicy;
  /** Serve wss:// with this certificate and key (TLS_CERT, TLS_KEY: PEM file paths); absent: ws://. */
  tls?: TlsConfig;
  /** Silence after which the CSMS pings a charger, and then waits as long again for any frame or pong, seconds; 0 disables (PING_INTERVAL). */
  pingInterval: number;
  /** Largest accepted frame in UTF-8 bytes; a larger one closes the socket with 1009 (MAX_FRAME_BYTES). */
  maxFrameBytes: number;
  /** Bad frames a charger may send in a sliding minute before it is disconnected; 0 never disconnects (BAD_FRAMES_PER_MINUTE). */
  badFramesPerMinute: number;
  /** Meter values older than this are deleted; 0 keeps them forever (METER_RETENTION_DAYS). */
  meterRetentionDays: number;
  /** Event log entries older than this are deleted; 0 keeps them forever (EVENT_RETENTION_DAYS). */
  eventRetentionDays: number;
  /** How long a command waits for the charger's answer, seconds (CALL_TIMEOUT). */
  callTimeout: number;
  /**
   * This CSMS node's name in stored presence and events (NODE_ID); absent: a new one is generated at each
   * start (generateNodeId), which is right for one node and for nodes that never restart in place.
   */
  nodeId?: string;
  /**
   * Where chargers reach this CSMS's file routes (FILES_URL, e.g. https://csms.example.com): the base of
   * the firmware and upload URLs it sends. Absent: http(s)://HOST:CSMS_PORT.
   */
  filesUrl?: string;
  /**
   * Event loops sharing the OCPP port (CSMS_WORKERS), each on its own thread with its share of chargers
   * (csms/loops.ts); 1 runs the CSMS on the main thread alone. Default 1: on the 2-core reference machine
   * two loops answered 0.59× of one loop's rate (docs/benchmarks.md, "workers"), since every store call
   * and event crosses threads; more loops are for machines with cores to spare, once measured there.
   */
  workers: number;
}

/** More loops than this is a typo, not a machine: each is a thread with its own V8 heap. */
export const MAX_WORKERS = 256;

/** A node id: 1 to 64 of A-Z, a-z, 0-9, '.', '_' and '-'. */
const NODE_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/** A fresh node id: `csms-` and 8 hex digits. */
export function generateNodeId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(4));
  return `csms-${[...bytes].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

export const DEFAULT_CSMS_CONFIG: Readonly<CsmsConfig> = {
  host: "127.0.0.1",
  port: 9000,
  dataDir: "./data",
  heartbeatInterval: 60,
  bootRetryInterval: 300,
  authPolicy: "open",
  chargerPolicy: "open",
  pingInterval: 30,
  maxFrameBytes: 65536,
  badFramesPerMinute: 30,
  meterRetentionDays: 90,
  eventRetentionDays: 90,
  callTimeout: 30,
  workers: 1,
  staleTransactionMinutes: DEFAULT_STALE_TX_MINUTES,
  metrics: true,
  logFormat: "text",
  logLevel: "info",
};

/** A configuration value that cannot be used; the message names the variable, the value and what is expected. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

function bad(name: string, value: string, expected: string): ConfigError {
  return new ConfigError(`invalid ${name}=${JSON.stringify(value)}: expected ${expected}`);
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const v = raw(env, name);
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
    throw bad(name, v, `an integer from ${min} to ${max}`);
  }
  return Number(v);
}

/** A decimal number of seconds or days: fractions are allowed so that tests can run on short clocks. */
function decimal(env: Env, name: string, fallback: number, min: number, max: number, unit: string): number {
  const v = raw(env, name);
  if (v === undefined) return fallback;
  if (!/^\d+(\.\d+)?$/.test(v) || Number(v) < min || Number(v) > max) {
    throw bad(name, v, `a number of ${unit} from ${min} to ${max}`);
  }
  return Number(v);
}

function oneOf<T extends string>(env: Env, name: string, fallback: T, allowed: readonly T[]): T {
  const v = raw(env, name);
  if (v === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(v)) throw bad(name, v, `one of ${allowed.join(", ")}`);
  return v as T;
}

function host(env: Env): string {
  const v = raw(env, "HOST");
  if (v === undefined) return DEFAULT_CSMS_CONFIG.host;
  // A host name or an IP literal (IPv6 with or without brackets); anything with spaces, a scheme or a path is a mistake.
  if (!/^(\[[0-9a-fA-F:.]+\]|[0-9a-fA-F:.]+|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?)$/.test(v)) {
    throw bad("HOST", v, "a host name or IP address such as 127.0.0.1 or 0.0.0.0");
  }
  return v.startsWith("[") ? v.slice(1, -1) : v;
}

const TLS_MESSAGES: TlsMessages = {
  unpaired: (set, missing) =>
    `${set} is set without ${missing}: set both (PEM file paths) to serve wss://, or neither`,
  notPem: (name, path) => `invalid ${name}=${JSON.stringify(path)}: expected a PEM file (-----BEGIN ...)`,
};

function filesUrl(env: Env): string | undefined {
  const v = raw(env, "FILES_URL");
  if (v === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(v);
  } catch { /* reported below */ }
  if (!url || !/^https?:$/.test(url.protocol) || url.search || url.hash) {
    throw bad("FILES_URL", v, "an http:// or https:// URL such as https://csms.example.com");
  }
  return v.replace(/\/+$/, "");
}

function nodeId(env: Env): string | undefined {
  const v = raw(env, "NODE_ID");
  if (v === undefined) return undefined;
  if (!NODE_ID_PATTERN.test(v)) throw bad("NODE_ID", v, "1 to 64 of A-Z, a-z, 0-9, '.', '_' and '-'");
  return v;
}

/** TLS_CERT and TLS_KEY go together; both files are read here so that a wrong path fails at start-up. */
function tls(env: Env): TlsConfig | undefined {
  return readTlsEnv(env, TLS_MESSAGES, (message) => new ConfigError(message));
}

/** Reads the CSMS settings from an environment; throws ConfigError on the first invalid value. */
export function loadCsmsConfig(env: Env): CsmsConfig {
  const d = DEFAULT_CSMS_CONFIG;
  const tlsConfig = tls(env);
  const node = nodeId(env);
  const files = filesUrl(env);
  return {
    host: host(env),
    port: integer(env, "CSMS_PORT", d.port, 0, 65535),
    dataDir: raw(env, "DATA_DIR") ?? d.dataDir,
    heartbeatInterval: integer(env, "HEARTBEAT_INTERVAL", d.heartbeatInterval, 1, 86400),
    bootRetryInterval: integer(env, "BOOT_RETRY_INTERVAL", d.bootRetryInterval, 1, 86400),
    authPolicy: oneOf(env, "AUTH_POLICY", d.authPolicy, ["open", "registered"]),
    chargerPolicy: oneOf(env, "CHARGER_POLICY", d.chargerPolicy, CHARGER_POLICIES),
    pingInterval: decimal(env, "PING_INTERVAL", d.pingInterval, 0, 3600, "seconds"),
    maxFrameBytes: integer(env, "MAX_FRAME_BYTES", d.maxFrameBytes, 1024, 16 * 1024 * 1024),
    badFramesPerMinute: integer(env, "BAD_FRAMES_PER_MINUTE", d.badFramesPerMinute, 0, 1_000_000),
    meterRetentionDays: decimal(env, "METER_RETENTION_DAYS", d.meterRetentionDays, 0, 36500, "days"),
    eventRetentionDays: decimal(env, "EVENT_RETENTION_DAYS", d.eventRetentionDays, 0, 36500, "days"),
    callTimeout: decimal(env, "CALL_TIMEOUT", d.callTimeout, 0.01, 3600, "seconds"),
    workers: integer(env, "CSMS_WORKERS", d.workers, 1, MAX_WORKERS),
    ...loadDeployment(env, (message) => new ConfigError(message)),
    ...readOperationsEnv(env, (message) => new ConfigError(message)),
    ...(tlsConfig && { tls: tlsConfig }),
    ...(node !== undefined && { nodeId: node }),
    ...(files !== undefined && { filesUrl: files }),
  };
}
