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
import { MemoryBus } from "../shared/bus_memory.ts";
import type { Bus } from "../shared/events.ts";
import type { CsmsReads } from "../shared/queries.ts";
import type { AuthOptions } from "./auth/service.ts";
import type { BridgeOptions } from "./bridge.ts";
import { loadWebConfig, type WebConfig, WebConfigError } from "./config.ts";
import { startWeb, type WebServer } from "./server.ts";

export interface PortalDeps {
  bus: Bus;
  /** The read model; without it the portal opens its own on DATA_DIR's CSMS database, and closes it. */
  reads?: CsmsReads;
  /** The CSMS's OCPP endpoint, shown to operators with an empty fleet. */
  ocppUrl?: string;
  /** Tuning for tests: the bridge's intervals and limits, session lifetimes and login limits. */
  bridge?: BridgeOptions;
  auth?: AuthOptions;
}

/** Starts the portal; throws WebConfigError with a one-line message on a bad setting. */
export async function startPortal(
  env: Record<string, string | undefined>,
  deps: PortalDeps,
): Promise<WebServer> {
  const config = loadWebConfig(env);
  const owned = deps.reads ? undefined : await openReads(config.dataDir);
  const reads = deps.reads ?? owned!;
  let web: WebServer;
  try {
    web = await startWeb(config, {
      bus: deps.bus,
      reads,
      ocppUrl: deps.ocppUrl,
      bridge: deps.bridge,
      auth: deps.auth,
    });
  } catch (err) {
    await owned?.close();
    throw err;
  }
  if (!owned) return web;
  return {
    ...web,
    async close() {
      await web.close();
      await owned.close();
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

async function runAlone(): Promise<void> {
  const fail = (message: string): never => {
    console.error(`portal: ${message}`);
    Deno.exit(1);
  };
  const env = Deno.env.toObject();
  let config: WebConfig;
  try {
    config = loadWebConfig(env);
  } catch (err) {
    if (err instanceof WebConfigError) fail(err.message);
    throw err;
  }
  const bus = new MemoryBus();
  let web: WebServer;
  try {
    web = await startPortal(env, { bus });
  } catch (err) {
    return fail(`the portal did not start: ${(err as Error).message}`);
  }
  console.log(`Chargewire portal is running on its own.
  Portal:        ${web.url}
  Sign in:       ${signInHelp(web, config)}
  Data:          ${config.dataDir}   (the CSMS's database, read on the portal's own connection)
Pages and REST reads work; commands and changes (id tags, registrations, closing a transaction) answer
"unavailable" (HTTP 503): no CSMS shares this portal's bus until a bus that joins processes (Redis) does.
Run both in one process with: deno task dev
Press Ctrl+C to stop.`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: shutting down…`);
    try {
      await web.close();
      await bus.close();
    } catch (err) {
      console.error("portal: shutdown failed:", err);
      Deno.exit(1);
    }
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGINT", () => stop("SIGINT"));
  Deno.addSignalListener("SIGTERM", () => stop("SIGTERM"));
}

if (import.meta.main) await runAlone();
