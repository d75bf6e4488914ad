/**
 * Reading settings from environment variables. The CSMS and the portal run
 * from one environment and share some variables (HOST, DATA_DIR, TLS_CERT,
 * TLS_KEY), so they read them here alike; each words its own errors, in the
 * style of the rest of its settings.
 */
import { readFileSync } from "node:fs";
import {
  configureLog,
  isLogFormat,
  isLogLevel,
  LOG_FORMATS,
  LOG_LEVELS,
  type LogFormat,
  type LogLevel,
} from "./log.ts";

export type Env = Record<string, string | undefined>;

/** A variable's value without surrounding white space; undefined when it is unset or blank. */
export function envValue(env: Env, name: string): string | undefined {
  const v = env[name]?.trim();
  return v === undefined || v === "" ? undefined : v;
}

/** TLS for OCPP security profile 2 and https: the PEM texts, read once at start-up, and where they came from. */
export interface TlsFiles {
  cert: string;
  key: string;
  certFile: string;
  keyFile: string;
}

/** How a caller words what is wrong with TLS_CERT and TLS_KEY (one line each). */
export interface TlsMessages {
  /** `set` is set and `missing` is not. */
  unpaired(set: "TLS_CERT" | "TLS_KEY", missing: "TLS_CERT" | "TLS_KEY"): string;
  /** The file `path` named by `name` was read but holds no PEM block of the right kind. */
  notPem(name: string, path: string): string;
}

const CERTIFICATE = /-----BEGIN [A-Z ]*CERTIFICATE-----/;
const PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;

/**
 * TLS_CERT and TLS_KEY (PEM file paths): both or neither, and both files read
 * now so that a wrong path fails at start-up rather than at the first
 * handshake. Throws `fail(message)`.
 */
export function readTlsEnv(
  env: Env,
  messages: TlsMessages,
  fail: (message: string) => Error,
): TlsFiles | undefined {
  const certFile = envValue(env, "TLS_CERT");
  const keyFile = envValue(env, "TLS_KEY");
  if (certFile === undefined && keyFile === undefined) return undefined;
  if (certFile === undefined) throw fail(messages.unpaired("TLS_KEY", "TLS_CERT"));
  if (keyFile === undefined) throw fail(messages.unpaired("TLS_CERT", "TLS_KEY"));
  const readPem = (name: string, path: string, label: RegExp): string => {
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (err) {
      const e = err as { code?: string; message?: string };
      throw fail(`cannot read ${name}=${JSON.stringify(path)}: ${e.code ?? e.message}`);
    }
    if (!label.test(text)) throw fail(messages.notPem(name, path));
    return text;
  };
  return {
    cert: readPem("TLS_CERT", certFile, CERTIFICATE),
    key: readPem("TLS_KEY", keyFile, PRIVATE_KEY),
    certFile,
    keyFile,
  };
}

/** Settings every process reads alike for operating it: its metrics endpoint and its log. */
export interface OperationsSettings {
  /** METRICS=on|off (default on): whether GET /metrics answers on this process's ports. */
  metrics: boolean;
  /**
   * METRICS_TOKEN: a scraper's bearer token. The CSMS port then asks for it on /metrics (open without);
   * the portal takes it besides its own API tokens.
   */
  metricsToken?: string;
  /** LOG_FORMAT=text|json (default text). */
  logFormat: LogFormat;
  /** LOG_LEVEL=debug|info|warn|error (default info). */
  logLevel: LogLevel;
}

/** A bearer token: 16 to 256 of the characters RFC 6750 allows in one. */
const METRICS_TOKEN = /^[A-Za-z0-9\-._~+/]{16,256}=*$/;

/** Reads METRICS, METRICS_TOKEN, LOG_FORMAT and LOG_LEVEL; throws `fail(message)` (one line) on a bad one. */
export function readOperationsEnv(env: Env, fail: (message: string) => Error): OperationsSettings {
  const bad = (name: string, value: string, expected: string) =>
    fail(`invalid ${name}=${JSON.stringify(value)}: expected ${expected}`);
  const metrics = envValue(env, "METRICS") ?? "on";
  if (metrics !== "on" && metrics !== "off") throw bad("METRICS", metrics, "on or off");
  const token = envValue(env, "METRICS_TOKEN");
  // The value is a secret: named, never echoed.
  if (token !== undefined && !METRICS_TOKEN.test(token)) {
    throw fail("invalid METRICS_TOKEN: expected 16 to 256 of A-Z, a-z, 0-9 and -._~+/");
  }
  const format = envValue(env, "LOG_FORMAT") ?? "text";
  if (!isLogFormat(format)) throw bad("LOG_FORMAT", format, LOG_FORMATS.join(" or "));
  const level = envValue(env, "LOG_LEVEL") ?? "info";
  if (!isLogLevel(level)) throw bad("LOG_LEVEL", level, `one of ${LOG_LEVELS.join(", ")}`);
  return {
    metrics: metrics === "on",
    ...(token !== undefined && { metricsToken: token }),
    logFormat: format,
    logLevel: level,
  };
}

/**
 * Sets the log's format and level from LOG_FORMAT and LOG_LEVEL before the other settings are read, so
 * that a bad one of those is reported in the format asked for. Bad values here are left to the caller's
 * own check, which reports them.
 */
export function configureLogFromEnv(env: Env): void {
  const format = envValue(env, "LOG_FORMAT");
  const level = envValue(env, "LOG_LEVEL");
  configureLog({
    ...(format !== undefined && isLogFormat(format) && { format }),
    ...(level !== undefined && isLogLevel(level) && { level }),
  });
}
