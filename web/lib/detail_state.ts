/**
 * What the charger detail view holds, folded from a snapshot and then from the
 * charger's live events. Pure and bounded, so a page left open for hours keeps a
 * fixed amount of memory. Events that repeat what the snapshot already holds
 * (the bridge replays those that arrived while the snapshot was read) are
 * recognised and dropped.
 */
import type { BusEvent } from "../../shared/events.ts";
import type { ChargerSummary, EventLogEntry, TransactionRecord } from "../../shared/queries.ts";
import { applyEvent, emptySummary, startedTransaction, withoutStale } from "./charger_state.ts";
import { connectorStatus } from "./fleet.ts";
import { describeRefusal } from "./refusals.ts";
import type { ChargerSnapshot, FrameRecord, MeterPoint, StatusEntry } from "./protocol.ts";

export type { StatusEntry } from "./protocol.ts";

export const DETAIL_LIMITS = { frames: 500, meter: 3600, statusLog: 100, transactions: 10 } as const;

export interface DetailState {
  chargerId: string;
  charger: ChargerSummary | null;
  frames: FrameRecord[];
  meter: MeterPoint[];
  transactions: TransactionRecord[];
  statusLog: StatusEntry[];
}

const frameKey = (f: FrameRecord) => `${f.direction}:${f.messageType}:${f.messageId}`;
const sampleKey = (s: MeterPoint) => `${s.evseId}:${s.timestamp}`;

function keepLast<T>(items: T[], limit: number): T[] {
  return items.length > limit ? items.slice(items.length - limit) : items;
}

/** The status log's entry for a connector's status (a live event, or one read back from the event log). */
function statusEntry(
  at: string,
  e: {
    evseId: number;
    connectorId: number;
    status: Parameters<typeof connectorStatus>[0]["status"];
    chargingState?: Parameters<typeof connectorStatus>[0]["chargingState"];
    original: string;
    errorCode?: string;
    info?: string;
  },
): StatusEntry {
  return {
    at,
    evseId: e.evseId,
    connectorId: e.connectorId,
    status: connectorStatus(e),
    original: e.original,
    ...(e.errorCode !== undefined && { errorCode: e.errorCode }),
    ...(e.info !== undefined && { info: e.info }),
  };
}

/**
 * Status changes as far back as the persisted event log reaches: its `connector.status` entries (newest
 * first, as the log is read), oldest first. An entry without the fields of a status is skipped.
 */
export function statusLogFromEvents(entries: readonly EventLogEntry[]): StatusEntry[] {
  const out: StatusEntry[] = [];
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i];
    if (entry.type !== "connector.status") continue;
    const d = entry.data as Record<string, unknown> | null;
    if (
      typeof d !== "object" || d === null || typeof d.evseId !== "number" ||
      typeof d.connectorId !== "number" || typeof d.status !== "string" || typeof d.original !== "string"
    ) continue;
    out.push(statusEntry(entry.at, d as Parameters<typeof statusEntry>[1]));
  }
  return out;
}

export function fromSnapshot(snapshot: ChargerSnapshot): DetailState {
  return {
    chargerId: snapshot.chargerId,
    charger: snapshot.charger,
    frames: keepLast(snapshot.frames, DETAIL_LIMITS.frames),
    meter: keepLast(snapshot.meter, DETAIL_LIMITS.meter),
    transactions: snapshot.transactions.slice(0, DETAIL_LIMITS.transactions),
    statusLog: keepLast(snapshot.statusLog, DETAIL_LIMITS.statusLog),
  };
}

function pushStatus(state: DetailState, entry: StatusEntry): StatusEntry[] {
  const last = state.statusLog.at(-1);
  if (
    last && last.evseId === entry.evseId && last.connectorId === entry.connectorId &&
    last.original === entry.original && last.at === entry.at
  ) return state.statusLog;
  return keepLast([...state.statusLog, entry], DETAIL_LIMITS.statusLog);
}

export function applyDetailEvent(state: DetailState, event: BusEvent): DetailState {
  if (event.chargerId !== state.chargerId) return state;
  if (event.type === "charger.refused") {
    // Only the status log learns of it: a refused connection is no session, and a charger never seen
    // stays "not connected yet".
    const info = describeRefusal(event);
    return { ...state, statusLog: pushStatus(state, { at: event.at, status: "Refused", info }) };
  }
  const charger = applyEvent(state.charger ?? emptySummary(state.chargerId), event);
  const next: DetailState = { ...state, charger };
  switch (event.type) {
    case "ocpp.frame": {
      const { type: _type, ...frame } = event;
      const key = frameKey(frame);
      // Only the newest frames can be repeats of the snapshot's.
      if (state.frames.slice(-50).some((f) => frameKey(f) === key)) return next;
      next.frames = keepLast([...state.frames, frame], DETAIL_LIMITS.frames);
      break;
    }
    case "meter.values": {
      const known = new Set(state.meter.slice(-50).map(sampleKey));
      const fresh = event.samples
        .map((s) => ({ ...s, evseId: event.evseId, transactionId: event.transactionId }))
        .filter((s) => !known.has(sampleKey(s)));
      if (fresh.length > 0) next.meter = keepLast([...state.meter, ...fresh], DETAIL_LIMITS.meter);
      const live = new Map(charger.activeTransactions.map((t) => [t.id, t]));
      next.transactions = state.transactions.map((t) => {
        const active = t.stoppedAt ? undefined : live.get(t.id);
        return active ? { ...t, energyWh: active.energyWh, lastMeterWh: active.lastMeterWh } : t;
      });
      break;
    }
    case "connector.status":
      next.statusLog = pushStatus(state, statusEntry(event.at, event));
      next.transactions = withoutStale(state.transactions, event.evseId);
      break;
    case "charger.connected":
      next.statusLog = pushStatus(state, { at: event.at, status: "Online" });
      next.transactions = withoutStale(state.transactions);
      break;
    case "charger.disconnected":
      next.statusLog = pushStatus(state, { at: event.at, status: "Offline", info: event.reason });
      break;
    case "transaction.started": {
      if (state.transactions.some((t) => t.id === event.transactionId)) break;
      // A new session starts a new battery curve.
      next.meter = [];
      next.transactions = [startedTransaction(event), ...state.transactions].slice(
        0,
        DETAIL_LIMITS.transactions,
      );
      break;
    }
    case "transaction.stopped":
      next.transactions = state.transactions.map((t) => {
        if (t.id !== event.transactionId) return t;
        // A stopped transaction is stale no more.
        const { stale: _, ...rest } = t;
        return {
          ...rest,
          meterStopWh: event.meterStopWh,
          stoppedAt: event.stoppedAt,
          stopReason: event.reason,
          energyWh: event.energyWh,
          ...(event.closedBy !== undefined && { closedBy: event.closedBy }),
          ...(event.closeReason !== undefined && { closeReason: event.closeReason }),
          ...(event.supersededBy !== undefined && { supersededBy: event.supersededBy }),
        };
      });
      break;
  }
  return next;
}
