/**
 * One CSMS node. `startCsmsNode` starts it from an environment, on the bus it is given (tests) or on the
 * one the environment names (REDIS_URL: Redis, shared with other CSMS and portal nodes; unset: the
 * in-process bus, which main.ts shares with the portal). Run as the main module (`deno task csms`) it
 * runs one node configured from Deno.env.
 */
import { openBus } from "../shared/bus_open.ts";
import { withoutPassword } from "../shared/deployment.ts";
import { configureLogFromEnv } from "../shared/env.ts";
import { configureLog, logger } from "../shared/log.ts";
import type { Bus } from "../shared/events.ts";
import { ConfigError, generateNodeId, loadCsmsConfig } from "./config.ts";
import { startCsmsLoops } from "./loops.ts";
import { type CsmsHandle, startCsms } from "./server.ts";
import { VENDORS } from "./vendors/mod.ts";

export type { CsmsHandle } from "./server.ts";
export { ConfigError } from "./config.ts";

/** A running node and the bus it is on (its own, closed with it, unless it was given one). */
export type CsmsNode = CsmsHandle & {
  bus: Bus;
  /** With CSMS_WORKERS > 1: the loops' node ids, and a promise that rejects when one dies. */
  loops?: string[];
  failed?: Promise<never>;
};

/**
 * Starts a CSMS node configured from `env`; throws ConfigError (a one-line message) on a bad setting, and
 * rejects with a one-line message when the bus, the database or the port cannot be had.
 */
export async function startCsmsNode(
  env: Record<string, string | undefined>,
  deps: { bus?: Bus } = {},
): Promise<CsmsNode> {
  const loaded = loadCsmsConfig(env);
  // The node's name is its name on the bus too: commands for its chargers are routed to it by that name.
  const config = { ...loaded, nodeId: loaded.nodeId ?? generateNodeId() };
  let bus = deps.bus;
  if (!bus) {
    try {
      bus = await openBus(config.redisUrl, config.nodeId);
    } catch (err) {
      throw new Error(
        `the bus at ${withoutPassword(config.redisUrl!)} is unreachable: ${(err as Error).message}`,
      );
    }
  }
  const owned = deps.bus ? undefined : bus;
  let csms: CsmsHandle & Pick<CsmsNode, "loops" | "failed">;
  try {
    csms = config.workers > 1
      ? await startCsmsLoops(config, { bus, count: config.workers })
      : await startCsms(config, { bus, vendors: { ...VENDORS } });
  } catch (err) {
    await owned?.close();
    throw err;
  }
  return {
    ...csms,
    bus,
    async close() {
      await csms.close();
      await owned?.close();
    },
  };
}

const log = logger("csms");

function fail(message: string): never {
  log.error(message);
  Deno.exit(1);
}

async function runAsMain(): Promise<void> {
  const env = Deno.env.toObject();
  configureLogFromEnv(env);
  let config;
  try {
    config = loadCsmsConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message);
    throw err;
  }

  let csms: CsmsNode;
  try {
    csms = await startCsmsNode(env);
  } catch (err) {
    fail((err as Error).message);
  }
  configureLog({ node: csms.node });
  const data = config.databaseUrl ? withoutPassword(config.databaseUrl) : `SQLite in ${config.dataDir}`;
  const bus = config.redisUrl
    ? `Redis at ${withoutPassword(config.redisUrl)}`
    : "in-process (this node alone)";
  // A loop that dies leaves the node without its chargers: stop, so that a supervisor starts it whole.
  csms.failed?.catch((err) => fail(`${err.message}: stopping`));
  const loops = csms.loops ? `${csms.loops.length} event loops` : "one event loop";
  log.banner(
    `CSMS: OCPP endpoint ${csms.url}/{chargePointId} (node ${csms.node}, ${loops}, CHARGER_POLICY=${config.chargerPolicy})\n` +
      `  Data: ${data}\n  Bus:  ${bus}`,
  );

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await csms.close();
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
}

if (import.meta.main) await runAsMain();
