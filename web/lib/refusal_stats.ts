/**
 * The portal's count of connections the CSMS refused at the handshake, by reason, folded from the
 * `charger.refused` events on the bus since the portal started (GET /api/v1/stats). Pure.
 */
import type { ChargerRefused, RefusalReason } from "../../shared/events.ts";

export interface RefusalStats {
  /** Refusals since `since`. */
  total: number;
  byReason: Partial<Record<RefusalReason, number>>;
  /** When the portal started counting. */
  since: string;
}

export class RefusalCounter {
  #total = 0;
  #byReason: Partial<Record<RefusalReason, number>> = {};
  readonly since: string;

  constructor(now = Date.now()) {
    this.since = new Date(now).toISOString();
  }

  add(event: ChargerRefused): void {
    this.#total++;
    this.#byReason[event.reason] = (this.#byReason[event.reason] ?? 0) + 1;
  }

  stats(): RefusalStats {
    return { total: this.#total, byReason: { ...this.#byReason }, since: this.since };
  }
}
