/**
 * One CSMS node. `startCsmsNode` starts it from an environment on a given bus (main.ts joins it to the
 * portal in one process); run as the main module (`deno task csms`) it runs alone on an in-process bus,
 * configured from Deno.env.
 */
import { MemoryBus } from "../shared/bus_memory.ts";
import type { Bus } from "../shared/events.ts";
import { ConfigError, loadCsmsConfig } from "./config.ts";
import { type CsmsHandle, startCsms } from "./server.ts";

export type { CsmsHandle } from "./server.ts";
export { ConfigError } from "./config.ts";

/**
 * Starts a CSMS node configured from `env`; throws ConfigError (a one-line message) on a bad setting, and
 * rejects with a one-line message when the database cannot be opened or the port bound.
 */
export async function startCsmsNode(
  env: Record<string, string | undefined>,
  deps: { bus: Bus },
): Promise<CsmsHandle> {
  const config = loadCsmsConfig(env);
  return await startCsms(config, deps);
}

function fail(message: string): never {
  console.error(`csms: ${message}`);
  Deno.exit(1);
}

async function runAsMain(): Promise<void> {
  const env = Deno.env.toObject();
  let config;
  try {
    config = loadCsmsConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message);
    throw err;
  }

  const bus = new MemoryBus();
  let csms: CsmsHandle;
  try {
    csms = await startCsms(config, { bus });
  } catch (err) {
    fail((err as Error).message);
  }
  console.log(
    `CSMS: OCPP endpoint ${csms.url}/{chargePointId} (node ${csms.node}, CHARGER_POLICY=${config.chargerPolicy}, ` +
      `data in ${config.dataDir})`,
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
}

if (import.meta.main) await runAsMain();
