/**
 * Folds Bus events into a charger's summary. Pure, so the bridge (fleet state on
 * the server) and the charger detail island (in the browser) keep the same view
 * of a charger from the same events.
 */
import type {
  BusEvent,
  ConnectorStatusChanged,
  MeterValuesReceived,
  TransactionStarted,
} from "../../shared/events.ts";
import type { ChargerSummary, ConnectorState, TransactionRecord } from "../../shared/queries.ts";

export function emptySummary(id: string): ChargerSummary {
  return { id, online: false, connectors: [], activeTransactions: [] };
}

/**
 * Whether an event changes what a summary shows (frames, heartbeats and commands only touch lastSeenAt; a
 * refused connection, which never became a session, touches nothing, and must not add a charger).
 */
export function changesSummary(event: BusEvent): boolean {
  return event.type !== "ocpp.frame" && event.type !== "command.requested" &&
    event.type !== "command.answered" && event.type !== "charger.refused";
}

function withConnector(connectors: ConnectorState[], next: ConnectorState): ConnectorState[] {
  const others = connectors.filter((c) => c.evseId !== next.evseId || c.connectorId !== next.connectorId);
  return [...others, next].sort((a, b) => a.evseId - b.evseId || a.connectorId - b.connectorId);
}

/** A connector's state as a status event reports it (fields the charger left out stay out). */
export function connectorState(event: ConnectorStatusChanged): ConnectorState {
  return {
    evseId: event.evseId,
    connectorId: event.connectorId,
    status: event.status,
    ...(event.chargingState !== undefined && { chargingState: event.chargingState }),
    ...(event.errorCode !== undefined && { errorCode: event.errorCode }),
    ...(event.info !== undefined && { info: event.info }),
    original: event.original,
    updatedAt: event.at,
  };
}

/** The transaction a start event opens, before any energy is metered. */
export function startedTransaction(event: TransactionStarted): TransactionRecord {
  return {
    id: event.transactionId,
    chargerTransactionId: event.chargerTransactionId,
    chargerId: event.chargerId,
    evseId: event.evseId,
    connectorId: event.connectorId,
    idTag: event.idTag,
    meterStartWh: event.meterStartWh,
    startedAt: event.startedAt,
    energyWh: 0,
  };
}

/**
 * Staleness is decided by the CSMS when transactions are read; a sign of life from where one runs (the
 * charger back, its EVSE's new status) ends what was read, and a later read decides again.
 */
export function withoutStale(transactions: TransactionRecord[], evseId?: number): TransactionRecord[] {
  if (!transactions.some((t) => t.stale && (evseId === undefined || t.evseId === evseId))) {
    return transactions;
  }
  return transactions.map((t) => {
    if (!t.stale || (evseId !== undefined && t.evseId !== evseId)) return t;
    const { stale: _, ...rest } = t;
    return rest;
  });
}

/**
 * What a meter.values event changes: the latest sample, the metered transaction's energy, the last-seen
 * time; undefined when it carries no sample (nothing changes). `inPlace` folds it into `summary` and its
 * transactions themselves, for an owner that keeps them to itself (the bridge's fleet state: a copy per
 * MeterValues was a measurable share of the CSMS's CPU, issue 15); otherwise into a copy, the input not
 * modified.
 */
export function foldMeterValues(
  summary: ChargerSummary,
  event: MeterValuesReceived,
  inPlace: boolean,
): ChargerSummary | undefined {
  const last = event.samples.at(-1);
  if (!last) return undefined;
  const energy = event.samples.findLast((s) => s.energyWh !== undefined)?.energyWh;
  const next = inPlace ? summary : { ...summary };
  if (energy !== undefined) {
    const metered = (t: TransactionRecord) =>
      t.id === event.transactionId || (event.transactionId === undefined && t.evseId === event.evseId);
    if (inPlace) {
      for (const t of summary.activeTransactions) {
        if (!metered(t)) continue;
        t.lastMeterWh = energy;
        t.energyWh = Math.max(0, energy - t.meterStartWh);
      }
    } else {
      next.activeTransactions = summary.activeTransactions.map((t) =>
        metered(t) ? { ...t, lastMeterWh: energy, energyWh: Math.max(0, energy - t.meterStartWh) } : t
      );
    }
  }
  next.lastSeenAt = event.at;
  next.lastSample = { ...last, evseId: event.evseId, transactionId: event.transactionId };
  return next;
}

/** Returns the summary after `event`; the input is not modified. */
export function applyEvent(summary: ChargerSummary, event: BusEvent): ChargerSummary {
  switch (event.type) {
    case "charger.connected":
      return {
        ...summary,
        online: true,
        node: event.node,
        protocol: event.protocol,
        lastSeenAt: event.at,
        activeTransactions: withoutStale(summary.activeTransactions),
      };
    case "charger.disconnected": {
      // A socket closing on one node while the charger is connected to another (it reconnected there, and
      // the old node noticed late) ends nothing.
      if (summary.node !== undefined && summary.node !== event.node) return summary;
      const { node: _, ...rest } = summary;
      return { ...rest, online: false };
    }
    case "charger.boot":
      return {
        ...summary,
        online: true,
        vendor: event.vendor,
        model: event.model,
        firmwareVersion: event.firmwareVersion ?? summary.firmwareVersion,
        serialNumber: event.serialNumber ?? summary.serialNumber,
        lastBootAt: event.at,
        lastSeenAt: event.at,
      };
    case "charger.heartbeat":
      return { ...summary, lastSeenAt: event.at };
    case "connector.status":
      return {
        ...summary,
        lastSeenAt: event.at,
        activeTransactions: withoutStale(summary.activeTransactions, event.evseId),
        connectors: withConnector(summary.connectors, connectorState(event)),
      };
    case "transaction.started": {
      const others = summary.activeTransactions.filter((t) => t.id !== event.transactionId);
      return {
        ...summary,
        lastSeenAt: event.at,
        activeTransactions: [...others, startedTransaction(event)],
      };
    }
    case "transaction.stopped":
      return {
        ...summary,
        lastSeenAt: event.at,
        activeTransactions: summary.activeTransactions.filter((t) => t.id !== event.transactionId),
      };
    case "meter.values":
      return foldMeterValues(summary, event, false) ?? summary;
    case "ocpp.frame":
      return event.direction === "in" ? { ...summary, lastSeenAt: event.at } : summary;
    case "command.requested":
    case "command.answered":
    case "charger.refused":
    case "security.event":
    case "charger.transfer":
      return summary;
  }
}
