/**
 * StatusNotification bookkeeping: notices every status change (an event for
 * each) and tells the central system whatever it has not heard yet.
 */
import type { ChargePointStatus16 } from "../shared/ocpp/mod.ts";
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

export class StatusReport {
  readonly #station: Station;
  readonly #host: StatusHost;
  #noticed = new Map<number, ChargePointStatus16>();
  #sent = new Map<number, ChargePointStatus16>();

  constructor(station: Station, host: StatusHost) {
    this.#station = station;
    this.#host = host;
  }

  /** Notices status changes (an event for each) and, when possible, tells the central system. */
  sync(): void {
    for (let id = 0; id <= this.#station.count; id++) {
      const s = this.#station.statusOf(id);
      if (this.#noticed.get(id) !== s) {
        this.#noticed.set(id, s);
        this.#host.emit({
          type: "status",
          connectorId: id,
          status: s,
          errorCode: this.#station.errorCodeOf(id),
        });
      }
      if (this.#host.canSend() && this.#sent.get(id) !== s) this.send(id, false);
    }
  }

  /** A StatusNotification for one connector: when it changed since the last one, or always with `force`. */
  send(connectorId: number, force: boolean): void {
    const status = this.#station.statusOf(connectorId);
    if (!force && this.#sent.get(connectorId) === status) return;
    if (!this.#host.hasSession()) return;
    this.#sent.set(connectorId, status);
    this.#host.fire("StatusNotification", {
      connectorId,
      errorCode: this.#station.errorCodeOf(connectorId),
      status,
      timestamp: new Date().toISOString(),
    });
  }

  /** The central system may have missed changes while we were away: tell it every status again. */
  forgetSent(): void {
    this.#sent.clear();
  }
}
