/**
 * The compact form for the CSMS's other commands: per protocol, which fields
 * each one asks for, and how the typed-in text becomes that protocol's payload.
 * Pure; the CSMS still validates the payload against the protocol's schema, this
 * only catches typing slips early. A protocol's set sits beside the others; the
 * actions offered are the catalog's (shared/ocpp/catalog.ts) that have a form here.
 *
 * A field's name is its path in the payload: "evse.id" fills `{evse: {id}}`, and a
 * numeric step makes an array ("getVariableData.0.variable.name"), so nested
 * OCPP 2.0.1 payloads get plain fields; an object left with no field filled in is
 * left out. Parts too free-form for fields (a charging profile) are JSON fields.
 */
import type { Protocol } from "../../shared/domain.ts";
import { OPERATOR_ACTIONS } from "../../shared/ocpp/catalog.ts";
import { SECURITY_FORMS_16 } from "./command_forms_security16.ts";
import { SMART_CHARGING_FORMS_16 } from "./smart_charging_forms.ts";
import { FILE_FORMS_16 } from "./file_forms.ts";

/**
 * text: as typed; int: a whole number; number: a decimal number (a limit); select: one of `options`; list:
 * comma-separated (each one of `options` when given); bool: "true" or "false"; json: JSON text, the value
 * put in as parsed.
 */
export type FieldKind = "text" | "int" | "number" | "select" | "list" | "bool" | "json";

export interface FieldSpec {
  /** The field's path in the payload (dot-separated; a number indexes an array). */
  name: string;
  label: string;
  kind: FieldKind;
  options?: readonly string[];
  required?: boolean;
  placeholder?: string;
  initial?: string;
  /** Shown as a text area (a certificate, JSON). */
  multiline?: boolean;
  /** For json: the JSON type the value must have. */
  json?: "object" | "array";
}

/** OCPP 1.6's (RemoteStart/StopTransaction have their own buttons on the detail page). */
const FORMS_16: Readonly<Record<string, readonly FieldSpec[]>> = {
  Reset: [{ name: "type", label: "Type", kind: "select", options: ["Soft", "Hard"], required: true }],
  UnlockConnector: [{ name: "connectorId", label: "Connector", kind: "int", required: true, initial: "1" }],
  ChangeAvailability: [
    { name: "connectorId", label: "Connector (0 = all)", kind: "int", required: true, initial: "0" },
    { name: "type", label: "Type", kind: "select", options: ["Operative", "Inoperative"], required: true },
  ],
  GetConfiguration: [{
    name: "key",
    label: "Keys",
    kind: "list",
    placeholder: "comma-separated; empty for all",
  }],
  ChangeConfiguration: [
    { name: "key", label: "Key", kind: "text", required: true, placeholder: "MeterValueSampleInterval" },
    { name: "value", label: "Value", kind: "text", required: true, placeholder: "10" },
  ],
  TriggerMessage: [
    {
      name: "requestedMessage",
      label: "Message",
      kind: "select",
      options: [
        "BootNotification",
        "DiagnosticsStatusNotification",
        "FirmwareStatusNotification",
        "Heartbeat",
        "MeterValues",
        "StatusNotification",
      ],
      required: true,
    },
    { name: "connectorId", label: "Connector (optional)", kind: "int" },
  ],
  ClearCache: [],
  // Reservation and LocalAuthListManagement: the CSMS fills in what is left empty (reserve_list_commands.ts).
  ReserveNow: [
    { name: "connectorId", label: "Connector (0 = any)", kind: "int", required: true, initial: "1" },
    { name: "idTag", label: "Id tag", kind: "text", required: true },
    {
      name: "expiryDate",
      label: "Expires",
      kind: "text",
      placeholder: "ISO date-time; empty: in 15 minutes",
    },
    { name: "parentIdTag", label: "Parent id tag (optional)", kind: "text" },
    { name: "reservationId", label: "Reservation id", kind: "int", placeholder: "empty: the next free one" },
  ],
  CancelReservation: [{ name: "reservationId", label: "Reservation id", kind: "int", required: true }],
  SendLocalList: [
    {
      name: "updateType",
      label: "Update",
      kind: "select",
      options: ["Full", "Differential"],
      required: true,
    },
    {
      name: "listVersion",
      label: "List version",
      kind: "int",
      placeholder: "empty: one above the last sent",
    },
  ],
  GetLocalListVersion: [],
  DataTransfer: [
    { name: "vendorId", label: "Vendor id", kind: "text", required: true },
    { name: "messageId", label: "Message id", kind: "text" },
    { name: "data", label: "Data", kind: "text" },
  ],
  ...SECURITY_FORMS_16,
  ...SMART_CHARGING_FORMS_16,
  ...FILE_FORMS_16,
};

