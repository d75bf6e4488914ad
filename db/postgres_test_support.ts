/**
 * For tests against a real PostgreSQL (PG_TEST_URL, default postgres://postgres@127.0.0.1:5432/test): each
 * test gets a database of its own (cw_test_<random>), dropped afterwards, so tests run in parallel and
 * leave nothing behind. Where PostgreSQL does not answer, one line says so and the tests are ignored.
 * Used by the CSMS engine's tests (tests/pg_storage_test.ts), the portal store's (web/store/) and the
 * cluster tests.
 */
import postgres from "postgres";

const ADMIN_URL = Deno.env.get("PG_TEST_URL") ?? "postgres://postgres@127.0.0.1:5432/test";

function plain(url: string) {
  return postgres(url, { max: 1, connect_timeout: 3, onnotice: () => {} });
}

async function probe(): Promise<string | undefined> {
  const sql = plain(ADMIN_URL);
  try {
    await sql`SELECT 1`;
    return undefined;
  } catch (err) {
    return (err as Error).message || String(err);
  } finally {
    await sql.end({ timeout: 1 }).catch(() => {});
  }
}

/** Why PostgreSQL cannot be used, or undefined when it answers. Probed once per test file. */
export const pgUnavailable = await probe();

let said = false;
/** Says once per file that the PostgreSQL tests are skipped, and why. */
export function sayPgSkipped(): void {
  if (pgUnavailable === undefined || said) return;
  said = true;
  console.log(`skipping the PostgreSQL tests: ${pgUnavailable}`);
}

function urlOf(database: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Runs `fn` with the URL of a fresh database, dropped afterwards whatever happens. */
export async function withTestDatabase(fn: (url: string) => Promise<void>): Promise<void> {
  const database = `cw_test_${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
  const admin = plain(ADMIN_URL);
  try {
    await admin`CREATE DATABASE ${admin(database)}`;
    try {
      await fn(urlOf(database));
    } finally {
      await admin`DROP DATABASE IF EXISTS ${admin(database)} WITH (FORCE)`;
    }
  } finally {
    await admin.end({ timeout: 5 });
  }
}

/** A plain connection to look at what a store committed. */
export function inspect(url: string) {
  return plain(url);
}
