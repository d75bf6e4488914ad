/**
 * Redis for the tests that need one: REDIS_URL or 127.0.0.1:6379. Tests that need it skip with one plain
 * line where it does not answer; CI (.ci/run) makes sure it does. Each test takes its own key prefix and
 * deletes what it made.
 */
import { Redis } from "ioredis";

export const TEST_REDIS_URL = Deno.env.get("REDIS_URL") ?? "redis://127.0.0.1:6379/0";

/** Why Redis at `url` cannot be used, or undefined when it answers. */
export async function redisProblem(url: string): Promise<string | undefined> {
  const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  r.on("error", () => {});
  try {
    await r.connect();
    return (await r.ping()) === "PONG" ? undefined : "no PONG";
  } catch (err) {
    return (err as Error).message || String(err);
  } finally {
    r.disconnect();
  }
}

export const HAVE_REDIS = (await redisProblem(TEST_REDIS_URL)) === undefined;
if (!HAVE_REDIS) console.log(`skipping the Redis tests: no Redis answers at ${TEST_REDIS_URL}`);

export function testPrefix(): string {
  return `cw-test-${crypto.randomUUID().slice(0, 8)}:`;
}

/** Deletes every key under `prefix` in the database of `url`. */
export async function dropPrefix(url: string, prefix: string): Promise<number> {
  const r = new Redis(url);
  try {
    let deleted = 0;
    let cursor = "0";
    do {
      const [next, keys] = await r.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
      cursor = next;
      if (keys.length > 0) deleted += await r.del(...keys);
    } while (cursor !== "0");
    return deleted;
  } finally {
    r.disconnect();
  }
}

/** The keys under `prefix` in the database of `url`. */
export async function keysUnder(url: string, prefix: string): Promise<string[]> {
  const r = new Redis(url);
  try {
    return (await r.keys(`${prefix}*`)).sort();
  } finally {
    r.disconnect();
  }
}
