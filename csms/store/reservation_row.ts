/** Reservations and sent local lists as both engines store them (the same columns). */
import type { LocalListEntry, LocalListSummary, SentLocalList } from "../../shared/local_list.ts";
import {
  type ReservationRecord,
  reservationState,
  type StoredReservationState,
} from "../../shared/reservation.ts";

export interface ReservationRow {
  charger_id: string;
  reservation_id: number;
  connector_id: number;
  id_tag: string;
  parent_id_tag: string | null;
  expires_at: string;
  created_at: string;
  state: string;
  ended_at: string | null;
  transaction_id: number | null;
}

/** The reservation in its state as of `nowMs` (an Active one past its expiry reads Expired). */
export function reservationFromRow(r: ReservationRow, nowMs: number): ReservationRecord {
  return {
    chargerId: r.charger_id,
    reservationId: Number(r.reservation_id),
    connectorId: Number(r.connector_id),
    idTag: r.id_tag,
    ...(r.parent_id_tag !== null && { parentIdTag: r.parent_id_tag }),
    expiresAt: r.expires_at,
    createdAt: r.created_at,
    state: reservationState(r.state as StoredReservationState, r.expires_at, nowMs),
    ...(r.ended_at !== null && { endedAt: r.ended_at }),
    ...(r.transaction_id !== null && { transactionId: Number(r.transaction_id) }),
  };
}

export interface LocalListRow {
  charger_id: string;
  version: number;
  update_type: string;
  entries: string;
  sent_at: string;
}

export function localListFromRow(r: LocalListRow): SentLocalList {
  return {
    version: Number(r.version),
    updateType: r.update_type as SentLocalList["updateType"],
    entries: JSON.parse(r.entries) as LocalListEntry[],
    sentAt: r.sent_at,
  };
}

export function localListSummary(l: SentLocalList): LocalListSummary {
  return { version: l.version, updateType: l.updateType, sentAt: l.sentAt, size: l.entries.length };
}
