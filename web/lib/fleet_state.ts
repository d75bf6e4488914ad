/**
 * The bridge's live picture of the fleet: every charger's summary, folded from
 * the CSMS's initial list and then from Bus events, with its compact row cached
 * and the id order kept sorted for the snapshot. Pure (no I/O, no timers).
 */
import type { BusEvent } from "../../shared/events.ts";
import type { ChargerSummary } from "../../shared/queries.ts";
import { applyEvent, changesSummary, emptySummary, foldMeterValues } from "./charger_state.ts";
import {
  compareIds,
  countByStatus,
  type FleetRow,
  type FleetStatus,
  headlineStatus,
  type StatusCounts,
  toFleetRow,
} from "./fleet.ts";

export class FleetState {
  #summaries = new Map<string, ChargerSummary>();
  #rows = new Map<string, FleetRow>();
  /**
   * Rows to build again when next read, with the last-seen time their summary had when it changed. A
   * MeterValues changes a charging charger's row many times a second, and the fleet view reads a row at
   * most once per interval: building it for every event was a measurable share of the CSMS's CPU (issue
   * 15). Frames move a summary's lastSeenAt in place without changing its row, so the row keeps the time
   * of the change, as when it was built at once.
   */
  #stale = new Map<string, string | undefined>();
  /** Each charger's headline status and presence, all that counts() needs: kept at once, it is cheap. */
  #status = new Map<string, { online: boolean; status: FleetStatus }>();
  #sorted: string[] | undefined = [];

  get size(): number {
    return this.#summaries.size;
  }

  /** Replaces everything with the CSMS's list (copied: what this class keeps, it changes in place). */
  load(summaries: readonly ChargerSummary[]): void {
    this.#summaries.clear();
    this.#rows.clear();
    this.#stale.clear();
    this.#status.clear();
    for (const s of summaries) {
      this.#put({ ...s, activeTransactions: s.activeTransactions.map((t) => ({ ...t })) });
    }
    this.#sorted = undefined;
  }

  /** Folds one event in; returns whether the charger's row changed (so the fleet view needs an update). */
  apply(event: BusEvent): boolean {
    const before = this.#summaries.get(event.chargerId);
    if (event.type === "ocpp.frame") {
      // Two frames an OCPP message, thousands a second under load, and each only moves lastSeenAt: set in
      // place instead of copying the summary (applyEvent's result), which was a measurable share of the
      // process's CPU. The summaries are this class's own; a snapshot takes a copy().
      if (before && event.direction === "in") before.lastSeenAt = event.at;
      return false;
    }
    if (event.type === "meter.values" && before) {
      // The other event a charging charger sends many times a second: folded in place too. It moves
      // neither presence nor connectors, so the headline status stays.
      if (!foldMeterValues(before, event, true)) return false;
      this.#stale.set(event.chargerId, before.lastSeenAt);
      return true;
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
    this.#stale.set(event.chargerId, after.lastSeenAt);
    // The headline status reads only these two (a MeterValues changes neither).
    if (!before || after.online !== before.online || after.connectors !== before.connectors) {
      this.#status.set(event.chargerId, { online: after.online, status: headlineStatus(after) });
    }
    return true;
  }

  /** A charger's live summary: read it now, events change it in place (copy() keeps one as it is). */
  summary(id: string): ChargerSummary | undefined {
    return this.#summaries.get(id);
  }

  /** A charger's summary as it is now, for a reader that holds it while events go on (a snapshot). */
  copy(id: string): ChargerSummary | undefined {
    const s = this.#summaries.get(id);
    return s && { ...s, activeTransactions: s.activeTransactions.map((t) => ({ ...t })) };
  }

  row(id: string): FleetRow | undefined {
    if (this.#stale.has(id)) this.#build(id);
    return this.#rows.get(id);
  }

  /** Every row, in natural id order. */
  rows(): FleetRow[] {
    if (!this.#sorted) this.#sorted = [...this.#status.keys()].sort(compareIds);
    return this.#sorted.map((id) => this.row(id)!);
  }

  counts(): StatusCounts {
    return countByStatus(this.#status.values());
  }

  #put(summary: ChargerSummary): void {
    this.#summaries.set(summary.id, summary);
    this.#stale.set(summary.id, summary.lastSeenAt);
    this.#status.set(summary.id, { online: summary.online, status: headlineStatus(summary) });
  }

  #build(id: string): void {
    const lastSeenAt = this.#stale.get(id);
    this.#stale.delete(id);
    const row = toFleetRow(this.#summaries.get(id)!);
    row.lastSeenAt = lastSeenAt;
    this.#rows.set(id, row);
  }
}
