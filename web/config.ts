/** The portal's configuration, read from environment variables. */
import { type Deployment, loadDeployment } from "../shared/deployment.ts";
import {
  type Env,
  envValue,
  type OperationsSettings,
  readOperationsEnv,
  readTlsEnv,
  type TlsMessages,
} from "../shared/env.ts";
import { DEFAULT_AUDIT_RETENTION_DAYS } from "./audit/entry.ts";
import { parseOrigin } from "./auth/origin.ts";
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "./auth/service.ts";

/**
 * DATABASE_URL, REDIS_URL and STALE_TX_MINUTES come from shared/deployment.ts, METRICS, METRICS_TOKEN,
 * LOG_FORMAT and LOG_LEVEL from shared/env.ts: read alike by the CSMS.
 */
export interface WebConfig extends Deployment, OperationsSettings {
  /** Interface to bind; shared with the CSMS (HOST). */
  host: string;
  /** WEB_PORT, default 8000; 0 picks a free port. */
  port: number;
  /** Where the portal keeps its own database, portal.db (DATA_DIR, shared with the CSMS; default ./data). */
  dataDir: string;
  /** ADMIN_PASSWORD: user `admin` has this password at every start; unset, a first one is generated. */
  adminPassword?: string;
  /** ALLOWED_ORIGINS: other origins (fronts) whose browsers may use the portal's Socket.IO and REST writes. */
  allowedOrigins: string[];
  /** TLS_CERT and TLS_KEY (PEM file paths, shared with the CSMS): the portal serves https:// with them. */
  tls?: { cert: string; key: string };
  /** AUDIT_RETENTION_DAYS: audit entries older than this are deleted; 0 keeps them all. */
  auditRetentionDays: number;
}

export class WebConfigError extends Error {
  override name = "WebConfigError";
}

function parsePort(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw.trim() === "") return fallback;
  const text = raw.trim();
  const port = Number(text);
  if (!/^\d+$/.test(text) || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new WebConfigError(`${name} must be a port number from 0 to 65535, got ${JSON.stringify(raw)}`);
  }
  return port;
}

function parseHost(raw: string | undefined): string {
  if (raw === undefined || raw.trim() === "") return "127.0.0.1";
  const host = raw.trim();
  if (/[\s/]/.test(host)) {
    throw new WebConfigError(`HOST must be a host name or address, got ${JSON.stringify(raw)}`);
  }
  return host;
}

function parseDays(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw.trim() === "") return fallback;
  const text = raw.trim();
  const days = Number(text);
  if (!/^\d+$/.test(text) || days > 36500) {
    throw new WebConfigError(
      `${name} must be a whole number of days from 0 to 36500, got ${JSON.stringify(raw)}`,
    );
  }
  return days;
}

function parseAdminPassword(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === "") return undefined;
  if (raw.length < MIN_PASSWORD_LENGTH || raw.length > MAX_PASSWORD_LENGTH) {
    throw new WebConfigError(
      `ADMIN_PASSWORD must have ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters, got ${raw.length}`,
    );
  }
  return raw;
}

function parseAllowedOrigins(raw: string | undefined): string[] {
  if (raw === undefined || raw.trim() === "") return [];
  return raw.split(",").map((s) => s.trim()).filter(Boolean).map((entry) => {
    const origin = parseOrigin(entry);
    if (!origin) {
      throw new WebConfigError(
        `ALLOWED_ORIGINS must be a comma-separated list of origins such as https://ops.example.com, ` +
          `got ${JSON.stringify(entry)}`,
      );
    }
    return origin;
  });
}

const TLS_MESSAGES: TlsMessages = {
  unpaired: () => "TLS_CERT and TLS_KEY go together: set both (PEM file paths), or neither",
  notPem: (name, path) => `${name}=${JSON.stringify(path)} is not a PEM file`,
};

function parseTls(env: Env): WebConfig["tls"] {
  const tls = readTlsEnv(env, TLS_MESSAGES, (message) => new WebConfigError(message));
  return tls && { cert: tls.cert, key: tls.key };
}

/** Throws WebConfigError with a one-line message when a value is invalid. */
export function loadWebConfig(env: Env): WebConfig {
  const adminPassword = parseAdminPassword(env.ADMIN_PASSWORD);
  const tls = parseTls(env);
  return {
    host: parseHost(env.HOST),
    port: parsePort("WEB_PORT", env.WEB_PORT, 8000),
    dataDir: envValue(env, "DATA_DIR") ?? "./data",
    ...(adminPassword === undefined ? {} : { adminPassword }),
    allowedOrigins: parseAllowedOrigins(env.ALLOWED_ORIGINS),
    ...(tls ? { tls } : {}),
    auditRetentionDays: parseDays(
      "AUDIT_RETENTION_DAYS",
      env.AUDIT_RETENTION_DAYS,
      DEFAULT_AUDIT_RETENTION_DAYS,
    ),
    ...loadDeployment(env, (message) => new WebConfigError(message)),
    ...readOperationsEnv(env, (message) => new WebConfigError(message)),
  };
}
