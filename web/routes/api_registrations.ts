/**
 * REST: chargers registered with the CSMS, their OCPP security profile and AuthorizationKey (HTTP Basic
 * password), for admins. The CSMS stores keys hashed; a generated key is in the answer that made it and
 * nowhere else. Also for admins: the chargers the CSMS refused lately, so that one knocking can be
 * registered.
 */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { BOOT_STATUSES, type BootStatus, type CsmsReads, MAX_RECENT_REFUSALS } from "../../shared/queries.ts";
import type { Bus } from "../../shared/events.ts";
import { requestActor } from "../audit/actor.ts";
import type { AuditLog } from "../audit/log.ts";
import type { AppEnv } from "../auth/http.ts";
import {
  adminFailure,
  ChargerIdParam,
  errorBody,
  ErrorSchema,
  json,
  RefusalReasonSchema,
  unavailable,
} from "./api_schemas.ts";
import { guarded } from "./guard.ts";

const ChargerId = ChargerIdParam;

const SecurityProfileSchema = z.union([z.literal(0), z.literal(1), z.literal(2)]).openapi({
  description: "0: no password (only under CHARGER_POLICY=open), 1: HTTP Basic auth, 2: Basic auth over TLS",
});

/** OCPP's passwordString: 16 to 40 characters (the CSMS checks the same, csms/charger_keys.ts). */
const AuthorizationKey = z.string().min(16).max(40).regex(
  /^[A-Za-z0-9*\-_=:+|@.]+$/,
  "letters, digits and * - _ = : + | @ . only (OCPP passwordString)",
).openapi({ description: "16 to 40 characters of OCPP's passwordString; omit it to have one generated" });

const BootStatusSchema = z.enum(BOOT_STATUSES as [BootStatus, ...BootStatus[]]).openapi({
  description: "What the charger's BootNotification is answered. Accepted: it works; Pending: it waits for " +
    "an operator (who may still query and configure it) and boots again after BOOT_RETRY_INTERVAL; " +
    "Rejected: it boots again after BOOT_RETRY_INTERVAL and may send nothing else meanwhile",
});

export const RegistrationSchema = z.object({
  id: z.string(),
  securityProfile: SecurityProfileSchema,
  hasKey: z.boolean().openapi({ description: "Whether an AuthorizationKey is set (it is never shown)" }),
  bootStatus: BootStatusSchema,
  createdAt: z.string(),
}).openapi("ChargerRegistration");

export const RefusalSchema = z.object({
  chargerId: z.string(),
  reason: RefusalReasonSchema,
  status: z.number().int().openapi({
    description: "The HTTP status it was answered; 1002 (a WebSocket close code) for unsupported-subprotocol",
  }),
  remoteAddress: z.string(),
  detail: z.string().optional().openapi({ description: "For unsupported-subprotocol: what it offered" }),
  attempts: z.number().int().openapi({ description: "Refusals of this id since firstAt" }),
  firstAt: z.string(),
  lastAt: z.string(),
  registered: z.boolean().openapi({ description: "Whether the id is registered now" }),
}).openapi("ChargerRefusal");

