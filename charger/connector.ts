/**
 * One connector's state machine, pure: each transition takes a state and
 * returns the next one (or why it cannot happen). The OCPP status is derived
 * from the state by `statusOf`, so it can never disagree with it; the charge
 * point sends a StatusNotification whenever the derived status changes.
 *
 *   idle --plugIn--> preparing --start--> charging --stop--> finishing --unplug--> idle
 *     \___________________start (car plugs in and starts at once)___/
 */
import type { ChargePointErrorCode16, ChargePointStatus16 } from "../shared/ocpp/mod.ts";

export type ConnectorPhase = "idle" | "preparing" | "charging" | "finishing";

export interface ConnectorTx {
  /** Our own id, known before the central system assigns `transactionId`. */
  localId: number;
  idTag: string;
  meterStartWh: number;
  startedAt: string;
  /** From the StartTransaction answer; absent while it is still queued or in flight. */
  transactionId?: number;
}

/** A reservation held on one connector (OCPP 1.6 ReserveNow; charger/reservations.ts keeps the rules). */
export interface ConnectorReservation {
  reservationId: number;
  idTag: string;
  parentIdTag?: string;
  /** ms since the epoch. */
  expiresAt: number;
}

export interface ConnectorState {
  readonly id: number;
  readonly phase: ConnectorPhase;
  /** Availability set by ChangeAvailability (persists across reboots). */
  readonly operative: boolean;
  /** An availability change scheduled until the running transaction ends. */
  readonly pendingOperative?: boolean;
  readonly errorCode: ChargePointErrorCode16;
  readonly tx?: ConnectorTx;
  /** The car has stopped drawing power (full, or at its target). */
  readonly evFull: boolean;
  /** The charger offers no power (the central system's refusal of the id tag): SuspendedEVSE. */
  readonly evseSuspended: boolean;
  /** A charging profile's limit is zero (smart_charging.ts): SuspendedEVSE until it rises. */
  readonly limitSuspended?: boolean;
  /** Held for one idTag until it starts, the reservation is cancelled or it expires. */
  readonly reservation?: ConnectorReservation;
}

export type Transition = { ok: true; state: ConnectorState } | { ok: false; reason: string };

export function initialConnector(id: number, operative = true): ConnectorState {
  return { id, phase: "idle", operative, errorCode: "NoError", evFull: false, evseSuspended: false };
}

/** The OCPP status of a connector; `chargerOperative` is connector 0's availability. */
export function statusOf(c: ConnectorState, chargerOperative = true): ChargePointStatus16 {
  if (c.errorCode !== "NoError") return "Faulted";
  switch (c.phase) {
    case "charging":
      return c.evseSuspended || c.limitSuspended ? "SuspendedEVSE" : c.evFull ? "SuspendedEV" : "Charging";
    case "preparing":
      return "Preparing";
    case "finishing":
      return "Finishing";
    case "idle":
      if (!c.operative || !chargerOperative) return "Unavailable";
      return c.reservation ? "Reserved" : "Available";
  }
}

/** A new transaction may begin here: nothing running, operative, not faulted. */
export function canStart(c: ConnectorState, chargerOperative = true): boolean {
  return (c.phase === "idle" || c.phase === "preparing") && c.operative && chargerOperative &&
    c.errorCode === "NoError";
}

const ok = (state: ConnectorState): Transition => ({ ok: true, state });
const no = (reason: string): Transition => ({ ok: false, reason });

/** A car's cable goes in. */
export function plugIn(c: ConnectorState, chargerOperative = true): Transition {
  if (c.phase !== "idle") return no(`connector ${c.id} is not free (${c.phase})`);
  if (!canStart(c, chargerOperative)) return no(`connector ${c.id} is ${statusOf(c, chargerOperative)}`);
  return ok({ ...c, phase: "preparing", evFull: false });
}

