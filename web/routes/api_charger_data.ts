/**
 * REST: what the CSMS keeps of chargers beyond sessions: a 1.6 charger's last known configuration, and the
 * persisted event log (boots, statuses, commands, security events, ...) by charger and type, page by page.
 */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { CsmsReads } from "../../shared/queries.ts";
import type { AppEnv } from "../auth/http.ts";
import { ChargerIdParam, ChargerIdValue, errorBody, ErrorSchema, json, numberParam } from "./api_schemas.ts";
import { guarded } from "./guard.ts";

const ConfigurationKeySchema = z.object({
  key: z.string().openapi({ example: "HeartbeatInterval" }),
  value: z.string().optional().openapi({ description: "Absent for a key listed without one (write-only)" }),
  readonly: z.boolean(),
  updatedAt: z.string().openapi({ description: "When the CSMS last heard of this value" }),
}).openapi("ConfigurationKey");

const EventLogEntrySchema = z.object({
  id: z.number().int().openapi({ description: "Increasing: a page's oldest id is the next page's beforeId" }),
  at: z.string(),
  chargerId: z.string(),
  type: z.string().openapi({ example: "security.event" }),
  data: z.unknown(),
}).openapi("EventLogEntry");

export function registerChargerDataRoutes(api: OpenAPIHono<AppEnv>, reads: CsmsReads): void {
  api.openapi(
    guarded(
      "viewer",
      createRoute({
        method: "get",
        path: "/chargers/{id}/configuration",
        tags: ["Chargers"],
        summary: "An OCPP 1.6 charger's last known configuration keys",
        description: "As its last GetConfiguration answer (one naming no key replaces the list) and the " +
          "ChangeConfiguration it accepted since left them, by key. An AuthorizationKey's value is never kept.",
        request: { params: z.object({ id: ChargerIdParam }) },
        responses: {
          200: json(z.object({ items: z.array(ConfigurationKeySchema) }), "The keys"),
          404: json(ErrorSchema, "Not found"),
        },
      }),
    ),
    async (c) => {
      const { id } = c.req.valid("param");
      if (!(await reads.getCharger(id))) return c.json(errorBody("not_found", `no charger ${id}`), 404);
      return c.json({ items: await reads.configuration(id) }, 200);
    },
  );

  api.openapi(
    guarded(
      "viewer",
      createRoute({
        method: "get",
        path: "/events",
        tags: ["Chargers"],
        summary: "The persisted event log, newest page first",
        description: "The newest `limit` entries (oldest first within the page) of one charger or all, of " +
          "types starting with `type` (`security.` for SecurityEventNotifications), older than `beforeId`.",
        request: {
          query: z.object({
            chargerId: ChargerIdValue.optional(),
            type: z.string().max(64).optional().openapi({ example: "security." }),
            beforeId: numberParam(z.number().int().min(1)).optional(),
            limit: numberParam(z.number().int().min(1).max(1000)).default(100),
          }),
        },
        responses: { 200: json(z.object({ items: z.array(EventLogEntrySchema) }), "One page") },
      }),
    ),
    async (c) => {
      const q = c.req.valid("query");
      const items = await reads.eventLog({
        limit: q.limit,
        ...(q.chargerId !== undefined && { chargerId: q.chargerId }),
        ...(q.type && { typePrefix: q.type }),
        ...(q.beforeId !== undefined && { beforeId: q.beforeId }),
      });
      return c.json({ items }, 200);
    },
  );
}
