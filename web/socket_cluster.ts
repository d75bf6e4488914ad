/**
 * Portal nodes behind one load balancer (REDIS_URL): Socket.IO's rooms are shared through Redis
 * (@socket.io/redis-adapter), so a server-side emit or disconnect reaches the sockets of every node. Bus
 * events do not go that way: every node receives every event from the bus and sends it to its own
 * sockets only (`io.local`, web/bridge/delivery.ts), which is what makes each event reach each browser
 * exactly once whichever node it is connected to.
 */
import { createAdapter } from "@socket.io/redis-adapter";
import { Redis } from "ioredis";
import type { Server } from "socket.io";
import { channelPrefix } from "../shared/bus_redis.ts";

/** The adapter's channels live under the deployment's prefix (and database number), like the bus's. */
const ADAPTER_KEY = "socket.io";
/** Told to every node when credentials changed on one: each checks its live connections again at once. */
const AUTH_CHANGED = "chargewire:auth-changed";

export interface RoomSharing {
  /** Tells every other portal node that credentials changed (a logout, a revoked token, a new role). */
  announceAuthChange(): void;
  close(): Promise<void>;
}

// deno-lint-ignore no-explicit-any
type AnyServer = Server<any, any, any, any>;

export async function shareRooms(
  io: AnyServer,
  redisUrl: string,
  onAuthChange: () => void,
): Promise<RoomSharing> {
  const pub = new Redis(redisUrl, { lazyConnect: true });
  const sub = pub.duplicate();
  for (const c of [pub, sub]) c.on("error", () => {}); // reconnects by itself; the bus reports Redis trouble
  await Promise.all([pub.connect(), sub.connect()]);
  io.adapter(
    createAdapter(pub, sub, { key: channelPrefix("chargewire:", pub.options.db ?? 0) + ADAPTER_KEY }),
  );
  io.on(AUTH_CHANGED, onAuthChange);
  return {
    announceAuthChange() {
      io.serverSideEmit(AUTH_CHANGED);
    },
    async close() {
      await Promise.all([pub.quit().catch(() => {}), sub.quit().catch(() => {})]);
    },
  };
}
