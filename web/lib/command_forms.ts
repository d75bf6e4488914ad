/**
 * The compact form for the CSMS's other commands: which fields each one asks
 * for, and how the typed-in text becomes the OCPP payload. Pure; the CSMS still
 * validates the payload against the schema, this only catches typing slips early.
 */
import type { OperatorCommand16 } from "../../shared/ocpp/actions16.ts";

export type FieldKind = "text" | "int" | "select" | "list";

export interface FieldSpec {
  name: string;
  label: string;
  kind: FieldKind;
  options?: readonly string[];
  required?: boolean;
  placeholder?: string;
  initial?: string;
}

export type FormAction = Exclude<OperatorCommand16, "RemoteStartTransaction" | "RemoteStopTransaction">;

export const COMMAND_FORMS: Record<FormAction, readonly FieldSpec[]> = {
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
  DataTransfer: [
    { name: "vendorId", label: "Vendor id", kind: "text", required: true },
    { name: "messageId", label: "Message id", kind: "text" },
    { name: "data", label: "Data", kind: "text" },
  ],
};

export const FORM_ACTIONS = Object.keys(COMMAND_FORMS) as FormAction[];

export function initialValues(action: FormAction): Record<string, string> {
  return Object.fromEntries(
    COMMAND_FORMS[action].map((f) => [f.name, f.initial ?? (f.kind === "select" ? f.options![0] : "")]),
  );
}

/** The payload for `action` from the form's text values, or a message saying what to fix. */
export function buildPayload(
  action: FormAction,
  values: Record<string, string>,
): { ok: true; payload: Record<string, unknown> } | { ok: false; message: string } {
  const payload: Record<string, unknown> = {};
  for (const field of COMMAND_FORMS[action]) {
    const raw = (values[field.name] ?? "").trim();
    if (raw === "") {
      if (field.required) return { ok: false, message: `${field.label} is required` };
      continue;
    }
    switch (field.kind) {
      case "int": {
        if (!/^\d+$/.test(raw)) return { ok: false, message: `${field.label} must be a whole number` };
        payload[field.name] = Number(raw);
        break;
      }
      case "select":
        if (!field.options!.includes(raw)) {
          return { ok: false, message: `${field.label} must be one of ${field.options!.join(", ")}` };
        }
        payload[field.name] = raw;
        break;
      case "list": {
        const items = raw.split(",").map((s) => s.trim()).filter((s) => s !== "");
        if (items.length > 0) payload[field.name] = items;
        break;
      }
      case "text":
        payload[field.name] = raw;
        break;
    }
  }
  return { ok: true, payload };
}
