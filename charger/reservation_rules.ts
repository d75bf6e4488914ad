/**
 * OCPP 1.6 Reservation profile (§5.13 ReserveNow, §5.3 CancelReservation, §3.8 Reservations), the rules
 * alone: what ReserveNow is answered, who may start on a reserved connector, and what a reservation of
 * the whole charge point (connector 0) leaves to others. Pure: connector states and the clock in,
 * decisions out; charger/reservations.ts keeps the reservations and their expiry.
 */
import type { ConnectorReservation, ConnectorState } from "./connector.ts";

export type ReserveStatus = "Accepted" | "Faulted" | "Occupied" | "Rejected" | "Unavailable";

/** A reservation of connector 0: any connector will do, as long as one stays free for its idTag. */
export type ChargerReservation = ConnectorReservation;

/** ReserveNow's answer for a connector (1..n). The same reservationId again replaces the reservation. */
export function reserveConnectorStatus(
  c: ConnectorState,
  chargerOperative: boolean,
  reservationId: number,
): ReserveStatus {
  if (c.errorCode !== "NoError") return "Faulted";
  if (!c.operative || !chargerOperative) return "Unavailable";
  if (c.phase !== "idle") return "Occupied";
  if (c.reservation && c.reservation.reservationId !== reservationId) return "Occupied";
  return "Accepted";
}

/** A connector nobody holds: idle, operative, without fault or reservation. */
export function isFree(c: ConnectorState, chargerOperative: boolean): boolean {
  return c.phase === "idle" && c.operative && chargerOperative && c.errorCode === "NoError" && !c.reservation;
}

/**
 * ReserveNow for connector 0 (the charge point as a whole), allowed only where ReserveConnectorZeroSupported
 * is true: Accepted while some connector is free for it.
 */
export function reserveChargerStatus(
  connectors: readonly ConnectorState[],
  chargerOperative: boolean,
  zeroSupported: boolean,
  held: ChargerReservation | undefined,
  reservationId: number,
): ReserveStatus {
  if (!zeroSupported) return "Rejected";
  if (!chargerOperative) return "Unavailable";
  if (held && held.reservationId !== reservationId) return "Occupied";
  if (connectors.some((c) => isFree(c, chargerOperative))) return "Accepted";
  if (connectors.every((c) => c.errorCode !== "NoError")) return "Faulted";
  if (connectors.every((c) => !c.operative)) return "Unavailable";
  return "Occupied";
}

/**
 * Whether `idTag` is the reservation's: the same tag, or (§5.13) one whose parentIdTag, as the charge point
 * knows it from an authorization, the local list or its cache, is the reservation's parentIdTag.
 */
export function holdsReservation(
  r: ConnectorReservation,
  idTag: string,
  parentIdTag: string | undefined,
): boolean {
  if (idTag.toLowerCase() === r.idTag.toLowerCase()) return true;
  return !!r.parentIdTag && !!parentIdTag && parentIdTag.toLowerCase() === r.parentIdTag.toLowerCase();
}

export function expired(r: ConnectorReservation, nowMs: number): boolean {
  return r.expiresAt <= nowMs;
}

export type StartVerdict =
  /** Nothing reserved stands in the way. */
  | { ok: true; reservationId?: number }
  | { ok: false; why: string };

/**
 * May `idTag` start on connector `c`? A connector's own reservation admits only its holder (and is used up
 * by the start); a reservation of connector 0 admits its holder anywhere, and others only while another
 * connector stays free for it.
 */
export function mayStart(
  c: ConnectorState,
  connectors: readonly ConnectorState[],
  chargerOperative: boolean,
  charger: ChargerReservation | undefined,
  idTag: string,
  parentIdTag: string | undefined,
): StartVerdict {
  if (c.reservation) {
    return holdsReservation(c.reservation, idTag, parentIdTag)
      ? { ok: true, reservationId: c.reservation.reservationId }
      : { ok: false, why: `connector ${c.id} is reserved for another idTag` };
  }
  if (!charger) return { ok: true };
  if (holdsReservation(charger, idTag, parentIdTag)) {
    return { ok: true, reservationId: charger.reservationId };
  }
  const othersFree = connectors.filter((o) => o.id !== c.id && isFree(o, chargerOperative)).length;
  return othersFree > 0
    ? { ok: true }
    : { ok: false, why: `the last free connector is reserved (reservation ${charger.reservationId})` };
}
