import type { OcppVersion } from "./version.ts";

/**
 * Canonical CALLERROR codes. OCPP 1.6 and 2.0.1 spell two of them differently
 * (FormationViolation / FormatViolation, OccurenceConstraintViolation /
 * OccurrenceConstraintViolation); we keep the 2.0.1 spelling inside and spell
 * per version on the wire.
 */
export const ERROR_CODES = [
  "FormatViolation",
  "GenericError",
  "InternalError",
  "MessageTypeNotSupported",
  "NotImplemented",
  "NotSupported",
  "OccurrenceConstraintViolation",
  "PropertyConstraintViolation",
  "ProtocolError",
  "RpcFrameworkError",
  "SecurityError",
  "TypeConstraintViolation",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

const CANONICAL: Record<string, ErrorCode> = {
  FormatViolation: "FormatViolation",
  FormationViolation: "FormatViolation",
  GenericError: "GenericError",
  InternalError: "InternalError",
  MessageTypeNotSupported: "MessageTypeNotSupported",
  NotImplemented: "NotImplemented",
  NotSupported: "NotSupported",
  OccurrenceConstraintViolation: "OccurrenceConstraintViolation",
  OccurenceConstraintViolation: "OccurrenceConstraintViolation",
  PropertyConstraintViolation: "PropertyConstraintViolation",
  ProtocolError: "ProtocolError",
  RpcFrameworkError: "RpcFrameworkError",
  SecurityError: "SecurityError",
  TypeConstraintViolation: "TypeConstraintViolation",
};

/** Reads any spelling of any version; unknown codes become GenericError. */
export function normalizeErrorCode(code: string): ErrorCode {
  // Own keys only: a peer's "toString" or "constructor" must not reach Object.prototype.
  return Object.hasOwn(CANONICAL, code) ? CANONICAL[code] : "GenericError";
}

/**
 * Spells a code for the wire. 1.6 has neither RpcFrameworkError nor
 * MessageTypeNotSupported: a frame it cannot read is, in 1.6 terms, a
 * FormationViolation ("not conform the PDU structure").
 */
export function spellErrorCode(code: ErrorCode, version: OcppVersion): string {
  if (version === "ocpp1.6") {
    switch (code) {
      case "FormatViolation":
      case "RpcFrameworkError":
      case "MessageTypeNotSupported":
        return "FormationViolation";
      case "OccurrenceConstraintViolation":
        return "OccurenceConstraintViolation";
    }
  }
  return code;
}

/** A CALLERROR, received from the peer or to be sent to it. Throw one from a handler to answer with it. */
export class OcppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly description = "",
    readonly details: Record<string, unknown> = {},
  ) {
    super(description ? `${code}: ${description}` : code);
    this.name = "OcppError";
  }
}

/** The peer did not answer a CALL in time. */
export class RpcTimeoutError extends Error {
  constructor(readonly action: string, readonly timeoutMs: number) {
    super(`${action} got no answer within ${timeoutMs} ms`);
    this.name = "RpcTimeoutError";
  }
}

/** The session closed (socket gone) before the CALL was answered or sent. */
export class RpcClosedError extends Error {
  constructor(readonly action: string, reason = "connection closed") {
    super(`${action} not answered: ${reason}`);
    this.name = "RpcClosedError";
  }
}

/** The message of anything thrown, for a one-line log: an Error's message, anything else as a string. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
