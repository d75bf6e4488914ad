/**
 * Authentication and authorisation for the portal's HTTP routes, as Hono middleware: who is asking
 * (`identify`), the REST API's rules (`apiGuard`: signed in, CSRF-safe writes, operators for writes) and
 * each route's role (`requireRole`), the pages' sign-in redirect (`pageGuard`), and the session cookie.
 */
import type { HttpBindings } from "@hono/node-server";
import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { isAllowedOrigin, ownOrigin } from "./origin.ts";
import { allows, type Principal, type Role } from "./roles.ts";
import { safeEqual } from "./secrets.ts";
import { type Auth, SESSION_COOKIE } from "./service.ts";

export type AppEnv = {
  Bindings: HttpBindings;
  Variables: { principal?: Principal; authError?: string };
};
type Ctx = Context<AppEnv>;

export const CSRF_HEADER = "x-csrf-token";
/** The form field that carries the CSRF token in the pages' own forms (sign out). */
export const CSRF_FIELD = "_csrf";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
export const isSafeMethod = (method: string) => SAFE_METHODS.has(method.toUpperCase());

/** The peer's address (the key for login rate limits). */
export function clientAddress(c: Ctx): string {
  return c.env?.incoming?.socket?.remoteAddress ?? "unknown";
}

/** Whether the browser reached the portal over TLS: directly, or through a proxy that says so. */
export function isSecureRequest(c: Ctx): boolean {
  return new URL(c.req.url).protocol === "https:" ||
    c.req.header("x-forwarded-proto")?.split(",")[0].trim() === "https";
}

export function requestOwnOrigin(c: Ctx): string | undefined {
  return ownOrigin(new URL(c.req.url).protocol === "https:", c.req.header("host"));
}

/** Whether a write's Origin (when it has one) is the portal's own or an allowed front. */
export function originOk(c: Ctx, allowedOrigins: readonly string[]): boolean {
  const origin = c.req.header("origin");
  if (origin === undefined) {
    // Browsers send Origin with every cross-origin write; without one, refuse only what says it is cross-site.
    const site = c.req.header("sec-fetch-site");
    return site !== "cross-site" && site !== "same-site";
  }
  return isAllowedOrigin(origin, requestOwnOrigin(c), allowedOrigins);
}

export function setSessionCookie(c: Ctx, value: string, maxAgeSeconds: number): void {
  setCookie(c, SESSION_COOKIE, value, {
    path: "/",
    httpOnly: true,
    sameSite: "Strict",
    secure: isSecureRequest(c),
    maxAge: maxAgeSeconds,
  });
}

export function clearSessionCookie(c: Ctx): void {
  deleteCookie(c, SESSION_COOKIE, {
    path: "/",
    httpOnly: true,
    sameSite: "Strict",
    secure: isSecureRequest(c),
  });
}

/** Finds out who is asking (API token or session cookie) and notes it; refuses nothing by itself. */
export function identify(auth: Auth): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const result = await auth.authenticate({
      authorization: c.req.header("authorization"),
      sessionCookie: getCookie(c, SESSION_COOKIE),
    });
    if (result.ok) c.set("principal", result.principal);
    else if (result.reason === "invalid") c.set("authError", result.message);
    await next();
  };
}

function refuse(c: Ctx, status: 401 | 403, error: string, message: string) {
  if (status === 401) c.header("www-authenticate", 'Bearer realm="chargewire"');
  return c.json({ ok: false as const, error, message }, status);
}

/** REST routes anyone may call: signing in, and the API's description. */
function isPublic(method: string, path: string): boolean {
  return (method === "POST" && path === "/api/v1/session") ||
    (method === "GET" && path === "/api/v1/openapi.json");
}

/** Writes every signed-in role may make: signing out, changing one's own password. */
function isSelfService(method: string, path: string): boolean {
  return (method === "DELETE" && path === "/api/v1/session") ||
    (method === "POST" && path === "/api/v1/me/password");
}

/**
 * The REST API's rules, before any route: a principal is required (but for the public routes); a write
 * with a session cookie must come from an allowed origin and carry the session's CSRF token (API tokens
 * are not sent by browsers on their own, so they need neither); and writes need at least the operator
 * role. Routes ask for more with `requireRole`.
 */
export function apiGuard(allowedOrigins: readonly string[]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const method = c.req.method.toUpperCase();
    const path = c.req.path;
    if (isPublic(method, path)) {
      if (!isSafeMethod(method) && !originOk(c, allowedOrigins)) {
        return refuse(c, 403, "forbidden_origin", `requests from ${c.req.header("origin")} are not allowed`);
      }
      return await next();
    }
    const principal = c.get("principal");
    if (!principal) {
      return refuse(
        c,
        401,
        "unauthorized",
        c.get("authError") ??
          "sign in first (POST /api/v1/session), or send an API token: Authorization: Bearer <token>",
      );
    }
    if (isSafeMethod(method)) return await next();
    if (principal.kind === "session") {
      if (!originOk(c, allowedOrigins)) {
        return refuse(c, 403, "forbidden_origin", `writes from ${c.req.header("origin")} are not allowed`);
      }
      const token = c.req.header(CSRF_HEADER);
      if (!token || !safeEqual(token, principal.csrfToken)) {
        return refuse(
          c,
          403,
          "csrf",
          `a write with a session cookie needs the session's CSRF token in the ${CSRF_HEADER} header ` +
            "(GET /api/v1/session tells it)",
        );
      }
    }
    if (!isSelfService(method, path) && !allows(principal.role, "operator")) {
      return refuse(
        c,
        403,
        "forbidden",
        `this needs the operator role; ${principal.name} is a ${principal.role}`,
      );
    }
    return await next();
  };
}

/** One route's role; runs after apiGuard, so a principal is there. */
export function requireRole(role: Role): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const principal = c.get("principal");
    if (!principal) return refuse(c, 401, "unauthorized", "sign in first");
    if (!allows(principal.role, role)) {
      return refuse(
        c,
        403,
        "forbidden",
        `this needs the ${role} role; ${principal.name} is a ${principal.role}`,
      );
    }
    await next();
  };
}

/** A local path to return to after signing in; anything else (another site, a scheme) becomes "/". */
export function safeNext(raw: string | undefined | null): string {
  if (!raw || !raw.startsWith("/") || raw.startsWith("//") || raw.startsWith("/\\")) return "/";
  // deno-lint-ignore no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(raw)) return "/";
  return raw.slice(0, 2000);
}

/** Pages need a signed-in person (a session); without one, the browser goes to the sign-in page and back. */
export function pageGuard(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.req.path.startsWith("/api/")) return next();
    const principal = c.get("principal");
    if (principal?.kind !== "session") {
      const url = new URL(c.req.url);
      return c.redirect(`/login?next=${encodeURIComponent(safeNext(url.pathname + url.search))}`, 303);
    }
    await next();
  };
}
