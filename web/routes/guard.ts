/**
 * A REST route's role, in one place: its middleware checks it, and its OpenAPI description states it
 * with the 401 and 403 answers it can give.
 */
import type { OpenAPIHono, RouteConfig } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { type AppEnv, CSRF_HEADER, requireRole } from "../auth/http.ts";
import type { Role } from "../auth/roles.ts";
import { SESSION_COOKIE } from "../auth/service.ts";
import { ErrorSchema } from "./api_schemas.ts";

const SECURITY = [{ bearerAuth: [] }, { cookieAuth: [] }];

export function guarded<R extends RouteConfig>(role: Role, route: R): R {
  const writes = !["get", "head", "options"].includes(route.method);
  return {
    ...route,
    middleware: [requireRole(role) as MiddlewareHandler],
    security: SECURITY,
    description: [
      route.description,
      `Needs the **${role}** role or higher.`,
      writes ? `With a session cookie, also the session's CSRF token in \`${CSRF_HEADER}\`.` : undefined,
    ].filter(Boolean).join("\n\n"),
    responses: {
      ...route.responses,
      401: {
        content: { "application/json": { schema: ErrorSchema } },
        description: "Not signed in, or the API token is unknown or revoked",
      },
      403: {
        content: { "application/json": { schema: ErrorSchema } },
        description: "The role is not enough, or (cookie sessions) the CSRF token or Origin is wrong",
      },
    },
  };
}

export function registerSecuritySchemes(api: OpenAPIHono<AppEnv>): void {
  api.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    description: "An API token (cw_...), created by an admin (POST /api/v1/tokens or the Users page)",
  });
  api.openAPIRegistry.registerComponent("securitySchemes", "cookieAuth", {
    type: "apiKey",
    in: "cookie",
    name: SESSION_COOKIE,
    description: "The session cookie set by signing in (POST /api/v1/session or the sign-in page)",
  });
}
