/**
 * The station's answers to the CSMS's OCPP 2.0.1 requests. Each handler translates between payloads
 * and the station's operations. Implemented: transactions (F01-F03), Reset (B11/B12), ChangeAvailability
 * (G03-G05), UnlockConnector (F05), TriggerMessage (F06), GetTransactionStatus (E14), ClearCache (C11),
 * the device model (B05-B08) and DataTransfer (P01). Firmware, logs, customer information, network
 * profiles and certificates are answered with a refusal the schema allows (no such feature here).
 */
import { OcppError } from "../../shared/ocpp/errors.ts";
import type { DeviceModel } from "./device_model.ts";
import type { IdToken, Ocpp201, ReportData, Session201 } from "./types.ts";

export interface Command201Target {
  readonly model: DeviceModel;
  readonly vendor: string;
  remoteStart(
    idToken: IdToken,
    remoteStartId: number,
    evseId?: number,
  ): Ocpp201.RequestStartTransactionResponse;
  remoteStop(transactionId: string): Ocpp201.RequestStopTransactionResponse["status"];
  reset(type: Ocpp201.ResetRequest["type"], evseId?: number): Ocpp201.ResetResponse["status"];
  changeAvailability(
    operative: boolean,
    evse?: { id: number; connectorId?: number },
  ): Ocpp201.ChangeAvailabilityResponse["status"];
  unlock(evseId: number, connectorId: number): Ocpp201.UnlockConnectorResponse["status"];
  trigger(
    requested: Ocpp201.TriggerMessageRequest["requestedMessage"],
    evse?: { id: number; connectorId?: number },
  ): Ocpp201.TriggerMessageResponse["status"];
  transactionStatus(transactionId?: string): Ocpp201.GetTransactionStatusResponse;
  clearCache(): Ocpp201.ClearCacheResponse["status"];
  /** Sends report data as NotifyReport pages once the answer has gone out. */
  sendReport(requestId: number, items: ReportData[]): void;
}

export type CommandObserver = (action: string, request: unknown, response: unknown) => void;

const NOT_SUPPORTED = { reasonCode: "NotSupported" };

export function installCommandHandlers201(
  session: Session201,
  cs: Command201Target,
  observe: CommandObserver,
): void {
  const seen = <T>(action: string, request: unknown, response: T): T => {
    observe(action, request, response);
    return response;
  };

  session.handle("RequestStartTransaction", (req) =>
    seen(
      "RequestStartTransaction",
      req,
      req.evseId === 0 ? { status: "Rejected" } : cs.remoteStart(req.idToken, req.remoteStartId, req.evseId),
    ));
  session.handle(
    "RequestStopTransaction",
    (req) => seen("RequestStopTransaction", req, { status: cs.remoteStop(req.transactionId) }),
  );
  session.handle("Reset", (req) => seen("Reset", req, { status: cs.reset(req.type, req.evseId) }));
  session.handle("ChangeAvailability", (req) =>
    seen("ChangeAvailability", req, {
      status: cs.changeAvailability(req.operationalStatus === "Operative", req.evse),
    }));
  session.handle(
    "UnlockConnector",
    (req) => seen("UnlockConnector", req, { status: cs.unlock(req.evseId, req.connectorId) }),
  );
  session.handle(
    "TriggerMessage",
    (req) => seen("TriggerMessage", req, { status: cs.trigger(req.requestedMessage, req.evse) }),
  );
  session.handle(
    "GetTransactionStatus",
    (req) => seen("GetTransactionStatus", req, cs.transactionStatus(req.transactionId)),
  );
  session.handle("ClearCache", (req) => seen("ClearCache", req, { status: cs.clearCache() }));

  session.handle("GetVariables", (req) => {
    // B06.FR.?: more items than ItemsPerMessage GetVariables is refused as a whole.
    const max = cs.model.getInt("DeviceDataCtrlr.ItemsPerMessage:GetVariables");
    if (req.getVariableData.length > max) {
      throw new OcppError("OccurrenceConstraintViolation", `at most ${max} variables per GetVariables`);
    }
    const getVariableResult = req.getVariableData.map((d) =>
      cs.model.getVariable(d.component, d.variable, d.attributeType)
    ) as Ocpp201.GetVariablesResponse["getVariableResult"];
    return seen("GetVariables", req, { getVariableResult });
  });
  session.handle("SetVariables", (req) => {
    const max = cs.model.getInt("DeviceDataCtrlr.ItemsPerMessage:SetVariables");
    if (req.setVariableData.length > max) {
      throw new OcppError("OccurrenceConstraintViolation", `at most ${max} variables per SetVariables`);
    }
    const setVariableResult = req.setVariableData.map((d) =>
      cs.model.setVariable(d.component, d.variable, d.attributeValue, d.attributeType)
    ) as Ocpp201.SetVariablesResponse["setVariableResult"];
    return seen("SetVariables", req, { setVariableResult });
  });
  session.handle("GetBaseReport", (req) => {
    const items = cs.model.baseReport(req.reportBase);
    if (items.length === 0) return seen("GetBaseReport", req, { status: "EmptyResultSet" });
    cs.sendReport(req.requestId, items);
    return seen("GetBaseReport", req, { status: "Accepted" });
  });
  session.handle("GetReport", (req) => {
    // Criteria (Active, Available, Enabled, Problem) would need component states this model lacks.
    if (req.componentCriteria && req.componentCriteria.length > 0) {
      return seen("GetReport", req, { status: "NotSupported" });
    }
    const items = cs.model.report(req.componentVariable);
    if (items.length === 0) return seen("GetReport", req, { status: "EmptyResultSet" });
    cs.sendReport(req.requestId, items);
    return seen("GetReport", req, { status: "Accepted" });
  });

  session.handle("DataTransfer", (req) => {
    // As in 1.6: only "Echo" from our own vendor id, answering with the data it got.
    const res: Ocpp201.DataTransferResponse = req.vendorId !== cs.vendor
      ? { status: "UnknownVendorId" }
      : req.messageId === "Echo"
      ? { status: "Accepted", ...(req.data !== undefined ? { data: req.data } : {}) }
      : { status: "UnknownMessageId" };
    return seen("DataTransfer", req, res);
  });

  // Features this simulator does not have: a refusal each schema allows, with the reason.
  session.handle("GetLog", (req) => seen("GetLog", req, { status: "Rejected", statusInfo: NOT_SUPPORTED }));
  session.handle(
    "UpdateFirmware",
    (req) => seen("UpdateFirmware", req, { status: "Rejected", statusInfo: NOT_SUPPORTED }),
  );
  session.handle(
    "CustomerInformation",
    (req) => seen("CustomerInformation", req, { status: "Rejected", statusInfo: NOT_SUPPORTED }),
  );
  session.handle(
    "SetNetworkProfile",
    (req) => seen("SetNetworkProfile", req, { status: "Rejected", statusInfo: NOT_SUPPORTED }),
  );
  session.handle(
    "InstallCertificate",
    (req) => seen("InstallCertificate", req, { status: "Rejected", statusInfo: NOT_SUPPORTED }),
  );
  session.handle(
    "GetInstalledCertificateIds",
    (req) => seen("GetInstalledCertificateIds", req, { status: "NotFound" }),
  );
  session.handle("DeleteCertificate", (req) => seen("DeleteCertificate", req, { status: "NotFound" }));
}
