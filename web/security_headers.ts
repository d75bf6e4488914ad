/**
 * The security headers on every answer of the portal, from Hono's secureHeaders: a Content-Security-Policy
 * that lets a page run only the portal's own files (no inline script or style, nothing from elsewhere) and
 * be framed by no one, and HSTS where the browser came over TLS. docs/security.md says what each does.
 */
import type { MiddlewareHandler } from "hono";
import { secureHeaders } from "hono/secure-headers";
import { type AppEnv, isSecureRequest } from "./auth/http.ts";

/**
 * Everything the pages load is the portal's: its stylesheets, icon and island bundle (web/assets.ts), its
 * REST API and its Socket.IO endpoint ('self' covers the same origin's ws:// and wss:// in CSP 3). Island
 * props travel in data attributes, not inline script; uPlot and Preact set styles through the CSSOM, which
 * style-src does not govern, so no 'unsafe-inline' is needed.
 */
export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'"],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

/**
 * A year; not includeSubDomains nor preload: the portal speaks for its own host only. Browsers heed it only
 * over https, so it is sent where the request came over TLS (TLS_CERT/TLS_KEY, or a proxy saying so).
 */
export const STRICT_TRANSPORT_SECURITY = "max-age=31536000";

export function securityHeaders(): MiddlewareHandler<AppEnv> {
  const always = secureHeaders({
    contentSecurityPolicy: CONTENT_SECURITY_POLICY,
    // For browsers that predate frame-ancestors.
    xFrameOptions: "DENY",
    referrerPolicy: "same-origin",
    strictTransportSecurity: false,
  });
  return async (c, next) => {
    await always(c, next);
    if (isSecureRequest(c)) c.header("strict-transport-security", STRICT_TRANSPORT_SECURITY);
  };
}
