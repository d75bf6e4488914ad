/** REST: the audit log, for admins (web/audit/). */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { ACTOR_KINDS, isActionName } from "../audit/entry.ts";
import type { AuditLog } from "../audit/log.ts";
import type { AppEnv } from "../auth/http.ts";
import { ROLES } from "../auth/roles.ts";
import { ErrorSchema, json, Paging } from "./api_schemas.ts";
import { guarded } from "./guard.ts";

export const AuditEntrySchema = z.object({
  id: z.number().int(),
  at: z.string().openapi({ description: "When it was done (ISO 8601, UTC)" }),
  actor: z.string().openapi({
    description: "The user's name, or the API token's; empty for a sign-in attempt by nobody known",
  }),
  actorKind: z.enum(ACTOR_KINDS),
  role: z.enum(ROLES).optional().openapi({ description: "The actor's role when it acted" }),
  action: z.string().openapi({ example: "command.send" }),
  target: z.string().optional().openapi({
    description: "What it was done to: a charger id, an id tag, a user name, a token id",
  }),
  detail: z.record(z.string(), z.unknown()).optional().openapi({
    description: "More about it, never a secret (command payloads keep only identifiers' values)",
  }),
  address: z.string().optional().openapi({ description: "The peer address the request came from" }),
}).openapi("AuditEntry");

export const AuditQuerySchema = z.object({
  actor: z.string().max(64).optional().openapi({ description: "A user's or API token's name, any case" }),
  action: z.string().max(64)
    .refine((a) => a === "" || isActionName(a), "an action name such as user.delete, or a family: user")
    .optional().openapi({
      description: "An action (`user.delete`), or a family: `user` matches every `user.*`",
    }),
  target: z.string().max(200).optional(),
  ...Paging,
});

export function registerAuditRoutes(api: OpenAPIHono<AppEnv>, audit: AuditLog): void {
  api.openapi(
    guarded(
      "admin",
      createRoute({
        method: "get",
        path: "/audit",
        tags: ["Audit"],
        summary: "The audit log, newest first: who did what to what, when, from where",
        description: "Commands (REST and Socket.IO), id tag, user, token and registration changes, " +
          "passwords changed, sign-ins and sign-outs.",
        request: { query: AuditQuerySchema },
        responses: {
          200: json(
            z.object({ total: z.number().int(), items: z.array(AuditEntrySchema) }),
            "The entries that match, and how many in all",
          ),
          400: json(ErrorSchema, "The request is invalid"),
        },
      }),
    ),
    async (c) => c.json(await audit.list(c.req.valid("query")), 200),
  );
}
