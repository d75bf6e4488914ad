/**
 * What a 2.0.1 station may send on a connection whose BootNotification was answered Pending or Rejected.
 * OCPP 2.0.1 Part 2:
 * - B02.FR.09: after Pending, a CALL that is not a BootNotificationRequest, nor a message triggered by
 *   TriggerMessageRequest, GetBaseReportRequest or GetReportRequest, the CSMS SHALL answer with
 *   CALLERROR SecurityError;
 * - B03.FR.07: after Rejected, a CALL that is not a BootNotificationRequest, the same.
 * (Test case TC_B_30_CSMS checks both.) Before any boot on the connection (a station that reconnects
 * without rebooting sends none) and once Accepted, everything is admitted. Pure: the session feeds it
 * what it answered and sent.
 */
import type { BootStatus } from "../../shared/queries.ts";

/** The CALL a TriggerMessage's requestedMessage asks the station to send (2.0.1 MessageTriggerEnumType). */
const TRIGGERED: Readonly<Record<string, string>> = {
  BootNotification: "BootNotification",
  LogStatusNotification: "LogStatusNotification",
  FirmwareStatusNotification: "FirmwareStatusNotification",
  Heartbeat: "Heartbeat",
  MeterValues: "MeterValues",
  SignChargingStationCertificate: "SignCertificate",
  SignV2GCertificate: "SignCertificate",
  SignCombinedCertificate: "SignCertificate",
  StatusNotification: "StatusNotification",
  TransactionEvent: "TransactionEvent",
  PublishFirmwareStatusNotification: "PublishFirmwareStatusNotification",
};

/** What the CSMS sending `action` with `payload` makes the station send, if anything (B02.FR.09's list). */
export function triggeredBy(action: string, payload: unknown): string | undefined {
  if (action === "GetBaseReport" || action === "GetReport") return "NotifyReport";
  if (action !== "TriggerMessage") return undefined;
  const requested = (payload as { requestedMessage?: unknown } | null)?.requestedMessage;
  return typeof requested === "string" && Object.hasOwn(TRIGGERED, requested)
    ? TRIGGERED[requested]
    : undefined;
}

export class BootGate {
  #status: BootStatus | undefined;
  /** While Pending: the CALLs the CSMS has asked for since the boot was answered. */
  #asked = new Set<string>();

  get status(): BootStatus | undefined {
    return this.#status;
  }

  /** The station's BootNotification was answered `status`: what was asked for before no longer counts. */
  answered(status: BootStatus): void {
    this.#status = status;
    this.#asked.clear();
  }

  /** The CSMS sends the station `action`: while Pending, the message it triggers is admitted. */
  sent(action: string, payload: unknown): void {
    if (this.#status !== "Pending") return;
    const triggered = triggeredBy(action, payload);
    if (triggered !== undefined) this.#asked.add(triggered);
  }

  /** Whether a CALL of `action` from the station is answered as usual (else: CALLERROR SecurityError). */
  admits(action: string): boolean {
    if (action === "BootNotification" || this.#status === undefined || this.#status === "Accepted") {
      return true;
    }
    return this.#status === "Pending" && this.#asked.has(action);
  }
}
