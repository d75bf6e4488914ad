/**
 * The fleet overview's model: one compact row per charger, its headline status,
 * counts by status, and search/filter/pagination. Pure; the bridge builds rows
 * on the server and the fleet island filters and pages them in the browser.
 */
import type { ChargerSummary, ConnectorState } from "../../shared/queries.ts";

/**
 * What the fleet shows of a charger or a connector: an occupied connector by what the car is doing
 * (Charging, SuspendedEV, SuspendedEVSE) when the charger says, else the neutral availability; plus
 * Offline (not connected) and Unknown (connected, no status reported yet).
 */
export type FleetStatus =
  | "Charging"
  | "SuspendedEV"
  | "SuspendedEVSE"
  | "Occupied"
  | "Available"
  | "Reserved"
  | "Unavailable"
  | "Faulted"
  | "Offline"
  | "Unknown";

/** Order of the status chips. */
export const FLEET_STATUSES: readonly FleetStatus[] = [
  "Charging",
  "SuspendedEV",
  "SuspendedEVSE",
  "Occupied",
  "Reserved",
  "Available",
  "Unavailable",
  "Faulted",
  "Offline",
  "Unknown",
];

/** Which status wins when a charger's connectors say several: the most pressing first. */
const PRIORITY: Record<FleetStatus, number> = {
  Faulted: 0,
  Charging: 1,
  SuspendedEV: 2,
  SuspendedEVSE: 3,
  Occupied: 4,
  Reserved: 5,
  Unavailable: 6,
  Available: 7,
  Unknown: 8,
  Offline: 9,
};

/** One connector's status as the fleet shows it (see FleetStatus). */
export function connectorStatus(c: Pick<ConnectorState, "status" | "chargingState">): FleetStatus {
  if (c.status === "Occupied") {
    switch (c.chargingState) {
      case "Charging":
      case "SuspendedEV":
      case "SuspendedEVSE":
        return c.chargingState;
    }
  }
  return c.status;
}

export interface FleetConnector {
  evseId: number;
  connectorId: number;
  status: FleetStatus;
  /** The charger's own word for it ("Finishing", "Preparing", ...), for the tooltip. */
  original: string;
  errorCode?: string;
}

export interface FleetTransaction {
  id: number;
  evseId: number;
  idTag: string;
  startedAt: string;
  energyWh: number;
}

/** What the fleet table shows of one charger; kept small because 10,000 of them go to each browser. */
export interface FleetRow {
  id: string;
  online: boolean;
  status: FleetStatus;
  vendor?: string;
  model?: string;
  lastSeenAt?: string;
  /** The connectors of EVSEs 1..n (EVSE 0, the charger itself, only decides the status when nothing else does). */
  connectors: FleetConnector[];
  /** Present power; 0 when nothing is charging. */
  powerW: number;
  socPercent?: number;
  /** The active transactions (usually one per busy connector). */
  transactions: FleetTransaction[];
}

export type StatusCounts = Partial<Record<FleetStatus, number>> & { total: number; online: number };

/** The status that best describes a charger at a glance: the most pressing of its connectors'. */
export function headlineStatus(summary: ChargerSummary): FleetStatus {
  if (!summary.online) return "Offline";
  const real = summary.connectors.filter((c) => c.evseId > 0);
  const whole = summary.connectors.find((c) => c.evseId === 0);
  // EVSE 0 Unavailable or Faulted applies to the whole charger.
  if (whole && (whole.status === "Faulted" || whole.status === "Unavailable")) return whole.status;
  const candidates = real.length > 0 ? real : whole ? [whole] : [];
  if (candidates.length === 0) return "Unknown";
  let best: FleetStatus = "Unknown";
  for (const c of candidates) {
    const status = connectorStatus(c);
    if (PRIORITY[status] < PRIORITY[best]) best = status;
  }
  return best;
}

export function toFleetRow(summary: ChargerSummary): FleetRow {
  const charging = summary.activeTransactions.length > 0;
  const sample = summary.lastSample;
  return {
    id: summary.id,
    online: summary.online,
    status: headlineStatus(summary),
    vendor: summary.vendor,
    model: summary.model,
    lastSeenAt: summary.lastSeenAt,
    connectors: summary.connectors.filter((c) => c.evseId > 0).map((c) => ({
      evseId: c.evseId,
      connectorId: c.connectorId,
      status: connectorStatus(c),
      original: c.original,
      ...(c.errorCode !== undefined && { errorCode: c.errorCode }),
    })),
    powerW: charging && summary.online ? sample?.powerW ?? 0 : 0,
    socPercent: charging ? sample?.socPercent : undefined,
    transactions: summary.activeTransactions.map((t) => ({
      id: t.id,
      evseId: t.evseId,
      idTag: t.idTag,
      startedAt: t.startedAt,
      energyWh: t.energyWh,
    })),
  };
}

export function countByStatus(rows: Iterable<Pick<FleetRow, "online" | "status">>): StatusCounts {
  const counts: StatusCounts = { total: 0, online: 0 };
  for (const row of rows) {
    counts.total++;
    if (row.online) counts.online++;
    counts[row.status] = (counts[row.status] ?? 0) + 1;
  }
  return counts;
}

export interface FleetQuery {
  /** Matches id, vendor, model or an active transaction's idTag, case-insensitively. */
  search?: string;
  status?: FleetStatus;
  page?: number;
  pageSize?: number;
}

export interface FleetPage {
  rows: FleetRow[];
  /** Rows matching the search and filter, before paging. */
  matching: number;
  page: number;
  pages: number;
}

export function matches(row: FleetRow, search: string, status?: FleetStatus): boolean {
  if (status && row.status !== status) return false;
  if (!search) return true;
  const needle = search.toLowerCase();
  return row.id.toLowerCase().includes(needle) ||
    (row.vendor?.toLowerCase().includes(needle) ?? false) ||
    (row.model?.toLowerCase().includes(needle) ?? false) ||
    row.transactions.some((t) => t.idTag.toLowerCase().includes(needle));
}

/** Rows are expected sorted already (by id); this filters and cuts one page out of them. */
export function queryFleet(rows: readonly FleetRow[], query: FleetQuery): FleetPage {
  const pageSize = Math.max(1, Math.min(500, query.pageSize ?? 50));
  const search = query.search?.trim() ?? "";
  const filtered = search || query.status ? rows.filter((r) => matches(r, search, query.status)) : rows;
  const pages = Math.max(1, Math.ceil(filtered.length / pageSize));
  const page = Math.min(Math.max(1, query.page ?? 1), pages);
  return {
    rows: filtered.slice((page - 1) * pageSize, page * pageSize),
    matching: filtered.length,
    page,
    pages,
  };
}

/** Natural order, so CP-2 comes before CP-10. */
export const compareIds: (a: string, b: string) => number =
  new Intl.Collator("en", { numeric: true, sensitivity: "base" }).compare;
