/**
 * Liveness without WebSocket pings. With PING_INTERVAL > 0, Deno's idleTimeout
 * pings a silent charger and closes the socket when nothing answers (see
 * server.ts). That costs a timer per socket (~2 KB each); an operator may set
 * PING_INTERVAL=0 to save it, and then this one sweep over all connections
 * disconnects a charger silent for three of its heartbeat intervals, so a dead
 * TCP connection never leaves a phantom online charger.
 */
import type { ChargerConnection } from "./connection.ts";
import { CLOSE } from "./connection.ts";

/** How long a charger may stay silent when pings are off: two missed heartbeats, and a third for slack. */
export function silenceLimitMs(heartbeatIntervalS: number): number {
  return 3 * heartbeatIntervalS * 1000;
}

/** The silent connections at `nowMs`. Pure, for the unit test. */
export function silentConnections<C extends { lastFrameMs: number }>(
  connections: Iterable<C>,
  nowMs: number,
  limitMs: number,
): C[] {
  const out: C[] = [];
  for (const c of connections) if (nowMs - c.lastFrameMs > limitMs) out.push(c);
  return out;
}

export class SilenceSweeper {
  #timer?: ReturnType<typeof setInterval>;

  constructor(
    private readonly connections: () => Iterable<ChargerConnection>,
    private readonly limitMs: number,
  ) {}

  start(): void {
    // A tenth of the limit: a dead charger is noticed at most 10% late.
    this.#timer = setInterval(() => this.sweep(Date.now()), Math.max(1000, this.limitMs / 10));
  }

  sweep(nowMs: number): void {
    for (const c of silentConnections(this.connections(), nowMs, this.limitMs)) {
      c.close(CLOSE.goingAway, `no frame for ${Math.round(this.limitMs / 1000)} s`, "timeout");
    }
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
