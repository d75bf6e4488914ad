/**
 * `--ocpp-mix 1.6=70,2.0.1=30`, pure: which protocol each charger of a fleet speaks. The shares are
 * whole percentages summing to 100; the counts follow them by largest remainder, and the protocols take
 * the fleet's ids in blocks in the order given (the first 70 % 1.6, the rest 2.0.1).
 */
import type { OcppProtocol } from "./handle.ts";

export const PROTOCOLS: readonly OcppProtocol[] = ["1.6", "2.0.1"];

export interface MixShare {
  protocol: OcppProtocol;
  percent: number;
}

export function isProtocol(v: string): v is OcppProtocol {
  return (PROTOCOLS as readonly string[]).includes(v);
}

/** Parses the flag's value; throws an Error whose message is one line for stderr. */
export function parseMix(text: string): MixShare[] {
  const shares: MixShare[] = [];
  for (const part of text.split(",")) {
    const m = /^\s*([^=\s]+)\s*=\s*(\d+)\s*$/.exec(part);
    if (!m) {
      throw new Error(
        `--ocpp-mix takes PROTOCOL=PERCENT,... e.g. 1.6=70,2.0.1=30 (got ${JSON.stringify(text)})`,
      );
    }
    const [, protocol, pct] = m;
    if (!isProtocol(protocol)) {
      throw new Error(
        `--ocpp-mix: unknown protocol ${JSON.stringify(protocol)} (use ${PROTOCOLS.join(" or ")})`,
      );
    }
    if (shares.some((s) => s.protocol === protocol)) throw new Error(`--ocpp-mix names ${protocol} twice`);
    shares.push({ protocol, percent: Number(pct) });
  }
  const total = shares.reduce((a, s) => a + s.percent, 0);
  if (total !== 100) throw new Error(`--ocpp-mix percentages must sum to 100 (got ${total})`);
  return shares;
}

/** How many of `count` chargers speak each protocol: largest remainder, so the counts sum to `count`. */
export function mixCounts(shares: readonly MixShare[], count: number): number[] {
  const exact = shares.map((s) => (s.percent * count) / 100);
  const counts = exact.map(Math.floor);
  let left = count - counts.reduce((a, b) => a + b, 0);
  const byRemainder = exact.map((e, i) => ({ i, r: e - Math.floor(e) })).sort((a, b) =>
    b.r - a.r || a.i - b.i
  );
  for (const { i } of byRemainder) {
    if (left === 0) break;
    counts[i]++;
    left--;
  }
  return counts;
}

/** The protocol of every charger of the fleet, by index. */
export function assignProtocols(shares: readonly MixShare[], count: number): OcppProtocol[] {
  const counts = mixCounts(shares, count);
  return shares.flatMap((s, i) => Array<OcppProtocol>(counts[i]).fill(s.protocol));
}
