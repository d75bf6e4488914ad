/**
 * The charge point's answers to the central system's commands: the whole
 * Core profile plus TriggerMessage (RemoteTrigger) and GetLocalListVersion's
 * "not supported" answer. Each handler only translates between the OCPP
 * payloads and the charge point's operations. Actions without a handler here
 * (reservations, smart charging, firmware, ...) get CALLERROR NotSupported
 * from the RPC session.
 */
import type { CentralSystemActions16, ChargePointActions16, Ocpp16, RpcSession } from "../shared/ocpp/mod.ts";
import type { ActionMap } from "../shared/ocpp/actions16.ts";
import type { ConfigStore } from "./config_store.ts";
import { type FileCommandTarget, installFileCommands } from "./file_commands.ts";

/** What the commands need from a charge point. */
export interface CommandTarget {
  readonly config: ConfigStore;
  readonly connectorCount: number;
  readonly vendor: string;
  /** FirmwareManagement and GetLog (charger/file_commands.ts). */
  readonly files: FileCommandTarget;
  remoteStart(idTag: string, connectorId?: number): Ocpp16.RemoteStartTransactionResponse["status"];
  remoteStop(transactionId: number): Ocpp16.RemoteStopTransactionResponse["status"];
  reset(kind: Ocpp16.ResetRequest["type"]): Ocpp16.ResetResponse["status"];
  changeAvailability(connectorId: number, operative: boolean): Ocpp16.ChangeAvailabilityResponse["status"];
  clearCache(): Ocpp16.ClearCacheResponse["status"];
  unlockConnector(connectorId: number): Ocpp16.UnlockConnectorResponse["status"];
  trigger(
    requested: Ocpp16.TriggerMessageRequest["requestedMessage"],
    connectorId?: number,
  ): Ocpp16.TriggerMessageResponse["status"];
}

export type CommandObserver = (action: string, request: unknown, response: unknown) => void;

/**
 * Installs handlers on a session of either protocol, each answer shown to `observe` (the event stream's
 * "command" lines) as it goes out. A handler that throws answers CALLERROR and is not observed.
 */
export function observedHandlers<In extends ActionMap, Out extends ActionMap>(
  session: RpcSession<In, Out>,
  observe: CommandObserver,
): <A extends keyof In & string>(action: A, answer: (req: In[A][0]) => In[A][1]) => void {
  return (action, answer) => {
    session.handle(action, (req) => {
      const res = answer(req);
      observe(action, req, res);
      return res;
    });
  };
}

/**
 * DataTransfer, alike in both protocols: no vendor extensions but one, "Echo" from our own vendor id,
 * which answers with the data it got: a harmless way to test a central system's DataTransfer path end to
 * end.
 */
export function echoDataTransfer<D>(
  vendor: string,
  req: { vendorId: string; messageId?: string; data?: D },
): { status: "Accepted" | "UnknownVendorId" | "UnknownMessageId"; data?: D } {
  if (req.vendorId !== vendor) return { status: "UnknownVendorId" };
  if (req.messageId !== "Echo") return { status: "UnknownMessageId" };
  return { status: "Accepted", ...(req.data !== undefined ? { data: req.data } : {}) };
}

export function installCommandHandlers(
  session: RpcSession<CentralSystemActions16, ChargePointActions16>,
  cp: CommandTarget,
  observe: CommandObserver,
): void {
  const on = observedHandlers(session, observe);
  on("RemoteStartTransaction", (req) => ({
    // connectorId 0 is the charge point itself, never a place to charge.
    status: req.connectorId === 0 ? "Rejected" : cp.remoteStart(req.idTag, req.connectorId),
  }));
  on("RemoteStopTransaction", (req) => ({ status: cp.remoteStop(req.transactionId) }));
  on("Reset", (req) => ({ status: cp.reset(req.type) }));
  on(
    "ChangeAvailability",
    (req) => ({ status: cp.changeAvailability(req.connectorId, req.type === "Operative") }),
  );
  on("GetConfiguration", (req) => cp.config.getConfiguration(req.key));
  on("ChangeConfiguration", (req) => ({ status: cp.config.change(req.key, req.value) }));
  on("ClearCache", () => ({ status: cp.clearCache() }));
  on("UnlockConnector", (req) => ({ status: cp.unlockConnector(req.connectorId) }));
  on("TriggerMessage", (req) => ({ status: cp.trigger(req.requestedMessage, req.connectorId) }));
  on("DataTransfer", (req) => echoDataTransfer(cp.vendor, req));
  // OCPP 1.6 §5.10: -1 tells the central system this charge point has no local authorization list.
  on("GetLocalListVersion", () => ({ listVersion: -1 }));
  installFileCommands(on, cp.files);
}
