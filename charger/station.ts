/**
 * The charge point's connectors and its own availability (connector 0), and
 * the rules that span connectors. Pure state, no I/O: a listener hears every
 * change that may alter a status, so StatusNotifications follow (status_report.ts).
 */
import type { ChargePointErrorCode16, ChargePointStatus16 } from "../shared/ocpp/mod.ts";
import {
  canStart,
  changeAvailability,
  type ConnectorState,
  initialConnector,
  rebooted,
  statusOf,
} from "./connector.ts";

export class Station {
  #connectors: ConnectorState[];
  #chargerOperative = true;
  #chargerError: ChargePointErrorCode16 = "NoError";
  readonly #changed: () => void;

  constructor(connectors: number, changed: () => void) {
    this.#connectors = Array.from({ length: connectors }, (_, i) => initialConnector(i + 1));
    this.#changed = changed;
  }

  get count(): number {
    return this.#connectors.length;
  }

  /** Every connector, by index (id - 1). */
  get all(): readonly ConnectorState[] {
    return this.#connectors;
  }

  /** Connector 0's availability (ChangeAvailability on the whole charge point). */
  get chargerOperative(): boolean {
    return this.#chargerOperative;
  }

  /** The connector with this id, or undefined for any number that names none. */
  get(connectorId: number): ConnectorState | undefined {
    return Number.isInteger(connectorId) && connectorId >= 1 ? this.#connectors[connectorId - 1] : undefined;
  }

  /** Stores a connector's new state and tells the listener. */
  set(c: ConnectorState): void {
    this.#connectors[c.id - 1] = c;
    this.#changed();
  }

  /** Stores a new state that changes no status (the central system naming a transaction). */
  put(c: ConnectorState): void {
    this.#connectors[c.id - 1] = c;
  }

  /** A connector may start a transaction: free, available, and the charge point itself not faulted. */
  canStart(c: ConnectorState): boolean {
    return this.#chargerError === "NoError" && canStart(c, this.#chargerOperative);
  }

  /**
   * A fault of the charge point itself (a reset that failed for good): connector 0 shows Faulted with
   * `errorCode` and no transaction starts until a reboot clears it; "NoError" clears it.
   */
  setChargerFault(errorCode: ChargePointErrorCode16): void {
    this.#chargerError = errorCode;
    this.#changed();
  }

  /** The status of a connector, or of the charge point itself for 0. */
  statusOf(connectorId: number): ChargePointStatus16 {
    if (connectorId === 0) {
      if (this.#chargerError !== "NoError") return "Faulted";
      return this.#chargerOperative ? "Available" : "Unavailable";
    }
    return statusOf(this.#connectors[connectorId - 1], this.#chargerOperative);
  }

  errorCodeOf(connectorId: number): ChargePointErrorCode16 {
    return connectorId === 0 ? this.#chargerError : this.#connectors[connectorId - 1].errorCode;
  }

  /** ChangeAvailability: connector 0 sets the whole charge point; a busy connector's change waits for its end. */
  changeAvailability(connectorId: number, operative: boolean): "Accepted" | "Rejected" | "Scheduled" {
    if (connectorId < 0 || connectorId > this.#connectors.length) return "Rejected";
    let scheduled = false;
    const targets = connectorId === 0 ? this.#connectors : [this.get(connectorId)!];
    if (connectorId === 0) this.#chargerOperative = operative;
    for (const c of targets) {
      const r = changeAvailability(c, operative);
      scheduled ||= r.status === "Scheduled";
      this.#connectors[c.id - 1] = r.state;
    }
    this.#changed();
    return scheduled ? "Scheduled" : "Accepted";
  }

  /** Every connector as after a reboot; the caller reports the statuses once it is back. */
  reboot(): void {
    this.#chargerError = "NoError";
    this.#connectors = this.#connectors.map(rebooted);
  }
}
