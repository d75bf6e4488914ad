/**
 * The charge point's reservations (OCPP 1.6 Reservation profile): a connector's sits on the connector, so
 * that its status is Reserved; one of connector 0 is kept here. Each ends when its holder starts (the
 * StartTransaction carries its reservationId), when the central system cancels it, or at its expiryDate,
 * when the connector is Available again. The rules are reservation_rules.ts's.
 */
import type { Ocpp16 } from "../shared/ocpp/mod.ts";
import type { ConfigStore } from "./config_store.ts";
import { type ConnectorReservation, setReservation } from "./connector.ts";
import type { Emit } from "./events.ts";
import {
  type ChargerReservation,
  expired,
  mayStart,
  reserveChargerStatus,
  reserveConnectorStatus,
  type ReserveStatus,
  type StartVerdict,
} from "./reservation_rules.ts";
import type { Station } from "./station.ts";
import type { Timer, Timers } from "./timers.ts";

export class Reservations {
  readonly #station: Station;
  readonly #config: ConfigStore;
  readonly #timers: Timers;
  readonly #emit: Emit;
  readonly #now: () => number;
  #charger?: ChargerReservation;
  #expiry = new Map<number, Timer>();

  constructor(station: Station, config: ConfigStore, timers: Timers, emit: Emit, now = Date.now) {
    this.#station = station;
    this.#config = config;
    this.#timers = timers;
    this.#emit = emit;
    this.#now = now;
  }

  /** Connector 0's reservation, if any. */
  get charger(): ChargerReservation | undefined {
    return this.#charger;
  }

  /** ReserveNow. */
  reserve(req: Ocpp16.ReserveNowRequest): ReserveStatus {
    const expiresAt = Date.parse(req.expiryDate);
    if (!Number.isFinite(expiresAt) || expiresAt <= this.#now()) return "Rejected";
    const r: ConnectorReservation = {
      reservationId: req.reservationId,
      idTag: req.idTag,
      ...(req.parentIdTag !== undefined && { parentIdTag: req.parentIdTag }),
      expiresAt,
    };
    const st = this.#station;
    let status: ReserveStatus;
    if (req.connectorId === 0) {
      status = reserveChargerStatus(
        st.all,
        st.chargerOperative,
        this.#config.getBool("ReserveConnectorZeroSupported"),
        this.#charger,
        r.reservationId,
      );
    } else {
      const c = st.get(req.connectorId);
      if (!c) return "Rejected";
      status = reserveConnectorStatus(c, st.chargerOperative, r.reservationId);
    }
    if (status !== "Accepted") return status;
    // §5.13: the same reservationId again replaces that reservation, wherever it was.
    this.#drop(r.reservationId);
    if (req.connectorId === 0) this.#charger = r;
    else st.set(setReservation(st.get(req.connectorId)!, r));
    this.#expiry.set(
      r.reservationId,
      this.#timers.later(Math.max(0, expiresAt - this.#now()), () => this.#expire(r.reservationId)),
    );
    return "Accepted";
  }

  /** CancelReservation: Rejected for a reservationId not held here. */
  cancel(reservationId: number): "Accepted" | "Rejected" {
    return this.#drop(reservationId) ? "Accepted" : "Rejected";
  }

  /** Whether `idTag` (with the parentIdTag known for it) may start on `connectorId`, as far as reservations go. */
  check(connectorId: number, idTag: string, parentIdTag: string | undefined): StartVerdict {
    const st = this.#station;
    const c = st.get(connectorId);
    if (!c) return { ok: false, why: `no connector ${connectorId}` };
    this.#sweep();
    return mayStart(c, st.all, st.chargerOperative, this.#charger, idTag, parentIdTag);
  }

  /** A transaction started with this reservation: it is used up. */
  used(reservationId: number): void {
    this.#drop(reservationId);
  }

  /** Expired reservations end now (their timers may be a beat late). */
  #sweep(): void {
    const now = this.#now();
    for (const c of this.#station.all) {
      if (c.reservation && expired(c.reservation, now)) this.#expire(c.reservation.reservationId);
    }
    if (this.#charger && expired(this.#charger, now)) this.#expire(this.#charger.reservationId);
  }

  #expire(reservationId: number): void {
    if (this.#drop(reservationId)) {
      this.#emit({ type: "warning", message: `reservation ${reservationId} expired` });
    }
  }

  #drop(reservationId: number): boolean {
    this.#timers.cancel(this.#expiry.get(reservationId));
    this.#expiry.delete(reservationId);
    if (this.#charger?.reservationId === reservationId) {
      this.#charger = undefined;
      return true;
    }
    const c = this.#station.all.find((c) => c.reservation?.reservationId === reservationId);
    if (!c) return false;
    this.#station.set(setReservation(c, undefined));
    return true;
  }
}
