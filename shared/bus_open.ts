/** The bus a process runs on: Redis when REDIS_URL is set, else the in-process bus. */
import { MemoryBus } from "./bus_memory.ts";
import { RedisBus } from "./bus_redis.ts";
import type { Bus } from "./events.ts";

/** `node` names this process on the bus (a CSMS node's NODE_ID; any unique id for a portal). */
export async function openBus(redisUrl: string | undefined, node: string): Promise<Bus> {
  return redisUrl === undefined ? new MemoryBus() : await RedisBus.connect(redisUrl, { node });
}
