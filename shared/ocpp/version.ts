/** OCPP-J WebSocket subprotocols Chargewire speaks, in order of preference. */
export const SUPPORTED_PROTOCOLS = ["ocpp1.6"] as const;
/** Every version the RPC core knows how to spell errors for, supported end to end or not yet. */
export type OcppVersion = "ocpp1.6" | "ocpp2.0.1";

export function isSupportedProtocol(p: string): p is (typeof SUPPORTED_PROTOCOLS)[number] {
  return (SUPPORTED_PROTOCOLS as readonly string[]).includes(p);
}

/** Picks the first protocol of ours that the client offered, or undefined. */
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
