/**
 * OCPP-J WebSocket subprotocols Chargewire speaks, in order of preference: a charger that offers both
 * gets 2.0.1, the richer model (EVSEs, the device model, transaction events).
 */
export const SUPPORTED_PROTOCOLS = ["ocpp2.0.1", "ocpp1.6"] as const;
/** Every version the RPC core knows how to spell errors for, supported end to end or not yet. */
export type OcppVersion = "ocpp1.6" | "ocpp2.0.1";

export function isSupportedProtocol(p: string): p is (typeof SUPPORTED_PROTOCOLS)[number] {
  return (SUPPORTED_PROTOCOLS as readonly string[]).includes(p);
}

/** Picks our most preferred protocol among those the client offered (its own order does not matter), or undefined. */
export function negotiateProtocol(
  offered: readonly string[],
): (typeof SUPPORTED_PROTOCOLS)[number] | undefined {
  return SUPPORTED_PROTOCOLS.find((p) => offered.includes(p));
}

/** Parses a `Sec-WebSocket-Protocol` header value into its tokens. */
export function parseProtocolHeader(value: string | null): string[] {
  if (!value) return [];
  return value.split(",").map((s) => s.trim()).filter((s) => s.length > 0);
}
