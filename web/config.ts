/** The portal's configuration, read from environment variables. */

export interface WebConfig {
  /** Interface to bind; shared with the CSMS (HOST). */
  host: string;
  /** WEB_PORT, default 8000; 0 picks a free port. */
  port: number;
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

/** Throws WebConfigError with a one-line message when a value is invalid. */
export function loadWebConfig(env: Record<string, string | undefined>): WebConfig {
  return { host: parseHost(env.HOST), port: parsePort("WEB_PORT", env.WEB_PORT, 8000) };
}
