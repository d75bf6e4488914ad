/**
 * The command panel's forms for the OCPP 1.6 security extension's central-system actions (the
 * whitepaper's certificate management and ExtendedTriggerMessage), spread into FORMS_16
 * (command_forms.ts). Enumerations as the 1.6 security schemas spell them.
 */
import type { FieldSpec } from "./command_forms.ts";

const CERTIFICATE_USES_16 = ["CentralSystemRootCertificate", "ManufacturerRootCertificate"] as const;

const pem = (name: string, label: string, placeholder: string): FieldSpec => ({
  name,
  label,
  kind: "text",
  required: true,
  multiline: true,
  placeholder,
});

export const SECURITY_FORMS_16: Readonly<Record<string, readonly FieldSpec[]>> = {
  ExtendedTriggerMessage: [
    {
      name: "requestedMessage",
      label: "Message",
      kind: "select",
      options: [
        "BootNotification",
        "LogStatusNotification",
        "FirmwareStatusNotification",
        "Heartbeat",
        "MeterValues",
        "SignChargePointCertificate",
        "StatusNotification",
      ],
      required: true,
    },
    { name: "connectorId", label: "Connector (optional)", kind: "int" },
  ],
  InstallCertificate: [
    { name: "certificateType", label: "Type", kind: "select", options: CERTIFICATE_USES_16, required: true },
    pem("certificate", "Certificate (PEM)", "-----BEGIN CERTIFICATE-----"),
  ],
  GetInstalledCertificateIds: [
    { name: "certificateType", label: "Type", kind: "select", options: CERTIFICATE_USES_16, required: true },
  ],
  DeleteCertificate: [
    {
      name: "certificateHashData.hashAlgorithm",
      label: "Hash algorithm",
      kind: "select",
      options: ["SHA256", "SHA384", "SHA512"],
      required: true,
    },
    { name: "certificateHashData.issuerNameHash", label: "Issuer name hash", kind: "text", required: true },
    { name: "certificateHashData.issuerKeyHash", label: "Issuer key hash", kind: "text", required: true },
    { name: "certificateHashData.serialNumber", label: "Serial number", kind: "text", required: true },
  ],
  CertificateSigned: [
    pem("certificateChain", "Certificate chain (PEM, leaf first)", "-----BEGIN CERTIFICATE-----"),
  ],
};
