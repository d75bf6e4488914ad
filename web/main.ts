/**
 * The operator portal's entry: `startPortal` builds it from the environment and what joins it to the CSMS
 * (the bus; the read model, or DATA_DIR to open one), and `deno task web` runs it alone.
 *
 * Alone, it reads the CSMS's database in DATA_DIR on its own connection (pages and REST reads work, a few
 * seconds behind the CSMS's latest state at most), but its bus is its own: no CSMS shares it, so commands
 * and changes (id tags, registrations, closing a transaction) answer `unavailable` (HTTP 503) until a bus
 * that joins processes (Redis, in a later release) does. `deno task dev` (main.ts) runs both in one process.
 */
import { openReads } from "../csms/store/open.ts";
import { openBus } from "../shared/bus_open.ts";
import { withoutPassword } from "../shared/deployment.ts";
import type { Bus } from "../shared/events.ts";
import type { CsmsReads } from "../shared/queries.ts";
import type { AuthOptions } from "./auth/service.ts";
import type { BridgeOptions } from "./bridge.ts";
import { loadWebConfig, type WebConfig, WebConfigError } from "./config.ts";
import { startWeb, type WebServer } from "./server.ts";
import { configureLogFromEnv } from "../shared/env.ts";
import { configureLog, logger } from "../shared/log.ts";

const log = logger("portal");

export interface PortalDeps {
  /** Absent: the bus the environment names (REDIS_URL), or an in-process one; the portal's own, closed with it. */
  bus?: Bus;
  /** The read model; without it the portal opens its own on DATA_DIR's CSMS database, and closes it. */
  reads?: CsmsReads;
  /** The CSMS's OCPP endpoint, shown to operators with an empty fleet. */
  ocppUrl?: string;
  /** The portal node's name on its own bus (absent: generated). */
  node?: string;
  /** Tuning for tests: the bridge's intervals and limits, session lifetimes and login limits. */
  bridge?: BridgeOptions;
  auth?: AuthOptions;
}

/** Starts the portal; throws WebConfigError with a one-line message on a bad setting. */
export async function startPortal(
  env: Record<string, string | undefined>,
  deps: PortalDeps = {},
): Promise<WebServer> {
  const config = loadWebConfig(env);
  let ownBus: Bus | undefined;
  if (!deps.bus) {
    try {
      ownBus = await openBus(config.redisUrl, deps.node ?? `web-${crypto.randomUUID().slice(0, 8)}`);
    } catch (err) {
      throw new Error(
        `the bus at ${withoutPassword(config.redisUrl!)} is unreachable: ${(err as Error).message}`,
      );
    }
  }
  const bus = deps.bus ?? ownBus!;
  let owned: CsmsReads | undefined;
  try {
    owned = deps.reads ? undefined : await openReads(config);
  } catch (err) {
    await ownBus?.close();
    throw err;
  }
  const reads = deps.reads ?? owned!;
  let web: WebServer;
  try {
    web = await startWeb(config, {
      bus,
      reads,
      ocppUrl: deps.ocppUrl,
      bridge: deps.bridge,
      auth: deps.auth,
    });
  } catch (err) {
    await owned?.close();
    await ownBus?.close();
    throw err;
  }
  if (!owned && !ownBus) return web;
  return {
    ...web,
    async close() {
      await web.close();
      await owned?.close();
      await ownBus?.close();
    },
  };
}

/** Sign-in help next to the portal's address: a generated password is shown this once (it is stored hashed). */
export function signInHelp(web: WebServer, config: Pick<WebConfig, "adminPassword">): string {
  return web.admin.generatedPassword
    ? `admin / ${web.admin.generatedPassword}   (generated now and shown only this once; ` +
      `ADMIN_PASSWORD sets your own)`
    : config.adminPassword
    ? "admin, with the password in ADMIN_PASSWORD"
    : "with your portal user (set ADMIN_PASSWORD to reset admin's password)";
}

/** How the portal got its islands' build: a start with unchanged sources runs no bundler. */
export function assetsLine(web: WebServer): string {
  return web.assets === "built"
    ? "built now into web/static/build/ (the sources changed, or there was no build)"
    : "up to date in web/static/build/ (no build needed)";
}

async function runAlone(): Promise<void> {
  const fail = (message: string): never => {
    log.error(message);
    Deno.exit(1);
  };
  const env = Deno.env.toObject();
  configureLogFromEnv(env);
  // The portal node's name: on its bus, and in its log lines.
  const node = `web-${crypto.randomUUID().slice(0, 8)}`;
  configureLog({ node });
  let config: WebConfig;
  try {
    config = loadWebConfig(env);
  } catch (err) {
    if (err instanceof WebConfigError) fail(err.message);
    throw err;
  }
  let web: WebServer;
  try {
    web = await startPortal(env, { node });
  } catch (err) {
    return fail(`the portal did not start: ${(err as Error).message}`);
  }
  const data = config.databaseUrl
    ? `${withoutPassword(config.databaseUrl)}   (shared with the CSMS nodes)`
    : `${config.dataDir}   (the CSMS's database, read on the portal's own connection)`;
  const joined = config.redisUrl
    ? `Bus:           Redis at ${
      withoutPassword(config.redisUrl)
    }: commands and changes reach the CSMS nodes there.`
    : `Pages and REST reads work; commands and changes (id tags, registrations, closing a transaction) answer
"unavailable" (HTTP 503): no CSMS shares this portal's in-process bus (set REDIS_URL to join CSMS nodes).
Run both in one process with: deno task dev`;
  log.banner(`Chargewire portal node is running${config.redisUrl ? "" : " on its own"}.
  Portal:        ${web.url}
  Sign in:       ${signInHelp(web, config)}
  Assets:        ${assetsLine(web)}
  Data:          ${data}
${joined}
Press Ctrl+C to stop.`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.banner(`\n${signal}: shutting down…`);
    try {
      await web.close();
    } catch (err) {
      log.error("shutdown failed:", { error: err });
      Deno.exit(1);
    }
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGINT", () => stop("SIGINT"));
  Deno.addSignalListener("SIGTERM", () => stop("SIGTERM"));
}

if (import.meta.main) await runAlone();