// OCPP 2.0.1's enumerations the forms offer, as its schemas spell them (command_forms_test.ts checks them).
export const ENUMS_201 = {
  IdTokenEnumType: [
    "Central",
    "eMAID",
    "ISO14443",
    "ISO15693",
    "KeyCode",
    "Local",
    "MacAddress",
    "NoAuthorization",
  ],
  ResetEnumType: ["Immediate", "OnIdle"],
  OperationalStatusEnumType: ["Inoperative", "Operative"],
  AttributeEnumType: ["Actual", "Target", "MinSet", "MaxSet"],
  ReportBaseEnumType: ["ConfigurationInventory", "FullInventory", "SummaryInventory"],
  ComponentCriterionEnumType: ["Active", "Available", "Enabled", "Problem"],
  MessageTriggerEnumType: [
    "BootNotification",
    "LogStatusNotification",
    "FirmwareStatusNotification",
    "Heartbeat",
    "MeterValues",
    "SignChargingStationCertificate",
    "SignV2GCertificate",
    "StatusNotification",
    "TransactionEvent",
    "SignCombinedCertificate",
    "PublishFirmwareStatusNotification",
  ],
  OCPPVersionEnumType: ["OCPP20", "OCPP16", "OCPP15", "OCPP12"],
  OCPPTransportEnumType: ["JSON", "SOAP"],
  OCPPInterfaceEnumType: [
    "Wired0",
    "Wired1",
    "Wired2",
    "Wired3",
    "Wireless0",
    "Wireless1",
    "Wireless2",
    "Wireless3",
  ],
  LogEnumType: ["DiagnosticsLog", "SecurityLog"],
  InstallCertificateUseEnumType: [
    "V2GRootCertificate",
    "MORootCertificate",
    "CSMSRootCertificate",
    "ManufacturerRootCertificate",
  ],
  GetCertificateIdUseEnumType: [
    "V2GRootCertificate",
    "MORootCertificate",
    "CSMSRootCertificate",
    "V2GCertificateChain",
    "ManufacturerRootCertificate",
  ],
  HashAlgorithmEnumType: ["SHA256", "SHA384", "SHA512"],
} as const;

/** A component and variable (with instance and EVSE) at `prefix`: one row of Get/SetVariables. */
function componentVariableFields(prefix: string): FieldSpec[] {
  return [
    {
      name: `${prefix}.component.name`,
      label: "Component",
      kind: "text",
      required: true,
      placeholder: "OCPPCommCtrlr",
    },
    { name: `${prefix}.component.instance`, label: "Component instance", kind: "text" },
    { name: `${prefix}.component.evse.id`, label: "EVSE (optional)", kind: "int" },
    { name: `${prefix}.component.evse.connectorId`, label: "Connector (optional)", kind: "int" },
    {
      name: `${prefix}.variable.name`,
      label: "Variable",
      kind: "text",
      required: true,
      placeholder: "HeartbeatInterval",
    },
    { name: `${prefix}.variable.instance`, label: "Variable instance", kind: "text" },
    {
      name: `${prefix}.attributeType`,
      label: "Attribute",
      kind: "select",
      options: ENUMS_201.AttributeEnumType,
    },
  ];
}

