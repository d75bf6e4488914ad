/**
 * `deno task dev`: the CSMS and the operator portal in one process, joined by
 * the in-process bus. Configuration comes from the environment (see README).
 */
import { MemoryBus } from "./shared/bus_memory.ts";
import { ConfigError, loadCsmsConfig } from "./csms/config.ts";
import { startCsms } from "./csms/server.ts";
import { loadWebConfig, WebConfigError } from "./web/config.ts";
import { startWeb } from "./web/server.ts";

function fail(message: string): never {
  console.error(`chargewire: ${message}`);
  Deno.exit(1);
}

const env = Deno.env.toObject();
let csmsConfig, webConfig;
try {
  csmsConfig = loadCsmsConfig(env);
  webConfig = loadWebConfig(env);
} catch (err) {
  if (err instanceof ConfigError || err instanceof WebConfigError) fail(err.message);
  throw err;
}

const bus = new MemoryBus();
let csms, web;
try {
  csms = await startCsms(csmsConfig, { bus });
} catch (err) {
  fail(`the CSMS did not start: ${(err as Error).message}`);
}
try {
  web = await startWeb(webConfig, { bus, queries: csms.queries, ocppUrl: csms.url });
} catch (err) {
  await csms.close();
  fail(`the portal did not start: ${(err as Error).message}`);
}

// Sign-in help next to the portal's address: a generated password is shown this once (it is stored hashed).
const signIn = web.admin.generatedPassword
  ? `admin / ${web.admin.generatedPassword}   (generated now and shown only this once; ` +
    `ADMIN_PASSWORD sets your own)`
  : webConfig.adminPassword
  ? "admin, with the password in ADMIN_PASSWORD"
  : "with your portal user (set ADMIN_PASSWORD to reset admin's password)";

console.log(`Chargewire is running.
  Portal:        ${web.url}
  Sign in:       ${signIn}
  OCPP endpoint: ${csms.url}/{chargePointId}   (OCPP 1.6J, subprotocol ocpp1.6)
  Data:          ${csmsConfig.dataDir}
Start a simulated charger: deno task charger --id CP-001 --url ${csms.url}
Press Ctrl+C to stop.`);

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: shutting down…`);
  try {
    await web!.close();
    await csms!.close();
    await bus.close();
  } catch (err) {
    console.error("chargewire: shutdown failed:", err);
    Deno.exit(1);
  }
  Deno.exit(0);
}
Deno.addSignalListener("SIGINT", () => stop("SIGINT"));
Deno.addSignalListener("SIGTERM", () => stop("SIGTERM"));
