/** How a transaction's end and its staleness read in the portal. Pure; used on the server and in islands. */
import { CSMS_STOP_REASONS, type TransactionRecord } from "../../shared/queries.ts";
import { durationBetween, formatKwh } from "./format.ts";

/** The Transactions page's address for a page of one charger's (or all) transactions, or the stale ones only. */
export function transactionsPageHref(page: number, chargerId: string | null, staleOnly: boolean): string {
  const q = new URLSearchParams();
  if (chargerId) q.set("charger", chargerId);
  if (staleOnly) q.set("stale", "1");
  if (page > 1) q.set("page", String(page));
  const s = q.toString();
  return s ? `/transactions?${s}` : "/transactions";
}

/** "EVDisconnected", "Superseded by #12", "ClosedByOperator by olga: cable cut"; "" while active. */
export function describeEnd(t: TransactionRecord): string {
  if (t.stoppedAt === undefined) return "";
  const reason = t.stopReason ?? "—";
  if (t.stopReason === CSMS_STOP_REASONS.superseded && t.supersededBy !== undefined) {
    return `${reason} by #${t.supersededBy}`;
  }
  if (t.closedBy !== undefined) {
    return `${reason} by ${t.closedBy}${t.closeReason ? `: ${t.closeReason}` : ""}`;
  }
  return reason;
}

/** The charger's own stop after the CSMS closed the transaction, for the record; "" without one. */
export function describeReportedStop(t: TransactionRecord): string {
  const r = t.reportedStop;
  if (!r) return "";
  return `charger reported its stop later: ${r.reason}, meter ${formatKwh(r.meterStopWh)}`;
}

/** "charger offline 2 h 05 min", "connector Available 3 min 10 s"; "" when not stale. */
export function describeStale(t: TransactionRecord, now: number): string {
  if (!t.stale) return "";
  const what = t.stale.cause === "ChargerOffline" ? "charger offline" : "connector Available";
  return `${what} ${durationBetween(t.stale.since, now)}`;
}