const requestId: FieldSpec = {
  name: "requestId",
  label: "Request id",
  kind: "int",
  required: true,
  initial: "1",
};
const retries: FieldSpec[] = [
  { name: "retries", label: "Retries (optional)", kind: "int" },
  { name: "retryInterval", label: "Retry interval, s (optional)", kind: "int" },
];
const hashData = (prefix: string, required: boolean): FieldSpec[] => [
  {
    name: `${prefix}.hashAlgorithm`,
    label: "Hash algorithm",
    kind: "select",
    options: ENUMS_201.HashAlgorithmEnumType,
    required,
  },
  { name: `${prefix}.issuerNameHash`, label: "Issuer name hash", kind: "text", required },
  { name: `${prefix}.issuerKeyHash`, label: "Issuer key hash", kind: "text", required },
  { name: `${prefix}.serialNumber`, label: "Serial number", kind: "text", required },
];

/**
 * OCPP 2.0.1's. Get/SetVariables take one component and variable here (the device-model view sets any
 * ReadWrite one in place); RequestStartTransaction's remoteStartId may be left out: the CSMS assigns one.
 */
const FORMS_201: Readonly<Record<string, readonly FieldSpec[]>> = {
  RequestStartTransaction: [
    { name: "evseId", label: "EVSE (optional)", kind: "int", initial: "1" },
    { name: "idToken.idToken", label: "Id token", kind: "text", required: true, initial: "OPERATOR" },
    {
      name: "idToken.type",
      label: "Token type",
      kind: "select",
      options: ENUMS_201.IdTokenEnumType,
      required: true,
      initial: "Central",
    },
    { name: "remoteStartId", label: "Remote start id (optional)", kind: "int" },
    {
      name: "chargingProfile",
      label: "Charging profile (JSON, optional)",
      kind: "json",
      json: "object",
      multiline: true,
    },
  ],
  RequestStopTransaction: [{
    name: "transactionId",
    label: "Transaction id (the charger's)",
    kind: "text",
    required: true,
  }],
  Reset: [
    { name: "type", label: "Type", kind: "select", options: ENUMS_201.ResetEnumType, required: true },
    { name: "evseId", label: "EVSE (optional)", kind: "int" },
  ],
  ChangeAvailability: [
    {
      name: "operationalStatus",
      label: "Status",
      kind: "select",
      options: ENUMS_201.OperationalStatusEnumType,
      required: true,
    },
    { name: "evse.id", label: "EVSE (empty: the charger)", kind: "int" },
    { name: "evse.connectorId", label: "Connector (optional)", kind: "int" },
  ],
  GetVariables: componentVariableFields("getVariableData.0"),
  SetVariables: [
    ...componentVariableFields("setVariableData.0"),
    { name: "setVariableData.0.attributeValue", label: "Value", kind: "text", required: true },
  ],
  GetBaseReport: [
    requestId,
    {
      name: "reportBase",
      label: "Report",
      kind: "select",
      options: ENUMS_201.ReportBaseEnumType,
      required: true,
      initial: "FullInventory",
    },
  ],
  GetReport: [
    requestId,
    {
      name: "componentCriteria",
      label: "Criteria (optional)",
      kind: "list",
      options: ENUMS_201.ComponentCriterionEnumType,
      placeholder: "comma-separated: Active, Available, Enabled, Problem",
    },
    {
      name: "componentVariable",
      label: "Components and variables (JSON, optional)",
      kind: "json",
      json: "array",
      multiline: true,
      placeholder: '[{"component":{"name":"EVSE","evse":{"id":1}},"variable":{"name":"AvailabilityState"}}]',
    },
  ],
  TriggerMessage: [
    {
      name: "requestedMessage",
      label: "Message",
      kind: "select",
      options: ENUMS_201.MessageTriggerEnumType,
      required: true,
    },
    { name: "evse.id", label: "EVSE (optional)", kind: "int" },
    { name: "evse.connectorId", label: "Connector (optional)", kind: "int" },
  ],
  UnlockConnector: [
    { name: "evseId", label: "EVSE", kind: "int", required: true, initial: "1" },
    { name: "connectorId", label: "Connector", kind: "int", required: true, initial: "1" },
  ],
  ClearCache: [],
  GetTransactionStatus: [
    {
      name: "transactionId",
      label: "Transaction id (the charger's; empty: any queued messages)",
      kind: "text",
    },
  ],
  DataTransfer: [
    { name: "vendorId", label: "Vendor id", kind: "text", required: true },
    { name: "messageId", label: "Message id", kind: "text" },
    {
      name: "data",
      label: "Data (JSON, optional)",
      kind: "json",
      placeholder: '"text", 42 or {"key":"value"}',
    },
  ],
  SetNetworkProfile: [
    { name: "configurationSlot", label: "Slot", kind: "int", required: true, initial: "1" },
    {
      name: "connectionData.ocppVersion",
      label: "OCPP version",
      kind: "select",
      options: ENUMS_201.OCPPVersionEnumType,
      required: true,
    },
    {
      name: "connectionData.ocppTransport",
      label: "Transport",
      kind: "select",
      options: ENUMS_201.OCPPTransportEnumType,
      required: true,
    },
    {
      name: "connectionData.ocppCsmsUrl",
      label: "CSMS URL",
      kind: "text",
      required: true,
      placeholder: "wss://csms.example.com/ocpp",
    },
    {
      name: "connectionData.messageTimeout",
      label: "Message timeout, s",
      kind: "int",
      required: true,
      initial: "30",
    },
    {
      name: "connectionData.securityProfile",
      label: "Security profile",
      kind: "int",
      required: true,
      initial: "2",
    },
    {
      name: "connectionData.ocppInterface",
      label: "Interface",
      kind: "select",
      options: ENUMS_201.OCPPInterfaceEnumType,
      required: true,
    },
    { name: "connectionData.apn", label: "APN (JSON, optional)", kind: "json", json: "object" },
    { name: "connectionData.vpn", label: "VPN (JSON, optional)", kind: "json", json: "object" },
  ],
  GetLog: [
    { name: "logType", label: "Log", kind: "select", options: ENUMS_201.LogEnumType, required: true },
    requestId,
    {
      name: "log.remoteLocation",
      label: "Upload to",
      kind: "text",
      required: true,
      placeholder: "https://logs.example.com/upload",
    },
    {
      name: "log.oldestTimestamp",
      label: "From (optional)",
      kind: "text",
      placeholder: "2024-01-01T00:00:00Z",
    },
    {
      name: "log.latestTimestamp",
      label: "To (optional)",
      kind: "text",
      placeholder: "2024-01-31T23:59:59Z",
    },
    ...retries,
  ],
  UpdateFirmware: [
    requestId,
    {
      name: "firmware.location",
      label: "Firmware URL",
      kind: "text",
      required: true,
      placeholder: "https://fw.example.com/image.bin",
    },
    {
      name: "firmware.retrieveDateTime",
      label: "Retrieve at",
      kind: "text",
      required: true,
      placeholder: "2024-01-01T00:00:00Z",
    },
    { name: "firmware.installDateTime", label: "Install at (optional)", kind: "text" },
    {
      name: "firmware.signingCertificate",
      label: "Signing certificate (PEM, optional)",
      kind: "text",
      multiline: true,
    },
    { name: "firmware.signature", label: "Signature (base64, optional)", kind: "text" },
    ...retries,
  ],
  CustomerInformation: [
    requestId,
    { name: "report", label: "Report", kind: "bool", required: true, initial: "true" },
    { name: "clear", label: "Clear", kind: "bool", required: true, initial: "false" },
    { name: "customerIdentifier", label: "Customer identifier (optional)", kind: "text" },
    { name: "idToken.idToken", label: "Id token (optional)", kind: "text" },
    { name: "idToken.type", label: "Token type", kind: "select", options: ENUMS_201.IdTokenEnumType },
    ...hashData("customerCertificate", false),
  ],
  InstallCertificate: [
    {
      name: "certificateType",
      label: "Type",
      kind: "select",
      options: ENUMS_201.InstallCertificateUseEnumType,
      required: true,
    },
    {
      name: "certificate",
      label: "Certificate (PEM)",
      kind: "text",
      required: true,
      multiline: true,
      placeholder: "-----BEGIN CERTIFICATE-----",
    },
  ],
  GetInstalledCertificateIds: [{
    name: "certificateType",
    label: "Types (optional)",
    kind: "list",
    options: ENUMS_201.GetCertificateIdUseEnumType,
    placeholder: "comma-separated; empty for all",
  }],
  DeleteCertificate: hashData("certificateHashData", true),
};

