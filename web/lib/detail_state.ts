/**
 * What the charger detail view holds, folded from a snapshot and then from the
 * charger's live events. Pure and bounded, so a page left open for hours keeps a
 * fixed amount of memory. Events that repeat what the snapshot already holds
 * (the bridge replays those that arrived while the snapshot was read) are
 * recognised and dropped.
 */
import type { BusEvent } from "../../shared/events.ts";
import type { ChargePointErrorCode16 } from "../../shared/ocpp/actions16.ts";
import type { ChargerSummary, TransactionRecord } from "../../shared/queries.ts";
import { applyEvent, emptySummary, startedTransaction, withoutStale } from "./charger_state.ts";
import type { FleetStatus } from "./fleet.ts";
import { describeRefusal } from "./refusals.ts";
import type { ChargerSnapshot, FrameRecord, MeterPoint } from "./protocol.ts";

export const DETAIL_LIMITS = { frames: 500, meter: 3600, statusLog: 100, transactions: 10 } as const;

export interface StatusEntry {
  at: string;
  /** Undefined for the charger's own connection (online/offline). */
  connectorId?: number;
  /** "Refused": a connection the CSMS turned away at the handshake (`info` says why). */
  status: FleetStatus | "Online" | "Refused";
  errorCode?: ChargePointErrorCode16;
  info?: string;
}

export interface DetailState {
  chargerId: string;
  charger: ChargerSummary | null;
  frames: FrameRecord[];
  meter: MeterPoint[];
  transactions: TransactionRecord[];
  statusLog: StatusEntry[];
}

const frameKey = (f: FrameRecord) => `${f.direction}:${f.messageType}:${f.messageId}`;
const sampleKey = (s: MeterPoint) => `${s.connectorId}:${s.timestamp}`;

function keepLast<T>(items: T[], limit: number): T[] {
  return items.length > limit ? items.slice(items.length - limit) : items;
}

/** Status changes as far back as the frame log reaches: the StatusNotifications the charger sent. */
function statusFromFrames(frames: readonly FrameRecord[]): StatusEntry[] {
  const entries: StatusEntry[] = [];
  for (const f of frames) {
    if (f.direction !== "in" || f.messageType !== 2 || f.action !== "StatusNotification") continue;
    try {
      const payload = JSON.parse(f.text)[3];
      if (typeof payload?.connectorId === "number" && typeof payload?.status === "string") {
        entries.push({
          at: typeof payload.timestamp === "string" ? payload.timestamp : f.at,
          connectorId: payload.connectorId,
          status: payload.status,
          errorCode: payload.errorCode,
          info: payload.info,
        });
      }
    } catch {
      // The log keeps frames cut to a bounded length; a cut one simply adds no entry.
    }
  }
  return entries;
}

export function fromSnapshot(snapshot: ChargerSnapshot): DetailState {
  return {
    chargerId: snapshot.chargerId,
    charger: snapshot.charger,
    frames: keepLast(snapshot.frames, DETAIL_LIMITS.frames),
    meter: keepLast(snapshot.meter, DETAIL_LIMITS.meter),
    transactions: snapshot.transactions.slice(0, DETAIL_LIMITS.transactions),
    statusLog: keepLast(statusFromFrames(snapshot.frames), DETAIL_LIMITS.statusLog),
  };
}

function pushStatus(state: DetailState, entry: StatusEntry): StatusEntry[] {
  const last = state.statusLog.at(-1);
  if (
    last && last.connectorId === entry.connectorId && last.status === entry.status && last.at === entry.at
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
        .map((s) => ({ ...s, connectorId: event.connectorId, transactionId: event.transactionId }))
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
      next.statusLog = pushStatus(state, {
        at: event.at,
        connectorId: event.connectorId,
        status: event.status,
        errorCode: event.errorCode,
        info: event.info,
      });
      next.transactions = withoutStale(state.transactions, event.connectorId);
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
