/**
 * The station's answers to the CSMS's OCPP 2.0.1 requests. Each handler translates between payloads
 * and the station's operations. Implemented: transactions (F01-F03), Reset (B11/B12), ChangeAvailability
 * (G03-G05), UnlockConnector (F05), TriggerMessage (F06), GetTransactionStatus (E14), ClearCache (C11),
 * the device model (B05-B08) and DataTransfer (P01). Firmware, logs, customer information, network
 * profiles and certificates are answered with a refusal the schema allows (no such feature here).
 */
import { OcppError } from "../../shared/ocpp/errors.ts";
import { type CommandObserver, echoDataTransfer, observedHandlers } from "../commands.ts";
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

const NOT_SUPPORTED = { status: "Rejected", statusInfo: { reasonCode: "NotSupported" } } as const;

export function installCommandHandlers201(
  session: Session201,
  cs: Command201Target,
  observe: CommandObserver,
): void {
  const on = observedHandlers(session, observe);
  on(
    "RequestStartTransaction",
    (req) =>
      req.evseId === 0 ? { status: "Rejected" } : cs.remoteStart(req.idToken, req.remoteStartId, req.evseId),
  );
  on("RequestStopTransaction", (req) => ({ status: cs.remoteStop(req.transactionId) }));
  on("Reset", (req) => ({ status: cs.reset(req.type, req.evseId) }));
  on("ChangeAvailability", (req) => ({
    status: cs.changeAvailability(req.operationalStatus === "Operative", req.evse),
  }));
  on("UnlockConnector", (req) => ({ status: cs.unlock(req.evseId, req.connectorId) }));
  on("TriggerMessage", (req) => ({ status: cs.trigger(req.requestedMessage, req.evse) }));
  on("GetTransactionStatus", (req) => cs.transactionStatus(req.transactionId));
  on("ClearCache", () => ({ status: cs.clearCache() }));

  on("GetVariables", (req) => {
    // B06.FR.?: more items than ItemsPerMessage GetVariables is refused as a whole.
    const max = cs.model.getInt("DeviceDataCtrlr.ItemsPerMessage:GetVariables");
    if (req.getVariableData.length > max) {
      throw new OcppError("OccurrenceConstraintViolation", `at most ${max} variables per GetVariables`);
    }
    const getVariableResult = req.getVariableData.map((d) =>
      cs.model.getVariable(d.component, d.variable, d.attributeType)
    ) as Ocpp201.GetVariablesResponse["getVariableResult"];
    return { getVariableResult };
  });
  on("SetVariables", (req) => {
    const max = cs.model.getInt("DeviceDataCtrlr.ItemsPerMessage:SetVariables");
    if (req.setVariableData.length > max) {
      throw new OcppError("OccurrenceConstraintViolation", `at most ${max} variables per SetVariables`);
    }
    const setVariableResult = req.setVariableData.map((d) =>
      cs.model.setVariable(d.component, d.variable, d.attributeValue, d.attributeType)
    ) as Ocpp201.SetVariablesResponse["setVariableResult"];
    return { setVariableResult };
  });
  /** Report data goes out as NotifyReport pages after an Accepted answer; none at all is EmptyResultSet. */
  const report = (requestId: number, items: ReportData[]) => {
    if (items.length === 0) return { status: "EmptyResultSet" } as const;
    cs.sendReport(requestId, items);
    return { status: "Accepted" } as const;
  };
  on("GetBaseReport", (req) => report(req.requestId, cs.model.baseReport(req.reportBase)));
  on("GetReport", (req) =>
    // Criteria (Active, Available, Enabled, Problem) would need component states this model lacks.
    req.componentCriteria && req.componentCriteria.length > 0
      ? { status: "NotSupported" }
      : report(req.requestId, cs.model.report(req.componentVariable)));

  on("DataTransfer", (req) => echoDataTransfer(cs.vendor, req));

  // Features this simulator does not have: a refusal each schema allows, with the reason.
  on("GetLog", () => NOT_SUPPORTED);
  on("UpdateFirmware", () => NOT_SUPPORTED);
  on("CustomerInformation", () => NOT_SUPPORTED);
  on("SetNetworkProfile", () => NOT_SUPPORTED);
  on("InstallCertificate", () => NOT_SUPPORTED);
  on("GetInstalledCertificateIds", () => ({ status: "NotFound" }));
  on("DeleteCertificate", () => ({ status: "NotFound" }));
}