export const COMMAND_FORMS: Record<Protocol, Readonly<Record<string, readonly FieldSpec[]>>> = {
  "ocpp1.6": FORMS_16,
  "ocpp2.0.1": FORMS_201,
};

/** The commands the form offers for a protocol, in the catalog's order. */
export function formActions(protocol: Protocol): string[] {
  return OPERATOR_ACTIONS[protocol].filter((a) => Object.hasOwn(COMMAND_FORMS[protocol], a));
}

/** The fields of an action's form (none for an action the protocol's set has no form for). */
export function formFields(protocol: Protocol, action: string): readonly FieldSpec[] {
  return Object.hasOwn(COMMAND_FORMS[protocol], action) ? COMMAND_FORMS[protocol][action] : [];
}

export function initialValues(protocol: Protocol, action: string): Record<string, string> {
  return Object.fromEntries(
    formFields(protocol, action).map((
      f,
    ) => [f.name, f.initial ?? (f.kind === "select" && f.required ? f.options![0] : "")]),
  );
}

/** The payload for `action` from the form's text values, or a message saying what to fix. */
export function buildPayload(
  protocol: Protocol,
  action: string,
  values: Record<string, string>,
): { ok: true; payload: Record<string, unknown> } | { ok: false; message: string } {
  if (!Object.hasOwn(COMMAND_FORMS[protocol], action)) {
    return { ok: false, message: `${action} is not a command of ${protocol} the form knows` };
  }
  const payload: Record<string, unknown> = {};
  for (const field of formFields(protocol, action)) {
    const raw = (values[field.name] ?? "").trim();
    if (raw === "") {
      if (field.required) return { ok: false, message: `${field.label} is required` };
      continue;
    }
    const value = parseField(field, raw);
    if (!value.ok) return value;
    if (value.value !== undefined) setPath(payload, field.name, value.value);
  }
  return { ok: true, payload };
}

