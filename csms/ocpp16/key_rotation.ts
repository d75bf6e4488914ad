/**
 * Rotating a charger's AuthorizationKey with ChangeConfiguration (OCPP 1.6
 * security whitepaper, profile 1/2): which command sets a new key, and which
 * answer means the charger took it, so that the CSMS checks the charger's next
 * handshake against the new key. Pure.
 */
import { isAuthorizationKey } from "../../shared/ocpp/authorization_key.ts";

/** The key a command sets (`{ key }`: checked by the caller), or undefined when the command sets none. */
export function newAuthorizationKey(action: string, payload: unknown): { key: unknown } | undefined {
  if (action !== "ChangeConfiguration" || typeof payload !== "object" || payload === null) return undefined;
  const p = payload as { key?: unknown; value?: unknown };
  return isAuthorizationKey(p.key) ? { key: p.value } : undefined;
}

/**
 * Whether the charger's answer means it will present the new key: Accepted, or RebootRequired (it will
 * after its reboot, which is also its next handshake).
 */
export function keyTaken(response: unknown): boolean {
  const status = (response as { status?: unknown } | null)?.status;
  return status === "Accepted" || status === "RebootRequired";
}
