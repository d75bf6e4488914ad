/** How a refusal at the CSMS's handshake reads on the portal's pages. Pure; used in islands. */
import type { RefusalReason } from "../../shared/events.ts";
import type { ChargerRefusal } from "../../shared/queries.ts";

const REASON_TEXT: Record<RefusalReason, string> = {
  "unknown-id": "not registered",
  "no-credentials": "sent no AuthorizationKey",
  "bad-credentials": "wrong AuthorizationKey or user name",
  "no-key-registered": "registered without a key, and CHARGER_POLICY=basic wants one",
  "tls-required": "security profile 2, but came over plain ws://",
  "rate-limited": "too many failed attempts from its address",
  "not-websocket": "not a WebSocket request",
  "no-subprotocol": "offered no subprotocol",
  "unsupported-subprotocol": "offered no subprotocol the CSMS speaks",
};

/** "wrong AuthorizationKey or user name (401)"; what was offered, for a subprotocol mismatch. */
export function describeRefusal(r: Pick<ChargerRefusal, "reason" | "status" | "detail">): string {
  const text = REASON_TEXT[r.reason] ?? r.reason;
  return r.detail === undefined ? `${text} (${r.status})` : `${text}: ${r.detail} (${r.status})`;
}