export function registerRegistrationRoutes(
  api: OpenAPIHono<AppEnv>,
  bus: Bus,
  reads: CsmsReads,
  audit: AuditLog,
): void {
  api.openapi(
    guarded(
      "admin",
      createRoute({
        method: "get",
        path: "/refusals",
        tags: ["Charger registration"],
        summary: "Chargers refused at the handshake lately, one per id, the latest first",
        description: "Each id's latest refusal (reason, status, address), its count and first and last " +
          "time, and whether it is registered now: an unregistered one knocking can be registered with " +
          "PUT /registrations/{id}. The CSMS keeps the most recently refused ids; nothing secret from the " +
          "refused request.",
        request: {
          query: z.object({
            limit: z.coerce.number().int().min(1).max(MAX_RECENT_REFUSALS).optional().openapi({
              description: `1 to ${MAX_RECENT_REFUSALS}, default 100`,
            }),
          }),
        },
        responses: {
          200: json(z.object({ items: z.array(RefusalSchema) }), "Recent refusals"),
          400: json(ErrorSchema, "The request is invalid"),
        },
      }),
    ),
    async (c) => c.json({ items: await reads.listRefusals({ limit: c.req.valid("query").limit }) }, 200),
  );

  api.openapi(
    guarded(
      "admin",
      createRoute({
        method: "get",
        path: "/registrations",
        tags: ["Charger registration"],
        summary: "Every registered charger",
        responses: { 200: json(z.object({ items: z.array(RegistrationSchema) }), "Registrations") },
      }),
    ),
    async (c) => c.json({ items: await reads.listRegistrations() }, 200),
  );

  api.openapi(
    guarded(
      "admin",
      createRoute({
        method: "get",
        path: "/registrations/{id}",
        tags: ["Charger registration"],
        summary: "One charger's registration",
        request: { params: z.object({ id: ChargerId }) },
        responses: {
          200: json(RegistrationSchema, "The registration"),
          400: json(ErrorSchema, "The request is invalid"),
          404: json(ErrorSchema, "Not registered"),
          503: unavailable,
        },
      }),
    ),
    async (c) => {
      const { id } = c.req.valid("param");
      const registration = await reads.getRegistration(id);
      if (!registration) return c.json(errorBody("not_found", `charger ${id} is not registered`), 404);
      return c.json(registration, 200);
    },
  );

  api.openapi(
    guarded(
      "admin",
      createRoute({
        method: "put",
        path: "/registrations/{id}",
        tags: ["Charger registration"],
        summary: "Register a charger, or change its security profile, key or boot status",
        description:
          "With profile 1 or 2 and no `authorizationKey`, a random key is generated and returned " +
          "in `authorizationKey`, this once: configure it in the charger (its AuthorizationKey). Calling again " +
          "without a key generates a new one. To rotate the key of a charger in service, send it " +
          "ChangeConfiguration AuthorizationKey instead: its registration takes the key once the charger has. " +
          "A body with only `bootStatus` changes only that of a registered charger (its profile and key stay); " +
          "setting Accepted for a connected charger whose boot is Pending has the CSMS send it TriggerMessage " +
          "BootNotification, so that it is Accepted at once. A new status applies at the charger's next boot.",
        request: {
          params: z.object({ id: ChargerId }),
          body: {
            content: {
              "application/json": {
                schema: z.object({
                  securityProfile: SecurityProfileSchema.optional(),
                  authorizationKey: AuthorizationKey.optional(),
                  bootStatus: BootStatusSchema.optional(),
                }).strict().openapi("RegisterCharger"),
              },
            },
            required: true,
          },
        },
        responses: {
          200: json(
            z.object({ registration: RegistrationSchema, authorizationKey: z.string().optional() }),
            "Updated",
          ),
          201: json(
            z.object({ registration: RegistrationSchema, authorizationKey: z.string().optional() }),
            "Registered",
          ),
          400: json(ErrorSchema, "The request is invalid"),
          503: unavailable,
        },
      }),
    ),
    async (c) => {
      const { id } = c.req.valid("param");
      const options = c.req.valid("json");
      if (options.securityProfile === 0 && options.authorizationKey !== undefined) {
        return c.json(errorBody("invalid", "security profile 0 has no AuthorizationKey"), 400);
      }
      // The CSMS names a value it cannot take: the answer is `invalid`, with its message.
      const answer = await bus.admin({ kind: "registration.put", chargerId: id, options });
      if (!answer.ok) {
        const { body, status } = adminFailure(answer);
        return c.json(body, status);
      }
      const { registration, created, authorizationKey } = answer.value;
      // Whether a key was set, and by whom; never the key.
      const key = options.authorizationKey !== undefined
        ? "given"
        : authorizationKey !== undefined
        ? "generated"
        : undefined;
      await audit.record({
        ...requestActor(c),
        action: created ? "registration.create" : "registration.update",
        target: id,
        detail: {
          securityProfile: registration.securityProfile,
          ...(key ? { key } : {}),
          ...(options.bootStatus !== undefined ? { bootStatus: options.bootStatus } : {}),
        },
      });
      const result = authorizationKey !== undefined ? { registration, authorizationKey } : { registration };
      return c.json(result, created ? 201 : 200);
    },
  );

  api.openapi(
    guarded(
      "admin",
      createRoute({
        method: "delete",
        path: "/registrations/{id}",
        tags: ["Charger registration"],
        summary: "Unregister a charger",
        description: "Under CHARGER_POLICY=registered or basic it can no longer connect.",
        request: { params: z.object({ id: ChargerId }) },
        responses: {
          204: { description: "Unregistered" },
          400: json(ErrorSchema, "The request is invalid"),
          404: json(ErrorSchema, "Not registered"),
          503: unavailable,
        },
      }),
    ),
    async (c) => {
      const { id } = c.req.valid("param");
      const answer = await bus.admin({ kind: "registration.delete", chargerId: id });
      if (!answer.ok) {
        const { body, status } = adminFailure(answer);
        return c.json(body, status);
      }
      if (!answer.value) {
        return c.json(errorBody("not_found", `charger ${id} is not registered`), 404);
      }
      await audit.record({ ...requestActor(c), action: "registration.delete", target: id });
      return c.body(null, 204);
    },
  );
}