/** One field's typed-in text as its payload value; undefined for a list left empty. */
function parseField(
  field: FieldSpec,
  raw: string,
): { ok: true; value: unknown } | { ok: false; message: string } {
  switch (field.kind) {
    case "int":
      if (!/^\d+$/.test(raw)) return { ok: false, message: `${field.label} must be a whole number` };
      return { ok: true, value: Number(raw) };
    case "number":
      if (!/^\d+(\.\d+)?$/.test(raw)) return { ok: false, message: `${field.label} must be a number` };
      return { ok: true, value: Number(raw) };
    case "select":
      if (!field.options!.includes(raw)) {
        return { ok: false, message: `${field.label} must be one of ${field.options!.join(", ")}` };
      }
      return { ok: true, value: raw };
    case "bool":
      if (raw !== "true" && raw !== "false") {
        return { ok: false, message: `${field.label} must be true or false` };
      }
      return { ok: true, value: raw === "true" };
    case "list": {
      const items = raw.split(",").map((s) => s.trim()).filter((s) => s !== "");
      const wrong = field.options ? items.find((i) => !field.options!.includes(i)) : undefined;
      if (wrong !== undefined) {
        return { ok: false, message: `${field.label}: ${wrong} is not one of ${field.options!.join(", ")}` };
      }
      return { ok: true, value: items.length > 0 ? items : undefined };
    }
    case "json": {
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch {
        return { ok: false, message: `${field.label} is not valid JSON` };
      }
      const type = Array.isArray(value) ? "array" : value === null ? "null" : typeof value;
      if (field.json && type !== field.json) {
        return { ok: false, message: `${field.label} must be a JSON ${field.json}` };
      }
      return { ok: true, value };
    }
    case "text":
      return { ok: true, value: raw };
  }
}

/** Puts `value` at a dotted path, making the objects (and, for a numeric step, arrays) on the way. */
function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const steps = path.split(".");
  let node: Record<string, unknown> = target;
  for (let i = 0; i < steps.length - 1; i++) {
    const step = steps[i];
    if (node[step] === undefined) node[step] = /^\d+$/.test(steps[i + 1]) ? [] : {};
    node = node[step] as Record<string, unknown>;
  }
  node[steps.at(-1)!] = value;
}
