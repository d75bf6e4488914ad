/**
 * StatusNotification bookkeeping: notices every change of status or error code (an event for
 * each) and tells the central system whatever it has not heard yet.
 */
import type { ChargePointErrorCode16, ChargePointStatus16 } from "../shared/ocpp/mod.ts";
import type { Emit } from "./events.ts";
import type { Fire } from "./link.ts";
import type { Station } from "./station.ts";

export interface StatusHost {
  /** Registered and connected. */
  canSend(): boolean;
  /** A session is open (registered or not: a TriggerMessage may ask for statuses before). */
  hasSession(): boolean;
  fire: Fire;
  emit: Emit;
}

/** What a StatusNotification says of a connector: a new error code while Faulted is news too. */
interface Reported {
  status: ChargePointStatus16;
  errorCode: ChargePointErrorCode16;
}

function same(
  r: Reported | undefined,
  status: ChargePointStatus16,
  errorCode: ChargePointErrorCode16,
): boolean {
  return r !== undefined && r.status === status && r.errorCode === errorCode;
}

export class StatusReport {
  readonly #station: Station;
  readonly #host: StatusHost;
  #noticed = new Map<number, Reported>();
  #sent = new Map<number, Reported>();

  constructor(station: Station, host: StatusHost) {
    this.#station = station;
    this.#host = host;
  }

  /** Notices status changes (an event for each) and, when possible, tells the central system. */
  sync(): void {
    for (let id = 0; id <= this.#station.count; id++) {
      const status = this.#station.statusOf(id);
      const errorCode = this.#station.errorCodeOf(id);
      if (!same(this.#noticed.get(id), status, errorCode)) {
        this.#noticed.set(id, { status, errorCode });
        this.#host.emit({ type: "status", connectorId: id, status, errorCode });
      }
      if (this.#host.canSend() && !same(this.#sent.get(id), status, errorCode)) this.send(id, false);
    }
  }

  /** A StatusNotification for one connector: when it changed since the last one, or always with `force`. */
  send(connectorId: number, force: boolean): void {
    const status = this.#station.statusOf(connectorId);
    const errorCode = this.#station.errorCodeOf(connectorId);
    if (!force && same(this.#sent.get(connectorId), status, errorCode)) return;
    if (!this.#host.hasSession()) return;
    this.#sent.set(connectorId, { status, errorCode });
    this.#host.fire("StatusNotification", {
      connectorId,
      errorCode,
      status,
      timestamp: new Date().toISOString(),
    });
  }

  /** The central system may have missed changes while we were away: tell it every status again. */
  forgetSent(): void {
    this.#sent.clear();
  }
}
