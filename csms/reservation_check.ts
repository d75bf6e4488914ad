/**
 * What a 1.6 StartTransaction does to the charger's reservations (§5.13): the reservation it names is used
 * up; a start on a connector reserved for someone else (neither the holder's idTag nor one of its parent)
 * is answered Invalid, so that the charger stops it (StopTransactionOnInvalidId). Pure.
 */
import { holdsReservation, type ReservationRecord } from "../shared/reservation.ts";

export interface StartOnReservations {
  /** The reservation this start uses up, if any. */
  uses?: ReservationRecord;
  /** The reservation held for someone else on this connector, which this start breaks. */
  breaks?: ReservationRecord;
}

/** `active`: the charger's reservations Active now. */
export function startOnReservations(
  active: readonly ReservationRecord[],
  start: { connectorId: number; idTag: string; parentIdTag?: string; reservationId?: number },
): StartOnReservations {
  const named = start.reservationId === undefined
    ? undefined
    : active.find((r) => r.reservationId === start.reservationId);
  if (named) return { uses: named };
  const here = active.find((r) => r.connectorId === start.connectorId);
  if (!here) return {};
  return holdsReservation(here, start.idTag, start.parentIdTag) ? { uses: here } : { breaks: here };
}
