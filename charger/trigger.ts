/**
 * TriggerMessage (OCPP 1.6 §5.17, RemoteTrigger profile): which connectors a
 * request covers, and the requested message, sent after the answer.
 */
import type { Ocpp16 } from "../shared/ocpp/mod.ts";
import type { Fire } from "./link.ts";
import type { SampleContext } from "./meter.ts";

export type TriggerRequest = Ocpp16.TriggerMessageRequest["requestedMessage"];

/**
 * The connectors a trigger covers: the one named, or every one and the charge
 * point itself (0) when none is; undefined for a connector that does not exist.
 */
export function triggerTargets(connectorId: number | undefined, connectors: number): number[] | undefined {
  if (connectorId !== undefined && (connectorId < 0 || connectorId > connectors)) return undefined;
  return connectorId !== undefined ? [connectorId] : Array.from({ length: connectors + 1 }, (_, i) => i);
}

/** What a triggered message is made of. */
export interface TriggerHost {
  boot(): Promise<void>;
  heartbeat(now: number): void;
  /** A StatusNotification, sent even when unchanged. */
  sendStatus(connectorId: number): void;
  sample(connectorId: number, context: SampleContext, now: number): void;
  fire: Fire;
  /** The firmware update's and the diagnostics upload's current status (Idle when none runs). */
  firmwareStatus(): Ocpp16.FirmwareStatusNotificationRequest["status"];
  diagnosticsStatus(): Ocpp16.DiagnosticsStatusNotificationRequest["status"];
}

/** Sends the message a TriggerMessage asked for, for each of `connectorIds` where it is per connector. */
export function sendTriggered(
  requested: TriggerRequest,
  connectorIds: readonly number[],
  host: TriggerHost,
): void {
  switch (requested) {
    case "BootNotification":
      return void host.boot();
    case "Heartbeat":
      return host.heartbeat(Date.now());
    case "StatusNotification":
      for (const id of connectorIds) host.sendStatus(id);
      return;
    case "MeterValues":
      for (const id of connectorIds) host.sample(id, "Trigger", Date.now());
      return;
    case "DiagnosticsStatusNotification":
      return host.fire("DiagnosticsStatusNotification", { status: host.diagnosticsStatus() });
    case "FirmwareStatusNotification":
      return host.fire("FirmwareStatusNotification", { status: host.firmwareStatus() });
  }
}
