/**
 * OCPP-J RPC framing: CALL [2,id,action,payload], CALLRESULT [3,id,payload],
 * CALLERROR [4,id,code,description,details]. Pure: parsing untrusted text never
 * throws, it returns a frame or the CALLERROR the peer should get.
 */
import type { ErrorCode } from "./errors.ts";

export const CALL = 2;
export const CALLRESULT = 3;
export const CALLERROR = 4;

/** OCPP-J: a message id is a string of at most 36 characters. */
export const MAX_MESSAGE_ID_LENGTH = 36;
/** The id to answer with when the offending frame's own id cannot be read. */
export const UNKNOWN_MESSAGE_ID = "-1";

export type JsonObject = Record<string, unknown>;

export interface CallFrame {
  type: typeof CALL;
  id: string;
  action: string;
  payload: JsonObject;
}
export interface CallResultFrame {
  type: typeof CALLRESULT;
  id: string;
  payload: JsonObject;
}
export interface CallErrorFrame {
  type: typeof CALLERROR;
  id: string;
  code: string;
  description: string;
  details: JsonObject;
}
export type Frame = CallFrame | CallResultFrame | CallErrorFrame;

/** Why a frame could not be read, and what to answer: `messageId` is the id to use in the CALLERROR. */
export interface FrameError {
  code: ErrorCode;
  description: string;
  messageId: string;
  /** The offending frame was a CALL (or looked like one): only CALLs are answered with a CALLERROR. */
  answerable: boolean;
  /** Set when the text is over the size limit; the transport closes with 1009 instead of answering. */
  tooLarge?: boolean;
}

export type ParseResult = { ok: true; frame: Frame } | { ok: false; error: FrameError };

export interface ParseOptions {
  /** Maximum frame size in UTF-8 bytes; default: no limit. */
  maxBytes?: number;
}

const encoder = new TextEncoder();

function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function fail(
  code: ErrorCode,
  description: string,
  messageId = UNKNOWN_MESSAGE_ID,
  answerable = true,
): ParseResult {
  return { ok: false, error: { code, description, messageId, answerable } };
}

/** UTF-8 length without allocating when the answer is obvious from the UTF-16 length. */
function utf8Length(text: string, limit: number): number {
  if (text.length * 3 <= limit) return text.length; // cannot exceed the limit
  if (text.length > limit) return text.length; // already over it
  return encoder.encode(text).byteLength;
}

/** A short rendering of a peer's value for a CALLERROR description: never echo a whole frame back. */
function preview(v: unknown): string {
  const s = JSON.stringify(v) ?? "undefined";
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

export function parseFrame(text: string, options: ParseOptions = {}): ParseResult {
  if (options.maxBytes !== undefined && utf8Length(text, options.maxBytes) > options.maxBytes) {
    return {
      ok: false,
      error: {
        code: "FormatViolation",
        description: `frame exceeds ${options.maxBytes} bytes`,
        messageId: UNKNOWN_MESSAGE_ID,
        answerable: false,
        tooLarge: true,
      },
    };
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return fail("RpcFrameworkError", "frame is not valid JSON");
  }
  if (!Array.isArray(data)) return fail("RpcFrameworkError", "frame is not a JSON array");
  if (data.length === 0) return fail("RpcFrameworkError", "frame is an empty array");
  const [type, id] = data;
  const idOk = typeof id === "string" && id.length > 0 && id.length <= MAX_MESSAGE_ID_LENGTH;
  const messageId = idOk ? id : UNKNOWN_MESSAGE_ID;
  if (type !== CALL && type !== CALLRESULT && type !== CALLERROR) {
    return fail(
      "MessageTypeNotSupported",
      `unknown message type ${preview(type)}`,
      messageId,
    );
  }
  // Only a CALL is ever answered: answering a broken CALLRESULT/CALLERROR could loop between two peers.
  const answerable = type === CALL;
  if (!idOk) {
    const why = typeof id !== "string"
      ? "message id is not a string"
      : id.length === 0
      ? "message id is empty"
      : `message id is longer than ${MAX_MESSAGE_ID_LENGTH} characters`;
    return fail("RpcFrameworkError", why, UNKNOWN_MESSAGE_ID, answerable);
  }
  switch (type) {
    case CALL: {
      if (data.length !== 4) return fail("ProtocolError", `CALL has ${data.length} elements, expected 4`, id);
      const [, , action, payload] = data;
      if (typeof action !== "string" || action.length === 0) {
        return fail("ProtocolError", "CALL action is not a non-empty string", id);
      }
      if (!isObject(payload)) return fail("FormatViolation", "CALL payload is not a JSON object", id);
      return { ok: true, frame: { type: CALL, id, action, payload } };
    }
    case CALLRESULT: {
      if (data.length !== 3) {
        return fail("ProtocolError", `CALLRESULT has ${data.length} elements, expected 3`, id, false);
      }
      if (!isObject(data[2])) {
        return fail("FormatViolation", "CALLRESULT payload is not a JSON object", id, false);
      }
      return { ok: true, frame: { type: CALLRESULT, id, payload: data[2] } };
    }
    default: {
      // Some chargers omit the details object; accept 4 elements as well as 5.
      if (data.length !== 5 && data.length !== 4) {
        return fail("ProtocolError", `CALLERROR has ${data.length} elements, expected 5`, id, false);
      }
      const [, , code, description, details = {}] = data;
      if (typeof code !== "string" || typeof description !== "string" || !isObject(details)) {
        return fail(
          "FormatViolation",
          "CALLERROR code, description or details has the wrong type",
          id,
          false,
        );
      }
      return { ok: true, frame: { type: CALLERROR, id, code, description, details } };
    }
  }
}

export function serializeFrame(frame: Frame): string {
  switch (frame.type) {
    case CALL:
      return JSON.stringify([CALL, frame.id, frame.action, frame.payload]);
    case CALLRESULT:
      return JSON.stringify([CALLRESULT, frame.id, frame.payload]);
    case CALLERROR:
      return JSON.stringify([CALLERROR, frame.id, frame.code, frame.description, frame.details]);
  }
}

/** A unique message id: a UUID is exactly 36 characters, the OCPP-J maximum. */
export function newMessageId(): string {
  return crypto.randomUUID();
}
