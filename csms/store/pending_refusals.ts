/**
 * Refusals counted in memory between two writes: a flood of refused handshakes costs one row write per
 * charger id per flush, not one per refusal, and never more ids than the table keeps.
 */
import { MAX_RECENT_REFUSALS } from "../../shared/queries.ts";
import type { RefusalRecord } from "../../shared/storage.ts";

export interface PendingRefusal {
  latest: RefusalRecord;
  /** Refusals of this id since the last flush. */
  attempts: number;
  firstAt: string;
}

export class PendingRefusals {
  /** By id, the least recently refused first. */
  #pending = new Map<string, PendingRefusal>();

  get size(): number {
    return this.#pending.size;
  }

  add(refusal: RefusalRecord): void {
    const id = refusal.chargerId;
    const known = this.#pending.get(id);
    // Re-inserted, so that the map stays in the order of the latest refusal of each id.
    this.#pending.delete(id);
    if (!known && this.#pending.size >= MAX_RECENT_REFUSALS) {
      // More ids than the table keeps, before one flush: the least recent would be pruned anyway.
      this.#pending.delete(this.#pending.keys().next().value!);
    }
    this.#pending.set(id, {
      latest: refusal,
      attempts: (known?.attempts ?? 0) + 1,
      firstAt: known?.firstAt ?? refusal.at,
    });
  }

  /** Hands over what is pending, the least recently refused first, and forgets it. */
  take(): Array<[string, PendingRefusal]> {
    const all = [...this.#pending];
    this.#pending.clear();
    return all;
  }
}
