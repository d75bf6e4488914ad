/**
 * The charge point's answers to the central system's commands: the whole
 * Core profile plus TriggerMessage (RemoteTrigger) and GetLocalListVersion's
 * "not supported" answer. Each handler only translates between the OCPP
 * payloads and the charge point's operations. Actions without a handler here
 * (reservations, smart charging, firmware, ...) get CALLERROR NotSupported
 * from the RPC session.
 */
import type { CentralSystemActions16, ChargePointActions16, Ocpp16, RpcSession } from "../shared/ocpp/mod.ts";
import type { ConfigStore } from "./config_store.ts";

/** What the commands need from a charge point. */
export interface CommandTarget {
  readonly config: ConfigStore;
  readonly connectorCount: number;
  readonly vendor: string;
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

export function installCommandHandlers(
  session: RpcSession<CentralSystemActions16, ChargePointActions16>,
  cp: CommandTarget,
  observe: CommandObserver,
): void {
  const seen = <T>(action: string, request: unknown, response: T): T => {
    observe(action, request, response);
    return response;
  };

  session.handle("RemoteStartTransaction", (req) =>
    seen("RemoteStartTransaction", req, {
      // connectorId 0 is the charge point itself, never a place to charge.
      status: req.connectorId === 0 ? "Rejected" : cp.remoteStart(req.idTag, req.connectorId),
    }));
  session.handle(
    "RemoteStopTransaction",
    (req) => seen("RemoteStopTransaction", req, { status: cp.remoteStop(req.transactionId) }),
  );
  session.handle("Reset", (req) => seen("Reset", req, { status: cp.reset(req.type) }));
  session.handle("ChangeAvailability", (req) =>
    seen("ChangeAvailability", req, {
      status: cp.changeAvailability(req.connectorId, req.type === "Operative"),
    }));
  session.handle(
    "GetConfiguration",
    (req) => seen("GetConfiguration", req, cp.config.getConfiguration(req.key)),
  );
  session.handle(
    "ChangeConfiguration",
    (req) => seen("ChangeConfiguration", req, { status: cp.config.change(req.key, req.value) }),
  );
  session.handle("ClearCache", (req) => seen("ClearCache", req, { status: cp.clearCache() }));
  session.handle(
    "UnlockConnector",
    (req) => seen("UnlockConnector", req, { status: cp.unlockConnector(req.connectorId) }),
  );
  session.handle(
    "TriggerMessage",
    (req) => seen("TriggerMessage", req, { status: cp.trigger(req.requestedMessage, req.connectorId) }),
  );
  session.handle("DataTransfer", (req) => {
    // No vendor extensions but one: "Echo" from our own vendor id answers with the data it got,
    // a harmless way to test a central system's DataTransfer path end to end.
    const res: Ocpp16.DataTransferResponse = req.vendorId !== cp.vendor
      ? { status: "UnknownVendorId" }
      : req.messageId === "Echo"
      ? { status: "Accepted", ...(req.data !== undefined ? { data: req.data } : {}) }
      : { status: "UnknownMessageId" };
    return seen("DataTransfer", req, res);
  });
  // OCPP 1.6 §5.10: -1 tells the central system this charge point has no local authorization list.
  session.handle("GetLocalListVersion", (req) => seen("GetLocalListVersion", req, { listVersion: -1 }));
}
