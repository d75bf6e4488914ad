/**
 * The charge point's answers to the central system's commands: the whole
 * Core profile plus TriggerMessage (RemoteTrigger), Reservation,
 * LocalAuthListManagement and SmartCharging. Each handler only translates between the OCPP
 * payloads and the charge point's operations. Actions without a handler here
 * get CALLERROR NotSupported from the RPC session.
 */
import {
  type CentralSystemActions16,
  type ChargePointActions16,
  type Ocpp16,
  OcppError,
  type RpcSession,
} from "../shared/ocpp/mod.ts";
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
  remoteStart(
    idTag: string,
    connectorId?: number,
    profile?: Ocpp16.RemoteStartTransactionRequest["chargingProfile"],
  ): Ocpp16.RemoteStartTransactionResponse["status"];
  remoteStop(transactionId: number): Ocpp16.RemoteStopTransactionResponse["status"];
  reset(kind: Ocpp16.ResetRequest["type"]): Ocpp16.ResetResponse["status"];
  changeAvailability(connectorId: number, operative: boolean): Ocpp16.ChangeAvailabilityResponse["status"];
  clearCache(): Ocpp16.ClearCacheResponse["status"];
  unlockConnector(connectorId: number): Ocpp16.UnlockConnectorResponse["status"];
  setChargingProfile(req: Ocpp16.SetChargingProfileRequest): Ocpp16.SetChargingProfileResponse["status"];
  clearChargingProfile(
    req: Ocpp16.ClearChargingProfileRequest,
  ): Ocpp16.ClearChargingProfileResponse["status"];
  getCompositeSchedule(req: Ocpp16.GetCompositeScheduleRequest): Ocpp16.GetCompositeScheduleResponse;
  trigger(
    requested: Ocpp16.TriggerMessageRequest["requestedMessage"],
    connectorId?: number,
  ): Ocpp16.TriggerMessageResponse["status"];
  reserveNow(req: Ocpp16.ReserveNowRequest): Ocpp16.ReserveNowResponse["status"];
  cancelReservation(reservationId: number): Ocpp16.CancelReservationResponse["status"];
  sendLocalList(req: Ocpp16.SendLocalListRequest): Ocpp16.SendLocalListResponse["status"];
  localListVersion(): number;
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
    status: req.connectorId === 0
      ? "Rejected"
      : cp.remoteStart(req.idTag, req.connectorId, req.chargingProfile),
  }));
  on("RemoteStopTransaction", (req) => ({ status: cp.remoteStop(req.transactionId) }));
  on("Reset", (req) => ({ status: cp.reset(req.type) }));
  on(
    "ChangeAvailability",
    (req) => ({ status: cp.changeAvailability(req.connectorId, req.type === "Operative") }),
  );
  on("GetConfiguration", (req) => {
    // GetConfigurationMaxKeys bounds the keys one request may name (§9.1); asking for all is always fine.
    const max = cp.config.getInt("GetConfigurationMaxKeys");
    if (req.key && req.key.length > max) {
      throw new OcppError(
        "OccurrenceConstraintViolation",
        `at most ${max} keys per GetConfiguration (GetConfigurationMaxKeys)`,
      );
    }
    return cp.config.getConfiguration(req.key);
  });
  on("ChangeConfiguration", (req) => ({ status: cp.config.change(req.key, req.value) }));
  on("ClearCache", () => ({ status: cp.clearCache() }));
  on("UnlockConnector", (req) => ({ status: cp.unlockConnector(req.connectorId) }));
  on("TriggerMessage", (req) => ({ status: cp.trigger(req.requestedMessage, req.connectorId) }));
  on("DataTransfer", (req) => echoDataTransfer(cp.vendor, req));
  on("ReserveNow", (req) => ({ status: cp.reserveNow(req) }));
  on("CancelReservation", (req) => ({ status: cp.cancelReservation(req.reservationId) }));
  on("SendLocalList", (req) => ({ status: cp.sendLocalList(req) }));
  on("GetLocalListVersion", () => ({ listVersion: cp.localListVersion() }));
  on("SetChargingProfile", (req) => ({ status: cp.setChargingProfile(req) }));
  on("ClearChargingProfile", (req) => ({ status: cp.clearChargingProfile(req) }));
  on("GetCompositeSchedule", (req) => cp.getCompositeSchedule(req));
  installFileCommands(on, cp.files);
}
