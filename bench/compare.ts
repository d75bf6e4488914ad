/**
 * Chargewire beside its references, as issue 15 compares them: the bare Deno server (this machine's
 * WebSocket limit on Deno), the `ocpp-rpc` strict peer on Node (what a user would otherwise build on)
 * and bare npm `ws` on Node (the Node-side limit). Each runs the same load in alternating rounds; the
 * median of the rounds counts, so one disturbed round on a shared machine moves nothing. Pure.
 */
import type { ConnectionsResult } from "./connections.ts";
import type { ThroughputRun } from "./throughput.ts";

/** The order of the servers within each round. */
export const COMPARED = ["bare", "peer", "chargewire", "node"] as const;
export type ComparedServer = (typeof COMPARED)[number];

export const SERVER_LABELS: Record<ComparedServer, string> = {
  chargewire: "chargewire",
  peer: "ocpp-rpc peer (Node)",
  bare: "bare Deno",
  node: "bare Node ws",
};

/** The middle value (the mean of the two middle ones for an even count); 0 for none. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Server CPU per answered message in microseconds (CPU of every thread of the server process). */
export function cpuUsPerMessage(r: Pick<ThroughputRun, "serverCpuCores" | "answeredPerSecond">): number {
  return r.answeredPerSecond > 0 ? Math.round((r.serverCpuCores * 1e6) / r.answeredPerSecond) : 0;
}

export interface ServerMedians {
  server: ComparedServer;
  rounds: number;
  /** Medians over the rounds, each taken on its own. */
  answeredPerSecond: number;
  cpuUsPerMessage: number;
  serverCpuCores: number;
  /** The round whose answered rate is the median's (its round trips and memory are the ones shown). */
  run: ThroughputRun;
}

export type Medians = Partial<Record<ComparedServer, ServerMedians>>;

export function medians(runs: readonly ThroughputRun[]): Medians {
  const out: Medians = {};
  for (const server of COMPARED) {
    const mine = runs.filter((r) => r.server === server);
    if (mine.length === 0) continue;
    const rate = median(mine.map((r) => r.answeredPerSecond));
    const byRate = [...mine].sort((a, b) => a.answeredPerSecond - b.answeredPerSecond);
    out[server] = {
      server,
      rounds: mine.length,
      answeredPerSecond: Math.round(rate),
      cpuUsPerMessage: Math.round(median(mine.map(cpuUsPerMessage))),
      serverCpuCores: Math.round(median(mine.map((r) => r.serverCpuCores)) * 100) / 100,
      run: byRate[Math.floor((byRate.length - 1) / 2)],
    };
  }
  return out;
}

/** Chargewire's medians divided by each reference's: rate (higher is better) and CPU/msg (lower is better). */
export interface Ratios {
  rateVsBare?: number;
  rateVsPeer?: number;
  rateVsNode?: number;
  cpuVsBare?: number;
  cpuVsPeer?: number;
  cpuVsNode?: number;
}

const ratio = (a: number | undefined, b: number | undefined) =>
  a !== undefined && b !== undefined && b > 0 ? Math.round((a / b) * 1000) / 1000 : undefined;

export function ratios(m: Medians): Ratios {
  const cw = m.chargewire;
  const out: Ratios = {};
  for (
    const [ref, rateKey, cpuKey] of [
      ["bare", "rateVsBare", "cpuVsBare"],
      ["peer", "rateVsPeer", "cpuVsPeer"],
      ["node", "rateVsNode", "cpuVsNode"],
    ] as const
  ) {
    const r = ratio(cw?.answeredPerSecond, m[ref]?.answeredPerSecond);
    const c = ratio(cw?.cpuUsPerMessage, m[ref]?.cpuUsPerMessage);
    if (r !== undefined) out[rateKey] = r;
    if (c !== undefined) out[cpuKey] = c;
  }
  return out;
}

export type ConnectionsByServer = Partial<Record<ComparedServer, ConnectionsResult>>;

export interface MemoryRow {
  server: ComparedServer;
  held: number;
  perConnectionKiB: number;
  marginalKiB: number;
  /** perConnectionKiB minus the bare Deno server's in the same run. */
  aboveBareKiB?: number;
}

/** Memory per idle booted charger of each server, and how far above bare Deno's it is. */
export function memoryRows(c: ConnectionsByServer): MemoryRow[] {
  const bare = c.bare && c.bare.held > 0 ? c.bare.perConnectionKiB : undefined;
  return (["chargewire", "peer", "bare", "node"] as const).flatMap((server) => {
    const r = c[server];
    if (!r) return [];
    return [{
      server,
      held: r.held,
      perConnectionKiB: r.perConnectionKiB,
      marginalKiB: r.marginalKiB,
      aboveBareKiB: bare !== undefined && r.held > 0
        ? Math.round((r.perConnectionKiB - bare) * 10) / 10
        : undefined,
    }];
  });
}
