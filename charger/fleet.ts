/**
 * Many charge points in one process: one shared clock for the whole fleet,
 * a cap on handshakes in flight so thousands ramp up instead of stampeding,
 * and a summary for the terminal.
 */
import { type ChargePointHandle, type ChargePointSnapshot, type ConnectorStatus } from "./charge_point.ts";
import { type ChargePointOptions, checkId, DEFAULTS, MAX_ID_LENGTH, OptionError } from "./options.ts";
import { Ticker } from "./ticker.ts";
import { ConnectGate } from "./transport.ts";
import { createCharger } from "./charge_point.ts";
import { assignProtocols, type MixShare } from "./ocpp_mix.ts";

export interface FleetOptions extends Omit<ChargePointOptions, "id" | "index" | "ticker" | "gate"> {
  count: number;
  /** Ids are the prefix and a zero-padded number: CP-001, CP-002, ... */
  idPrefix?: string;
  /** WebSocket handshakes in flight at once (default 64). */
  maxConcurrentHandshakes?: number;
  /** Protocols by share of the fleet (ocpp_mix.ts); overrides `ocpp`. */
  ocppMix?: readonly MixShare[];
}

export const MAX_FLEET = 100_000;

export interface FleetSummary {
  chargers: number;
  online: number;
  /** Registered (BootNotification Accepted). */
  accepted: number;
  connectors: number;
  byStatus: Partial<Record<ConnectorStatus, number>>;
  /** Running transactions. */
  transactions: number;
  powerW: number;
  /** Sum of the energy registers, in Wh. */
  energyWh: number;
  /** Transaction messages waiting for delivery. */
  queued: number;
  framesIn: number;
  framesOut: number;
}

export interface FleetHandle {
  readonly chargers: readonly ChargePointHandle[];
  summary(): FleetSummary;
  stop(): Promise<void>;
}

/** The fleet's ids: the prefix and a number padded to the width of the count (at least 3 digits). */
export function fleetIds(count: number, prefix: string): string[] {
  const width = Math.max(3, String(count).length);
  return Array.from({ length: count }, (_, i) => `${prefix}${String(i + 1).padStart(width, "0")}`);
}

export function summarize(snapshots: readonly ChargePointSnapshot[]): FleetSummary {
  const s: FleetSummary = {
    chargers: snapshots.length,
    online: 0,
    accepted: 0,
    connectors: 0,
    byStatus: {},
    transactions: 0,
    powerW: 0,
    energyWh: 0,
    queued: 0,
    framesIn: 0,
    framesOut: 0,
  };
  for (const cp of snapshots) {
    if (cp.online) s.online++;
    if (cp.registration === "Accepted") s.accepted++;
    s.queued += cp.queued;
    s.framesIn += cp.framesIn;
    s.framesOut += cp.framesOut;
    for (const c of cp.connectors) {
      s.connectors++;
      s.byStatus[c.status] = (s.byStatus[c.status] ?? 0) + 1;
      if (c.sessionWh !== undefined) s.transactions++;
      s.powerW += c.powerW;
      s.energyWh += c.energyWh;
    }
  }
  return s;
}

export function startFleet(options: FleetOptions): FleetHandle {
  const { count, idPrefix = "CP-", maxConcurrentHandshakes = 64, ocppMix, ...common } = options;
  if (!Number.isInteger(count) || count < 1 || count > MAX_FLEET) {
    throw new OptionError(`count must be an integer from 1 to ${MAX_FLEET} (got ${count})`);
  }
  const ids = fleetIds(count, idPrefix);
  const longest = ids[ids.length - 1];
  if (longest.length > MAX_ID_LENGTH) {
    throw new OptionError(`id-prefix too long: ${longest} is over ${MAX_ID_LENGTH} characters`);
  }
  checkId(longest, "id-prefix");
  const ticker = new Ticker(options.tickMs ?? DEFAULTS.tickMs, (e) => console.error(e));
  const gate = new ConnectGate(maxConcurrentHandshakes);
  // Build every charger before starting any, so a bad option fails before a single connection opens.
  const protocols = ocppMix ? assignProtocols(ocppMix, count) : undefined;
  const chargers = ids.map((id, index) =>
    createCharger({ ...common, ...(protocols && { ocpp: protocols[index] }), id, index, ticker, gate })
  );
  for (const cp of chargers) cp.start();
  return {
    chargers,
    summary: () => summarize(chargers.map((c) => c.snapshot())),
    stop: async () => {
      await Promise.all(chargers.map((c) => c.stop()));
    },
  };
}
