/**
 * What the audit log keeps of an OCPP command's payload: every field's name, but the value only of
 * fields known to hold no secret (connector ids, id tags, configuration key names, ...). Everything else,
 * ChangeConfiguration's `value` included (it carries a new AuthorizationKey), reads "(omitted)". An
 * allow-list rather than a list of secret names, so a secret under a name nobody thought of stays out.
 * Pure.
 */

/** Fields of the operator commands (OCPP 1.6) whose values are identifiers, not secrets. */
const SAFE_FIELDS = new Set([
  "connectorId",
  "idTag",
  "transactionId",
  "type",
  "key",
  "vendorId",
  "messageId",
  "requestedMessage",
]);

export const OMITTED = "(omitted)";
const MAX_FIELDS = 20;
const MAX_VALUE = 64;

function safeValue(value: unknown): unknown {
  if (typeof value === "number" || typeof value === "boolean") return value;
  if (typeof value === "string") return value.length <= MAX_VALUE ? value : OMITTED;
  // GetConfiguration's key is a list of key names.
  if (Array.isArray(value) && value.length <= MAX_FIELDS && value.every((v) => typeof v === "string")) {
    return value.map((v) => safeValue(v));
  }
  return OMITTED;
}

/** The payload's fields, the values of safe ones, "(omitted)" for the rest; at most 20 fields. */
export function summarizePayload(payload: unknown): Record<string, unknown> {
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) return {};
  const summary: Record<string, unknown> = {};
  const entries = Object.entries(payload);
  for (const [name, value] of entries.slice(0, MAX_FIELDS)) {
    summary[name.slice(0, MAX_VALUE)] = SAFE_FIELDS.has(name) ? safeValue(value) : OMITTED;
  }
  if (entries.length > MAX_FIELDS) summary["…"] = `${entries.length - MAX_FIELDS} more fields`;
  return summary;
}
