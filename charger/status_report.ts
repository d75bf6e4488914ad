/**
 * StatusNotification bookkeeping, in either protocol: notices every change of a
 * connector's status (an event for each) and tells the central system whatever
 * it has not heard yet. What a status is and how it is said is the protocol's
 * part: StatusReport below for 1.6 (status and error code, connector 0 too),
 * ocpp201/status201.ts for 2.0.1 (an EVSE's connector status).
 */
import type { ChargePointErrorCode16, ChargePointStatus16 } from "../shared/ocpp/mod.ts";
import type { Emit } from "./events.ts";
import type { Fire } from "./link.ts";
import type { Station } from "./station.ts";

export interface StatusHost<F = Fire> {
  /** Registered and connected. */
  canSend(): boolean;
  /** A session is open (registered or not: a TriggerMessage may ask for statuses before). */
  hasSession(): boolean;
  fire: F;
  emit: Emit;
  /**
   * Runs `send` once the transaction messages queued so far are delivered (1.6: a status must not
   * overtake the Start or Stop that caused it); without it, statuses go at once.
   */
  afterQueued?(send: () => void): void;
}

/** The protocol-neutral bookkeeping; `R` is what one StatusNotification says of a connector. */
export abstract class StatusBook<R, F> {
  protected readonly station: Station;
  protected readonly host: StatusHost<F>;
  readonly #firstId: number;
  #noticed = new Map<number, R>();
  #sent = new Map<number, R>();

  /** `firstId`: the first id reported (1.6 reports the charge point itself as connector 0). */
  constructor(station: Station, host: StatusHost<F>, firstId: number) {
    this.station = station;
    this.host = host;
    this.#firstId = firstId;
  }

  /** What a StatusNotification would say of `id` now. */
  protected abstract current(id: number): R;
  protected abstract same(a: R | undefined, b: R): boolean;
  /** The "status" event for a change noticed. */
  protected abstract announce(id: number, r: R): void;
  /** The StatusNotification itself. */
  protected abstract notify(id: number, r: R): void;

  /** Notices status changes (an event for each) and, when possible, tells the central system. */
  sync(): void {
    for (let id = this.#firstId; id <= this.station.count; id++) {
      const r = this.current(id);
      if (!this.same(this.#noticed.get(id), r)) {
        this.#noticed.set(id, r);
        this.announce(id, r);
      }
      if (this.host.canSend() && !this.same(this.#sent.get(id), r)) this.send(id, false);
    }
  }

  /** A StatusNotification for one connector: when it changed since the last one, or always with `force`. */
  send(id: number, force: boolean): void {
    const r = this.current(id);
    if (!force && this.same(this.#sent.get(id), r)) return;
    if (!this.host.hasSession()) return;
    this.#sent.set(id, r);
    if (this.host.afterQueued) this.host.afterQueued(() => this.notify(id, r));
    else this.notify(id, r);
  }

  /** The central system may have missed changes while we were away: tell it every status again. */
  forgetSent(): void {
    this.#sent.clear();
  }
}

/** What a 1.6 StatusNotification says of a connector: a new error code while Faulted is news too. */
interface Reported {
  status: ChargePointStatus16;
  errorCode: ChargePointErrorCode16;
}

export class StatusReport extends StatusBook<Reported, Fire> {
  constructor(station: Station, host: StatusHost) {
    super(station, host, 0);
  }

  protected current(id: number): Reported {
    return { status: this.station.statusOf(id), errorCode: this.station.errorCodeOf(id) };
  }

  protected same(a: Reported | undefined, b: Reported): boolean {
    return a !== undefined && a.status === b.status && a.errorCode === b.errorCode;
  }

  protected announce(connectorId: number, r: Reported): void {
    this.host.emit({ type: "status", connectorId, ...r });
  }

  protected notify(connectorId: number, r: Reported): void {
    this.host.fire("StatusNotification", {
      connectorId,
      errorCode: r.errorCode,
      status: r.status,
      timestamp: new Date().toISOString(),
    });
  }
}
