/**
 * Origins: the portal's own (scheme and Host of the request) and the extra fronts ALLOWED_ORIGINS names.
 * A browser always says where a WebSocket handshake or a write comes from (the Origin header); a request
 * that names another origin is refused, whatever credentials it carries.
 */

/** The normalised origin of an ALLOWED_ORIGINS entry, or undefined when it is not an http(s) origin. */
export function parseOrigin(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
  // An origin is scheme, host and port only.
  if (url.pathname !== "/" || url.search || url.hash || url.username || url.password) return undefined;
  return url.origin;
}

/** The portal's own origin as this request reached it, or undefined without a Host header. */
export function ownOrigin(secure: boolean, host: string | undefined | null): string | undefined {
  if (!host) return undefined;
  try {
    return new URL(`${secure ? "https" : "http"}://${host}`).origin;
  } catch {
    return undefined;
  }
}

export function isAllowedOrigin(
  origin: string,
  own: string | undefined,
  allowed: readonly string[],
): boolean {
  if (origin === "null") return false;
  let normal: string;
  try {
    normal = new URL(origin).origin;
  } catch {
    return false;
  }
  return normal === own || allowed.includes(normal);
}
