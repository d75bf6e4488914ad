/**
 * The bridge's live picture of the fleet: every charger's summary, folded from
 * the CSMS's initial list and then from Bus events, with its compact row cached
 * and the id order kept sorted for the snapshot. Pure (no I/O, no timers).
 */
import type { BusEvent } from "../../shared/events.ts";
import type { ChargerSummary } from "../../shared/queries.ts";
import { applyEvent, changesSummary, emptySummary } from "./charger_state.ts";
import { compareIds, countByStatus, type FleetRow, type StatusCounts, toFleetRow } from "./fleet.ts";

export class FleetState {
  #summaries = new Map<string, ChargerSummary>();
  #rows = new Map<string, FleetRow>();
  #sorted: string[] | undefined = [];

  get size(): number {
    return this.#summaries.size;
  }

  /** Replaces everything with the CSMS's list. */
  load(summaries: readonly ChargerSummary[]): void {
    this.#summaries.clear();
    this.#rows.clear();
    for (const s of summaries) this.#put(s);
    this.#sorted = undefined;
  }

  /** Folds one event in; returns whether the charger's row changed (so the fleet view needs an update). */
  apply(event: BusEvent): boolean {
    const before = this.#summaries.get(event.chargerId);
    if (event.type === "ocpp.frame") {
      // Two frames an OCPP message, thousands a second under load, and each only moves lastSeenAt: set in
      // place instead of copying the summary (applyEvent's result), which was a measurable share of the
      // process's CPU. The summaries are this class's own; a snapshot sent from one is encoded at once.
      if (before && event.direction === "in") before.lastSeenAt = event.at;
      return false;
    }
    if (!before) {
      // A charger the CSMS has not listed yet (it connects for the first time): it joins the fleet now.
      if (!changesSummary(event)) return false;
      this.#sorted = undefined;
    }
    const after = applyEvent(before ?? emptySummary(event.chargerId), event);
    if (after === before) return false;
    this.#summaries.set(event.chargerId, after);
    if (!changesSummary(event)) return false;
    this.#rows.set(event.chargerId, toFleetRow(after));
    return true;
  }

  summary(id: string): ChargerSummary | undefined {
    return this.#summaries.get(id);
  }

  row(id: string): FleetRow | undefined {
    return this.#rows.get(id);
  }

  /** Every row, in natural id order. */
  rows(): FleetRow[] {
    if (!this.#sorted) this.#sorted = [...this.#rows.keys()].sort(compareIds);
    return this.#sorted.map((id) => this.#rows.get(id)!);
  }

  counts(): StatusCounts {
    return countByStatus(this.#rows.values());
  }

  #put(summary: ChargerSummary): void {
    this.#summaries.set(summary.id, summary);
    this.#rows.set(summary.id, toFleetRow(summary));
  }
}
