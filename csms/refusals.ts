/**
 * The trace a connection refused at the handshake leaves, since it never gets a session: one log line
 * (rate-limited: whoever can reach the port can make refusals as fast as they like), a `charger.refused`
 * bus event for the portal, and a count in the store's recent refusals. Nothing secret from the request
 * is kept or shown: the id, the address, why, and for a subprotocol mismatch what was offered.
 */
import type { Bus } from "../shared/events.ts";
import { isoAt } from "./clock.ts";
import { SlidingWindowLimit } from "./rate_limit.ts";
import type { RefusalRecord } from "../shared/storage.ts";
import { logger } from "../shared/log.ts";

const log = logger("csms");

/** Refusal lines the CSMS logs in a sliding minute; the others are counted, and the count logged later. */
export const REFUSAL_LOG_LINES_PER_MINUTE = 20;
/** What is kept of a refusal's detail (the subprotocols offered), in characters. */
export const MAX_REFUSAL_DETAIL = 120;

export type Refused = Omit<RefusalRecord, "at">;

/** One line for a refusal. */
export function refusalLine(r: RefusalRecord): string {
  const detail = r.detail === undefined ? "" : `; offered ${JSON.stringify(r.detail)}`;
  return `refused charge point ${JSON.stringify(r.chargerId)} from ${r.remoteAddress}: ${r.reason} ` +
    `(${r.status}${detail})`;
}

/** Decides which refusals are logged: at most `limit` lines a minute, the next one saying how many were not. */
export class RefusalLogLimit {
  #window: SlidingWindowLimit;
  #unlogged = 0;

  constructor(limit = REFUSAL_LOG_LINES_PER_MINUTE) {
    this.#window = new SlidingWindowLimit(limit, 60_000);
  }

  /** The line to log for `r` at `now` (ms), or undefined when this minute's lines are used up. */
  line(r: RefusalRecord, now: number): string | undefined {
    if (!this.#window.allow(now)) {
      this.#unlogged++;
      return undefined;
    }
    const unlogged = this.#unlogged;
    this.#unlogged = 0;
    return unlogged === 0 ? refusalLine(r) : `${refusalLine(r)}; ${unlogged} more refusals not logged`;
  }
}

export interface RefusalRecorderDeps {
  bus: Bus;
  store: { record(refusal: RefusalRecord): void };
  log?: (line: string, chargerId: string) => void;
  now?: () => number;
}

export class RefusalRecorder {
  #limit = new RefusalLogLimit();
  #deps: Required<RefusalRecorderDeps>;

  constructor(deps: RefusalRecorderDeps) {
    this.#deps = { log: (line, chargerId) => log.warn(line, { chargerId }), now: Date.now, ...deps };
  }

  record(refused: Refused): void {
    const now = this.#deps.now();
    const r: RefusalRecord = { ...refused, at: isoAt(now) };
    if (r.detail !== undefined) r.detail = r.detail.slice(0, MAX_REFUSAL_DETAIL);
    const line = this.#limit.line(r, now);
    if (line !== undefined) this.#deps.log(line, r.chargerId);
    this.#deps.store.record(r);
    try {
      this.#deps.bus.publish({ type: "charger.refused", ...r });
    } catch (err) {
      // The contract says publish never throws; a broken bus still must not break the endpoint.
      log.error("bus publish failed:", { chargerId: r.chargerId, type: "charger.refused", error: err });
    }
  }
}
