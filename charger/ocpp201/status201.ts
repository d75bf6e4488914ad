/**
 * StatusNotification bookkeeping (G01): notices every change of an EVSE's connector status (an event
 * for each) and tells the CSMS whatever it has not heard yet, once registered.
 */
import type { Emit } from "../events.ts";
import type { Station } from "../station.ts";
import { connectorStatus201 } from "./evse_status.ts";
import type { Fire201 } from "./link201.ts";
import type { ConnectorStatus201 } from "./types.ts";

export interface Status201Host {
  canSend(): boolean;
  hasSession(): boolean;
  fire: Fire201;
  emit: Emit;
}

export class StatusReport201 {
  readonly #station: Station;
  readonly #host: Status201Host;
  #noticed = new Map<number, ConnectorStatus201>();
  #sent = new Map<number, ConnectorStatus201>();

  constructor(station: Station, host: Status201Host) {
    this.#station = station;
    this.#host = host;
  }

  statusOf(evseId: number): ConnectorStatus201 {
    return connectorStatus201(this.#station.all[evseId - 1], this.#station.chargerOperative);
  }

  sync(): void {
    for (let id = 1; id <= this.#station.count; id++) {
      const status = this.statusOf(id);
      if (this.#noticed.get(id) !== status) {
        this.#noticed.set(id, status);
        this.#host.emit({
          type: "status",
          connectorId: id,
          status,
          errorCode: this.#station.all[id - 1].errorCode,
        });
      }
      if (this.#host.canSend() && this.#sent.get(id) !== status) this.send(id, false);
    }
  }

  send(evseId: number, force: boolean): void {
    const status = this.statusOf(evseId);
    if (!force && this.#sent.get(evseId) === status) return;
    if (!this.#host.hasSession()) return;
    this.#sent.set(evseId, status);
    this.#host.fire("StatusNotification", {
      timestamp: new Date().toISOString(),
      connectorStatus: status,
      evseId,
      connectorId: 1,
    });
  }

  forgetSent(): void {
    this.#sent.clear();
  }
}
