/**
 * The compact form for the CSMS's other commands: per protocol, which fields
 * each one asks for, and how the typed-in text becomes that protocol's payload.
 * Pure; the CSMS still validates the payload against the protocol's schema, this
 * only catches typing slips early. A protocol's set sits beside the others (an
 * OCPP 2.0.1 set joins with its adapter); the actions offered are the catalog's
 * (shared/ocpp/catalog.ts) that have a form here.
 */
import type { Protocol } from "../../shared/domain.ts";
import { OPERATOR_ACTIONS } from "../../shared/ocpp/catalog.ts";

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
  DataTransfer: [
    { name: "vendorId", label: "Vendor id", kind: "text", required: true },
    { name: "messageId", label: "Message id", kind: "text" },
    { name: "data", label: "Data", kind: "text" },
  ],
};

export const COMMAND_FORMS: Record<Protocol, Readonly<Record<string, readonly FieldSpec[]>>> = {
  "ocpp1.6": FORMS_16,
  "ocpp2.0.1": {},
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
    ) => [f.name, f.initial ?? (f.kind === "select" ? f.options![0] : "")]),
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
