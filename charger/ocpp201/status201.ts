/**
 * StatusNotification bookkeeping (G01): status_report.ts's StatusBook over each EVSE's connector status,
 * told to the CSMS once registered.
 */
import type { Station } from "../station.ts";
import { StatusBook, type StatusHost } from "../status_report.ts";
import { connectorStatus201 } from "./evse_status.ts";
import type { Fire201 } from "./link201.ts";
import type { ConnectorStatus201 } from "./types.ts";

export type Status201Host = StatusHost<Fire201>;

export class StatusReport201 extends StatusBook<ConnectorStatus201, Fire201> {
  constructor(station: Station, host: Status201Host) {
    super(station, host, 1);
  }

  statusOf(evseId: number): ConnectorStatus201 {
    return connectorStatus201(this.station.all[evseId - 1], this.station.chargerOperative);
  }

  protected current(evseId: number): ConnectorStatus201 {
    return this.statusOf(evseId);
  }

  protected same(a: ConnectorStatus201 | undefined, b: ConnectorStatus201): boolean {
    return a === b;
  }

  protected announce(evseId: number, status: ConnectorStatus201): void {
    this.host.emit({
      type: "status",
      connectorId: evseId,
      status,
      errorCode: this.station.all[evseId - 1].errorCode,
    });
  }

  protected notify(evseId: number, status: ConnectorStatus201): void {
    this.host.fire("StatusNotification", {
      timestamp: new Date().toISOString(),
      connectorStatus: status,
      evseId,
      connectorId: 1,
    });
  }
}
