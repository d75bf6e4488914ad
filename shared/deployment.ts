/**
 * The settings that choose a deployment's engines, read alike by every process (CSMS node, portal node,
 * both in one): DATABASE_URL selects PostgreSQL for storage (unset: SQLite in DATA_DIR), REDIS_URL selects
 * the Redis bus (unset: the in-process bus). Unset, `deno task dev` needs nothing but Deno.
 */
import { type Env, envValue } from "./env.ts";

export interface Deployment {
  /** postgres://user:password@host:port/database */
  databaseUrl?: string;
  /** redis://[user:password@]host:port[/db] */
  redisUrl?: string;
  /**
   * STALE_TX_MINUTES: an active transaction whose charger is offline, or whose connector says Available,
   * for this long is stale. Read by every process that serves the read model (CSMS nodes, portal nodes).
   */
  staleTransactionMinutes: number;
}

export const DEFAULT_STALE_TX_MINUTES = 60;
const MAX_STALE_TX_MINUTES = 525_600; // a year

/** A URL for messages and logs: never its password. */
export function withoutPassword(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(unreadable URL)";
  }
}

function checkUrl(
  name: string,
  value: string,
  schemes: readonly string[],
  fail: (m: string) => Error,
): string {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw fail(`${name} is not a URL (expected ${schemes[0]}//host:port/...)`);
  }
  if (!schemes.includes(u.protocol)) {
    throw fail(`${name} must start with ${schemes.join(" or ")}// (got ${u.protocol}//)`);
  }
  if (!u.hostname) throw fail(`${name} names no host: ${withoutPassword(value)}`);
  return value;
}

/** Reads DATABASE_URL and REDIS_URL; throws `fail(message)` (one line) on a malformed one. */
export function loadDeployment(env: Env, fail: (message: string) => Error): Deployment {
  const stale = envValue(env, "STALE_TX_MINUTES");
  if (stale !== undefined && (!/^\d+(\.\d+)?$/.test(stale) || Number(stale) > MAX_STALE_TX_MINUTES)) {
    throw fail(
      `invalid STALE_TX_MINUTES=${
        JSON.stringify(stale)
      }: expected a number of minutes from 0 to ${MAX_STALE_TX_MINUTES}`,
    );
  }
  const d: Deployment = {
    staleTransactionMinutes: stale === undefined ? DEFAULT_STALE_TX_MINUTES : Number(stale),
  };
  const db = envValue(env, "DATABASE_URL");
  if (db !== undefined) d.databaseUrl = checkUrl("DATABASE_URL", db, ["postgres:", "postgresql:"], fail);
  const redis = envValue(env, "REDIS_URL");
  if (redis !== undefined) {
    checkUrl("REDIS_URL", redis, ["redis:", "rediss:"], fail);
    const db = new URL(redis).pathname.replace(/^\//, "");
    if (db !== "" && !/^\d{1,2}$/.test(db)) throw fail(`REDIS_URL's database must be a number (got /${db})`);
    d.redisUrl = redis;
  }
  return d;
}
