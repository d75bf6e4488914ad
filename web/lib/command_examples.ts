/**
 * An example request payload for every operator command of each protocol: the OpenAPI document's body
 * examples and docs/api.md's list come from here (command_examples_test.ts checks each against the
 * protocol's schema, and that docs/api.md shows it).
 */
import type { Protocol } from "../../shared/domain.ts";

export const COMMAND_EXAMPLES: Record<Protocol, Readonly<Record<string, Record<string, unknown>>>> = {
  "ocpp1.6": {
    RemoteStartTransaction: { connectorId: 1, idTag: "TAG-1" },
    RemoteStopTransaction: { transactionId: 42 },
    Reset: { type: "Soft" },
    ChangeAvailability: { connectorId: 0, type: "Inoperative" },
    ChangeConfiguration: { key: "MeterValueSampleInterval", value: "10" },
    GetConfiguration: { key: ["HeartbeatInterval"] },
    ClearCache: {},
    UnlockConnector: { connectorId: 1 },
    DataTransfer: { vendorId: "com.example", messageId: "Ping", data: "hello" },
    TriggerMessage: { requestedMessage: "StatusNotification", connectorId: 1 },
    ExtendedTriggerMessage: { requestedMessage: "SignChargePointCertificate" },
    InstallCertificate: {
      certificateType: "CentralSystemRootCertificate",
      certificate: "-----BEGIN CERTIFICATE-----\nMIIB...\n-----END CERTIFICATE-----",
    },
    GetInstalledCertificateIds: { certificateType: "CentralSystemRootCertificate" },
    DeleteCertificate: {
      certificateHashData: {
        hashAlgorithm: "SHA256",
        issuerNameHash: "0161d2e8c29461fe6939d427de46bb6a4df1af725113724528c58181d4d64020",
        issuerKeyHash: "f47f212f4ff4f8e4ee5e7e9b87e43a044c86b98c68b6fb895e563fa6baac6f3e",
        serialNumber: "3753db30d6bdc7dc13c45cb2e6fb3bb323b2a2ee",
      },
    },
    CertificateSigned: {
      certificateChain: "-----BEGIN CERTIFICATE-----\nMIIB...\n-----END CERTIFICATE-----",
    },
    SetChargingProfile: {
      connectorId: 1,
      csChargingProfiles: {
        chargingProfileId: 1,
        stackLevel: 0,
        chargingProfilePurpose: "TxDefaultProfile",
        chargingProfileKind: "Relative",
        chargingSchedule: {
          chargingRateUnit: "W",
          chargingSchedulePeriod: [{ startPeriod: 0, limit: 3700 }],
        },
      },
    },
    ClearChargingProfile: { id: 1 },
    GetCompositeSchedule: { connectorId: 1, duration: 3600, chargingRateUnit: "W" },
    // reservationId, expiryDate and SendLocalList's list and version left out: the CSMS fills them in.
    ReserveNow: { connectorId: 1, idTag: "TAG-1" },
    CancelReservation: { reservationId: 1 },
    SendLocalList: { updateType: "Full" },
    GetLocalListVersion: {},
    // The CSMS fills in the location of a kept image (`firmwareFileId`) or of its own upload route.
    UpdateFirmware: {
      location: "https://fw.example.com/image.bin",
      retrieveDate: "2025-01-01T02:00:00Z",
      retries: 2,
      retryInterval: 60,
    },
    GetDiagnostics: { location: "https://diag.example.com/upload", startTime: "2025-01-01T00:00:00Z" },
    GetLog: {
      logType: "SecurityLog",
      requestId: 7,
      log: { remoteLocation: "https://logs.example.com/upload" },
    },
    SignedUpdateFirmware: {
      requestId: 8,
      firmware: {
        location: "https://fw.example.com/image.bin",
        retrieveDateTime: "2025-01-01T02:00:00Z",
        signingCertificate: "-----BEGIN CERTIFICATE-----\nMIIB...\n-----END CERTIFICATE-----",
        signature: "MEUCIQ...",
      },
    },
  },
  "ocpp2.0.1": {
    // remoteStartId left out: the CSMS assigns one.
    RequestStartTransaction: { evseId: 1, idToken: { idToken: "TAG-1", type: "Central" } },
    RequestStopTransaction: { transactionId: "c4f2e0a1-7b1d-4f4e-9a53-1f0e2d7c9b10" },
    Reset: { type: "OnIdle" },
    ChangeAvailability: { operationalStatus: "Inoperative", evse: { id: 1 } },
    GetVariables: {
      getVariableData: [{ component: { name: "OCPPCommCtrlr" }, variable: { name: "HeartbeatInterval" } }],
    },
    SetVariables: {
      setVariableData: [{
        component: { name: "OCPPCommCtrlr" },
        variable: { name: "HeartbeatInterval" },
        attributeValue: "300",
      }],
    },
    GetBaseReport: { requestId: 1, reportBase: "FullInventory" },
    GetReport: {
      requestId: 2,
      componentCriteria: ["Problem"],
      componentVariable: [{ component: { name: "EVSE", evse: { id: 1 } } }],
    },
    TriggerMessage: { requestedMessage: "StatusNotification", evse: { id: 1, connectorId: 1 } },
    UnlockConnector: { evseId: 1, connectorId: 1 },
    ClearCache: {},
    GetTransactionStatus: { transactionId: "c4f2e0a1-7b1d-4f4e-9a53-1f0e2d7c9b10" },
    DataTransfer: { vendorId: "com.example", messageId: "Ping", data: { text: "hello" } },
    SetNetworkProfile: {
      configurationSlot: 2,
      connectionData: {
        ocppVersion: "OCPP20",
        ocppTransport: "JSON",
        ocppCsmsUrl: "wss://csms.example.com/ocpp",
        messageTimeout: 30,
        securityProfile: 2,
        ocppInterface: "Wired0",
      },
    },
    GetLog: {
      logType: "DiagnosticsLog",
      requestId: 3,
      log: { remoteLocation: "https://logs.example.com/upload" },
    },
    UpdateFirmware: {
      requestId: 4,
      firmware: { location: "https://fw.example.com/image.bin", retrieveDateTime: "2025-01-01T02:00:00Z" },
    },
    CustomerInformation: {
      requestId: 5,
      report: true,
      clear: false,
      idToken: { idToken: "TAG-1", type: "ISO14443" },
    },
    InstallCertificate: {
      certificateType: "CSMSRootCertificate",
      certificate: "-----BEGIN CERTIFICATE-----\nMIIB…\n-----END CERTIFICATE-----",
    },
    GetInstalledCertificateIds: { certificateType: ["CSMSRootCertificate"] },
    DeleteCertificate: {
      certificateHashData: {
        hashAlgorithm: "SHA256",
        issuerNameHash: "f2311e9a995dfbd006bfc909e480987dc2d440ae6eaf1746efdadc638a295f65",
        issuerKeyHash: "5f4bc2bb1e9e7bb5ec2a2b6c1f3c7c2f4c9e1a6d0b3f5e7c9a1b3d5f7e9a1c3e",
        serialNumber: "01",
      },
    },
  },
};
