/**
 * The OCPP-J handshake rules, as a pure decision over the parts of the HTTP
 * request that matter, so that every refusal is unit-tested without a socket.
 */
import { chargerIdProblem } from "../shared/identifiers.ts";
import type { RefusalReason } from "../shared/events.ts";
import { negotiateProtocol, parseProtocolHeader, SUPPORTED_PROTOCOLS } from "../shared/ocpp/version.ts";

export const OCPP_PATH_PREFIX = "/ocpp/";

export interface HandshakeInput {
  method: string;
  /** The raw (still percent-encoded) path of the request URL. */
  pathname: string;
  /** The Upgrade header, if any. */
  upgrade: string | null;
  /** The Sec-WebSocket-Protocol header, if any. */
  protocols: string | null;
}

export type HandshakeDecision =
  /**
   * Answer with a plain HTTP response. `charger`: the path named a valid charge point, so the refusal is
   * worth recording (who, and why); a request for another path or an invalid id is not a charger's.
   */
  | {
    kind: "refuse";
    status: number;
    message: string;
    headers?: Record<string, string>;
    charger?: { id: string; reason: RefusalReason };
  }
  /** Upgrade, echo `protocol`, and run an OCPP session for `chargerId`. */
  | { kind: "accept"; chargerId: string; protocol: (typeof SUPPORTED_PROTOCOLS)[number] }
  /** OCPP-J: none of the offered subprotocols is ours; complete the handshake without the header, then close. */
  | { kind: "unsupported"; chargerId: string; offered: string[] };

/** Reads a charge point identity from its (percent-encoded) path segment and checks it (shared/identifiers.ts). */
export function parseChargerId(
  rawSegment: string,
): { ok: true; id: string } | { ok: false; message: string } {
  let id: string;
  try {
    id = decodeURIComponent(rawSegment);
  } catch {
    return { ok: false, message: "charge point id is not valid percent-encoding" };
  }
  const problem = chargerIdProblem(id);
  return problem === undefined ? { ok: true, id } : { ok: false, message: problem };
}

export function decideHandshake(req: HandshakeInput): HandshakeDecision {
  if (!req.pathname.startsWith(OCPP_PATH_PREFIX)) {
    return {
      kind: "refuse",
      status: 404,
      message: `not found: OCPP endpoint is ${OCPP_PATH_PREFIX}{chargePointId}`,
    };
  }
  const segment = req.pathname.slice(OCPP_PATH_PREFIX.length);
  if (segment.includes("/")) {
    return { kind: "refuse", status: 400, message: "charge point id must be a single path segment" };
  }
  const id = parseChargerId(segment);
  if (!id.ok) return { kind: "refuse", status: 400, message: id.message };
  if (req.method !== "GET") {
    return {
      kind: "refuse",
      status: 405,
      message: "OCPP-J needs a WebSocket GET",
      headers: { allow: "GET" },
      charger: { id: id.id, reason: "not-websocket" },
    };
  }
  if (req.upgrade?.toLowerCase() !== "websocket") {
    return {
      kind: "refuse",
      status: 426,
      message: "this is an OCPP-J endpoint: connect with a WebSocket",
      headers: { upgrade: "websocket" },
      charger: { id: id.id, reason: "not-websocket" },
    };
  }
  const offered = parseProtocolHeader(req.protocols);
  if (offered.length === 0) {
    return {
      kind: "refuse",
      status: 400,
      message: `Sec-WebSocket-Protocol must offer one of ${SUPPORTED_PROTOCOLS.join(", ")}`,
      charger: { id: id.id, reason: "no-subprotocol" },
    };
  }
  const protocol = negotiateProtocol(offered);
  if (!protocol) return { kind: "unsupported", chargerId: id.id, offered };
  return { kind: "accept", chargerId: id.id, protocol };
}