/** The transaction begins (the car is plugged in if it was not yet); a reservation here is used up. */
export function startTransaction(c: ConnectorState, tx: ConnectorTx, chargerOperative = true): Transition {
  if (!canStart(c, chargerOperative)) {
    return no(`connector ${c.id} cannot start a transaction (${statusOf(c, chargerOperative)})`);
  }
  // A start uses up the connector's reservation (charger/reservations.ts checked its idTag).
  return ok({ ...setReservation(c, undefined), phase: "charging", tx, evFull: false });
}

/** The central system's answer names the transaction. */
export function assignTransactionId(
  c: ConnectorState,
  localId: number,
  transactionId: number,
): ConnectorState {
  if (!c.tx || c.tx.localId !== localId) return c;
  return { ...c, tx: { ...c.tx, transactionId } };
}

/**
 * The transaction ends. With the cable still in, the connector is Finishing
 * until it is unplugged; when the car is already gone (EVDisconnected, a
 * reboot) it is free at once, and a scheduled availability change applies.
 */
export function stopTransaction(
  c: ConnectorState,
  opts: { unplugged: boolean },
): { ok: true; state: ConnectorState; tx: ConnectorTx } | { ok: false; reason: string } {
  if (c.phase !== "charging" || !c.tx) return { ok: false, reason: `connector ${c.id} has no transaction` };
  const ended: ConnectorState = {
    ...c,
    phase: "finishing",
    tx: undefined,
    evFull: false,
    limitSuspended: false,
  };
  return { ok: true, state: opts.unplugged ? release(ended) : ended, tx: c.tx };
}

/** The cable comes out. Only a connector without a running transaction can be unplugged this way. */
export function unplug(c: ConnectorState): Transition {
  if (c.phase === "charging") return no(`connector ${c.id} has a transaction running; stop it first`);
  return ok(release(c));
}

function release(c: ConnectorState): ConnectorState {
  const operative = c.pendingOperative ?? c.operative;
  return { ...c, phase: "idle", tx: undefined, evFull: false, operative, pendingOperative: undefined };
}

/** ChangeAvailability: applied now when idle, scheduled while a car is connected. */
export function changeAvailability(
  c: ConnectorState,
  operative: boolean,
): { state: ConnectorState; status: "Accepted" | "Scheduled" } {
  if (c.phase === "idle") {
    return { state: { ...c, operative, pendingOperative: undefined }, status: "Accepted" };
  }
  if (operative === c.operative) return { state: { ...c, pendingOperative: undefined }, status: "Accepted" };
  return { state: { ...c, pendingOperative: operative }, status: "Scheduled" };
}

export function setEvFull(c: ConnectorState, evFull: boolean): ConnectorState {
  return c.evFull === evFull ? c : { ...c, evFull };
}

export function setEvseSuspended(c: ConnectorState, evseSuspended: boolean): ConnectorState {
  return c.evseSuspended === evseSuspended ? c : { ...c, evseSuspended };
}

export function setLimitSuspended(c: ConnectorState, limitSuspended: boolean): ConnectorState {
  return !!c.limitSuspended === limitSuspended ? c : { ...c, limitSuspended };
}

/** A fault appears (any code but NoError) or clears (NoError). */
export function setFault(c: ConnectorState, errorCode: ChargePointErrorCode16): ConnectorState {
  return c.errorCode === errorCode ? c : { ...c, errorCode };
}

/** Reserves the connector, or (undefined) ends its reservation. */
export function setReservation(
  c: ConnectorState,
  reservation: ConnectorReservation | undefined,
): ConnectorState {
  const { reservation: _, ...rest } = c;
  return reservation ? { ...rest, reservation } : rest;
}

/**
 * After a reboot: no car, no transaction, no fault; availability survives as OCPP requires, and so does a
 * reservation (its expiry still holds).
 */
export function rebooted(c: ConnectorState): ConnectorState {
  const next = initialConnector(c.id, c.pendingOperative ?? c.operative);
  return c.reservation ? { ...next, reservation: c.reservation } : next;
}
