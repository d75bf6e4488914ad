/**
 * Runs the CSMS alone on an in-process bus: `deno task csms`. (`deno task dev`
 * runs it together with the portal.) Configuration comes from the environment.
 */
import { MemoryBus } from "../shared/bus_memory.ts";
import { ConfigError, loadCsmsConfig } from "./config.ts";
import { startCsms } from "./server.ts";

function fail(message: string): never {
  console.error(`csms: ${message}`);
  Deno.exit(1);
}

let config;
try {
  config = loadCsmsConfig(Deno.env.toObject());
} catch (err) {
  if (err instanceof ConfigError) fail(err.message);
  throw err;
}

const bus = new MemoryBus();
let csms;
try {
  csms = await startCsms(config, { bus });
} catch (err) {
  fail((err as Error).message);
}
console.log(
  `CSMS: OCPP endpoint ${csms.url}/{chargePointId} (CHARGER_POLICY=${config.chargerPolicy}, data in ${config.dataDir})`,
);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await csms.close();
  await bus.close();
  Deno.exit(0);
};
Deno.addSignalListener("SIGINT", stop);
Deno.addSignalListener("SIGTERM", stop);
