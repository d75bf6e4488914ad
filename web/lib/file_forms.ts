/**
 * The command panel's forms for OCPP 1.6 file transfers (FirmwareManagement, the security extension's
 * GetLog and SignedUpdateFirmware). A firmware command names a kept image by its id (the charger page's
 * Files panel lists them) and the CSMS fills in the URL; an upload command left without a location gets
 * the CSMS's own upload URL (csms/file_commands.ts). A URL typed in instead goes as it is.
 */
import type { FieldSpec } from "./command_forms.ts";

const fileId: FieldSpec = {
  name: "firmwareFileId",
  label: "Firmware file id (or a URL below)",
  kind: "int",
  placeholder: "from the Files panel",
};
const retries: FieldSpec[] = [
  { name: "retries", label: "Retries (optional)", kind: "int" },
  { name: "retryInterval", label: "Retry interval, s (optional)", kind: "int" },
];
const window = (from: string, to: string): FieldSpec[] => [
  { name: from, label: "From (optional)", kind: "text", placeholder: "2024-01-01T00:00:00Z" },
  { name: to, label: "To (optional)", kind: "text", placeholder: "2024-01-31T23:59:59Z" },
];

export const FILE_FORMS_16: Readonly<Record<string, readonly FieldSpec[]>> = {
  UpdateFirmware: [
    fileId,
    {
      name: "location",
      label: "Firmware URL (optional)",
      kind: "text",
      placeholder: "https://fw.example.com/a.bin",
    },
    {
      name: "retrieveDate",
      label: "Retrieve at (empty: now)",
      kind: "text",
      placeholder: "2024-01-01T00:00:00Z",
    },
    ...retries,
  ],
  GetDiagnostics: [
    {
      name: "location",
      label: "Upload to (empty: the CSMS)",
      kind: "text",
      placeholder: "ftp://diag.example.com/",
    },
    ...window("startTime", "stopTime"),
    ...retries,
  ],
  GetLog: [
    {
      name: "logType",
      label: "Log",
      kind: "select",
      options: ["DiagnosticsLog", "SecurityLog"],
      required: true,
    },
    { name: "requestId", label: "Request id (empty: assigned)", kind: "int" },
    { name: "log.remoteLocation", label: "Upload to (empty: the CSMS)", kind: "text" },
    ...window("log.oldestTimestamp", "log.latestTimestamp"),
    ...retries,
  ],
  SignedUpdateFirmware: [
    fileId,
    { name: "requestId", label: "Request id", kind: "int", required: true, initial: "1" },
    { name: "firmware.location", label: "Firmware URL (optional)", kind: "text" },
    { name: "firmware.retrieveDateTime", label: "Retrieve at (empty: now)", kind: "text" },
    {
      name: "firmware.signingCertificate",
      label: "Signing certificate (PEM)",
      kind: "text",
      multiline: true,
      required: true,
    },
    { name: "firmware.signature", label: "Signature (base64, SHA-256)", kind: "text", required: true },
    ...retries,
  ],
};
