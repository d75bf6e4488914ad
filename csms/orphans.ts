/**
 * Orphaned transactions, decided without I/O: the stop time the CSMS records
 * for a transaction a newer start superseded, and whether an active
 * transaction looks stale (its charger offline, or its connector Available,
 * for longer than STALE_TX_MINUTES).
 */
import type { ConnectorStatus } from "../shared/domain.ts";
import type { TransactionRecord } from "../shared/queries.ts";

/**
 * When a superseded transaction ended: by the time the charger started the next one on the connector, as
 * its clock says; never before the transaction's own start (a clock set back would give it a negative
 * duration).
 */
export function supersededStopTime(startedAt: string, nextStartedAt: string): string {
  return Date.parse(nextStartedAt) < Date.parse(startedAt) ? startedAt : nextStartedAt;
}

/** What the CSMS knows about where an active transaction runs; every time is the CSMS's own. */
export interface WhereItRuns {
  online: boolean;
  /** When the charger last sent anything. */
  lastSeenAt?: string;
  /** The transaction's connector, as last reported. */
  connector?: { status: ConnectorStatus; updatedAt: string };
}

/**
 * Why and since when an active transaction looks orphaned, once that has lasted `afterMs`; undefined
 * while it does not. An offline charger comes first: its connector's last status is stale news.
 */
export function staleness(
  where: WhereItRuns,
  startedAt: string,
  nowMs: number,
  afterMs: number,
): TransactionRecord["stale"] {
  let stale: TransactionRecord["stale"];
  if (!where.online) {
    // A charger never seen (possible only after the database was edited) is gone since its start.
    stale = { cause: "ChargerOffline", since: where.lastSeenAt ?? startedAt };
  } else if (where.connector?.status === "Available") {
    stale = { cause: "ConnectorAvailable", since: where.connector.updatedAt };
  }
  if (!stale) return undefined;
  const since = Date.parse(stale.since);
  // An unreadable time cannot show how long: flagged, so that an operator looks.
  return Number.isNaN(since) || nowMs - since >= afterMs ? stale : undefined;
}
