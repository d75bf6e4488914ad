/**
 * Reservations as the CSMS keeps them (OCPP 1.6 Reservation profile): one per charger and reservationId,
 * stored when the charger accepts a ReserveNow, ended when it cancels one or a transaction uses it.
 * Expiry is not written: a reservation still Active past its expiresAt reads as Expired. Pure.
 */

export const RESERVATION_STATES = ["Active", "Used", "Cancelled", "Expired"] as const;
export type ReservationState = (typeof RESERVATION_STATES)[number];

/** What the store writes: Expired is never written, it is read. */
export type StoredReservationState = Exclude<ReservationState, "Expired">;

export interface ReservationRecord {
  chargerId: string;
  reservationId: number;
  /** 0: any connector of the charger. */
  connectorId: number;
  idTag: string;
  parentIdTag?: string;
  expiresAt: string;
  createdAt: string;
  state: ReservationState;
  endedAt?: string;
  /** The transaction that used it. */
  transactionId?: number;
}

export type NewReservation = Omit<ReservationRecord, "state" | "endedAt" | "transactionId">;

/** The state as read at `nowMs`: an Active reservation past its expiry is Expired. */
export function reservationState(
  stored: StoredReservationState,
  expiresAt: string,
  nowMs: number,
): ReservationState {
  return stored === "Active" && Date.parse(expiresAt) <= nowMs ? "Expired" : stored;
}

/**
 * Whether `idTag` (with `parentIdTag`, as the CSMS knows it) is the reservation's holder: the same tag, or
 * one of the same parent (1.6 §5.13). IdTokens are case-insensitive.
 */
export function holdsReservation(
  r: Pick<ReservationRecord, "idTag" | "parentIdTag">,
  idTag: string,
  parentIdTag: string | undefined,
): boolean {
  if (r.idTag.toLowerCase() === idTag.toLowerCase()) return true;
  return !!r.parentIdTag && !!parentIdTag && r.parentIdTag.toLowerCase() === parentIdTag.toLowerCase();
}
