/**
 * The charger page's reservations card (OCPP 1.6): when its stored reservations and local list may have
 * changed, and how each reservation reads. Pure.
 */
import type { BusEvent } from "../../shared/events.ts";
import type { ReservationRecord } from "../../shared/reservation.ts";

const STORING = new Set(["ReserveNow", "CancelReservation", "SendLocalList"]);

/**
 * Whether the CSMS may have stored a change: a reservation or list command got its answer (stored first),
 * a transaction started (it may use a reservation), or a connector's status moved (a reservation made,
 * expired or cancelled on the charger shows as Reserved coming or going).
 */
export function reservationsMayHaveChanged(event: BusEvent): boolean {
  if (event.type === "command.answered") return STORING.has(event.action);
  return event.type === "transaction.started" || event.type === "connector.status";
}

/** Where a reservation holds: one connector, or any (connector 0). */
export function reservationPlace(r: Pick<ReservationRecord, "connectorId">): string {
  return r.connectorId === 0 ? "any connector" : `connector ${r.connectorId}`;
}

/** Who may use it: the idTag, and the parent's other tags. */
export function reservationHolder(r: Pick<ReservationRecord, "idTag" | "parentIdTag">): string {
  return r.parentIdTag ? `${r.idTag} (or parent ${r.parentIdTag})` : r.idTag;
}

/** The class its state is shown with: Active good, Used done, Expired or Cancelled a warning. */
export function reservationTone(r: Pick<ReservationRecord, "state">): "tone-ok" | "tone-warn" | "muted" {
  return r.state === "Active" ? "tone-ok" : r.state === "Used" ? "muted" : "tone-warn";
}
