/**
 * `deno task dev`: the CSMS and the operator portal in one process, each built from its own entry module
 * (csms/main.ts, web/main.ts) and joined by one bus (in-process, or Redis with REDIS_URL) and the CSMS's
 * read model. Configuration comes from the environment (see README).
 */
import { ConfigError, loadCsmsConfig } from "./csms/config.ts";
import { startCsmsNode } from "./csms/main.ts";
import { loadWebConfig, WebConfigError } from "./web/config.ts";
import { assetsLine, signInHelp, startPortal } from "./web/main.ts";
import type { WebServer } from "./web/server.ts";
import { configureLogFromEnv } from "./shared/env.ts";
import { configureLog, logger } from "./shared/log.ts";
import { SUPPORTED_PROTOCOLS } from "./shared/ocpp/version.ts";

const log = logger("chargewire");

function fail(message: string): never {
  log.error(message);
  Deno.exit(1);
}

const env = Deno.env.toObject();
configureLogFromEnv(env);
let csmsConfig, webConfig;
try {
  // Both halves' settings are checked before either starts: a bad one stops it with one line.
  csmsConfig = loadCsmsConfig(env);
  webConfig = loadWebConfig(env);
} catch (err) {
  if (err instanceof ConfigError || err instanceof WebConfigError) fail(err.message);
  throw err;
}

// One bus for both halves: the CSMS's own (in-process, or Redis with REDIS_URL), closed with it.
let csms;
try {
  csms = await startCsmsNode(env);
} catch (err) {
  fail(`the CSMS did not start: ${(err as Error).message}`);
}
let web: WebServer;
try {
  web = await startPortal(env, { bus: csms.bus, reads: csms.storage.reads, ocppUrl: csms.url });
} catch (err) {
  await csms.close();
  fail(`the portal did not start: ${(err as Error).message}`);
}

configureLog({ node: csms.node });
// A loop that dies leaves the node without its chargers: stop, so that a supervisor starts it whole.
csms.failed?.catch((err) => fail(`${err.message}: stopping`));
log.banner(`Chargewire is running.
  Portal:        ${web.url}
  Sign in:       ${signInHelp(web, webConfig)}
  Assets:        ${assetsLine(web)}
  OCPP endpoint: ${csms.url}/{chargePointId}   (subprotocols ${SUPPORTED_PROTOCOLS.join(", ")})
  CSMS node:     ${csms.node}${csms.loops ? ` (${csms.loops.length} event loops: CSMS_WORKERS)` : ""}
  Data:          ${csmsConfig.dataDir}
Start a simulated charger: deno task charger --id CP-001 --url ${csms.url}   (add --ocpp 2.0.1 for OCPP 2.0.1)
Press Ctrl+C to stop.`);

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  log.banner(`\n${signal}: shutting down…`);
  try {
    await web!.close();
    await csms!.close();
  } catch (err) {
    log.error("shutdown failed:", { error: err });
    Deno.exit(1);
  }
  Deno.exit(0);
}
Deno.addSignalListener("SIGINT", () => stop("SIGINT"));
Deno.addSignalListener("SIGTERM", () => stop("SIGTERM"));
