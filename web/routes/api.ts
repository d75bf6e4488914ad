/**
 * REST API under /api/v1, described by the OpenAPI document at
 * /api/v1/openapi.json. Reads come from the read model (storage); writes go to
 * the CSMS as bus admin requests, commands the same Bus path as the Socket.IO
 * bridge's (web/commands.ts). Every route but
 * signing in and this document needs a principal (web/auth/http.ts); each
 * states its role (web/routes/guard.ts).
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { Bus, CommandResult } from "../../shared/events.ts";
import type { ChargerSummary, CsmsReads, TransactionRecord } from "../../shared/queries.ts";
import { requestActor } from "../audit/actor.ts";
import type { AuditLog } from "../audit/log.ts";
import type { AppEnv } from "../auth/http.ts";
import { actorName } from "../auth/roles.ts";
import type { Auth } from "../auth/service.ts";
import type { SocketStats } from "../bridge.ts";
import { runAuditedCommand } from "../commands.ts";
import { COMMAND_EXAMPLES } from "../lib/command_examples.ts";
import { TRANSACTION_CSV_HEADER, transactionCsvRow } from "../lib/csv.ts";
import {
  compareIds,
  FLEET_STATUSES,
  type FleetStatus,
  headlineStatus,
  matches,
  toFleetRow,
} from "../lib/fleet.ts";
import type { FleetState } from "../lib/fleet_state.ts";
import type { FrameLog } from "../lib/frame_log.ts";
import type { FleetHistory } from "../lib/fleet_series.ts";
import type { RefusalStats } from "../lib/refusal_stats.ts";
import {
  adminFailure,
  BoolQuery,
  ChargerIdParam,
  ChargerIdValue,
  ChargerSchema,
  ChargingProfileSchema,
  CloseTransactionSchema,
  CommandActionSchema,
  CommandResultSchema,
  commandsByProtocolTable,
  DeviceVariableSchema,
  errorBody,
  ErrorSchema,
  FrameSchema,
  IdTagBodySchema,
  IdTagCreateSchema,
  IdTagSchema,
  IdTagValue,
  json,
  LocalListSummarySchema,
  MeterSampleSchema,
  numberParam,
  Paging,
  RefusalStatsSchema,
  ReservationSchema,
  SocketStatsSchema,
  TransactionSchema,
  unavailable,
} from "./api_schemas.ts";
import { registerAuditRoutes } from "./api_audit.ts";
import { registerAuthRoutes } from "./api_auth.ts";
import { registerRegistrationRoutes } from "./api_registrations.ts";
import { registerFileRoutes } from "./api_files.ts";
import { registerStatsRoutes } from "./api_stats.ts";
import { registerChargerDataRoutes } from "./api_charger_data.ts";
import { guarded, registerSecuritySchemes } from "./guard.ts";

export interface ApiDeps {
  bus: Bus;
  reads: CsmsReads;
  fleet: FleetState;
  /** The recent frames of every charger, as this portal heard them on the bus. */
  frames: FrameLog;
  auth: Auth;
  /** Where operators' and admins' writes are recorded (web/audit/). */
  audit: AuditLog;
  /** The Socket.IO bridge's figures (clients, slow consumers). */
  socketStats(): SocketStats;
  /** Connections the CSMS refused at the handshake, since the portal started. */
  refusalStats(): RefusalStats;
  /** The fleet's power and chargers charging over the last hour. */
  fleetHistory(): FleetHistory;
}

const notFound = json(ErrorSchema, "Not found");
const badRequest = json(ErrorSchema, "The request is invalid");

const ChargerId = ChargerIdParam;
const TagParam = IdTagValue.openapi({ param: { name: "idTag", in: "path" }, example: "RFID-0001" });

/** What the audit log keeps of an id tag write: the fields set (an id tag is no secret). */
function tagDetail(body: { status: string; expiryDate?: string; parentIdTag?: string }) {
  return {
    status: body.status,
    ...(body.expiryDate ? { expiryDate: body.expiryDate } : {}),
    ...(body.parentIdTag ? { parentIdTag: body.parentIdTag } : {}),
  };
}

function withStatus(summary: ChargerSummary) {
  return { ...summary, status: headlineStatus(summary) };
}

/** How a command's failure reads as HTTP; the body is always the CommandResult. */
export function commandHttpStatus(result: CommandResult): 200 | 400 | 409 | 502 | 503 | 504 {
  if (result.ok) return 200;
  switch (result.error) {
    case "invalid":
      return 400;
    case "offline":
      return 409;
    case "callerror":
      return 502;
    case "timeout":
      return 504;
    case "unavailable":
      return 503;
  }
}

/** The command body's OpenAPI examples: one per protocol and action ("ocpp2.0.1-Reset"). */
function commandExamples(): Record<string, { summary: string; value: Record<string, unknown> }> {
  return Object.fromEntries(
    Object.entries(COMMAND_EXAMPLES).flatMap(([protocol, examples]) =>
      Object.entries(examples).map(([action, value]) => [
        `${protocol}-${action}`,
        { summary: `${action} (${protocol})`, value },
      ])
    ),
  );
}

export function apiRoutes(deps: ApiDeps): OpenAPIHono<AppEnv> {
  const { bus, reads, audit } = deps;
  const api = new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (!result.success) {
        const message = result.error.issues
          .map((i) => `${i.path.length ? i.path.join(".") + ": " : ""}${i.message}`)
          .join("; ");
        return c.json(errorBody("invalid", message), 400);
      }
    },
  }).basePath("/api/v1");

  api.openapi(
    guarded(
      "viewer",
      createRoute({
        method: "get",
        path: "/chargers",
        tags: ["Chargers"],
        summary: "List chargers, filtered and paged",
        request: {
          query: z.object({
            search: z.string().optional().openapi({
              description: "Part of the id, vendor, model or an active idTag",
            }),
            status: z.enum(FLEET_STATUSES as [string, ...string[]]).optional(),
            online: BoolQuery.optional(),
            ...Paging,
          }),
        },
        responses: {
          200: json(
            z.object({ total: z.number().int(), items: z.array(ChargerSchema) }),
            "Chargers in id order",
          ),
          400: badRequest,
        },
      }),
    ),
    async (c) => {
      const q = c.req.valid("query");
      const all = (await reads.listChargers()).sort((a, b) => compareIds(a.id, b.id));
      const filtered = all.filter((s) =>
        (q.online === undefined || s.online === q.online) &&
        matches(toFleetRow(s), q.search?.trim() ?? "", q.status as FleetStatus | undefined)
      );
      return c.json(
        { total: filtered.length, items: filtered.slice(q.offset, q.offset + q.limit).map(withStatus) },
        200,
      );
    },
  );

  api.openapi(
    guarded(
      "viewer",
      createRoute({
        method: "get",
        path: "/chargers/{id}",
        tags: ["Chargers"],
        summary: "One charger",
        request: { params: z.object({ id: ChargerId }) },
        responses: { 200: json(ChargerSchema, "The charger"), 404: notFound },
      }),
    ),
    async (c) => {
      const { id } = c.req.valid("param");
      const summary = await reads.getCharger(id);
      if (!summary) return c.json(errorBody("not_found", `no charger ${id}`), 404);
      return c.json(withStatus(summary), 200);
    },
  );

  api.openapi(
    guarded(
      "viewer",
      createRoute({
        method: "get",
        path: "/chargers/{id}/meter-values",
        tags: ["Chargers"],
        summary: "A charger's meter samples, oldest first",
        request: {
          params: z.object({ id: ChargerId }),
          query: z.object({
            transactionId: numberParam(z.number().int()).optional(),
            since: z.iso.datetime({ offset: true }).optional(),
            limit: numberParam(z.number().int().min(1).max(10_000)).default(1000),
          }),
        },
        responses: { 200: json(z.object({ items: z.array(MeterSampleSchema) }), "Samples"), 400: badRequest },
      }),
    ),
    async (c) => {
      const { id } = c.req.valid("param");
      const q = c.req.valid("query");
      const items = await reads.meterHistory(id, {
        transactionId: q.transactionId,
        since: q.since,
        limit: q.limit,
      });
      return c.json({ items }, 200);
    },
  );

  api.openapi(
    guarded(
      "viewer",
      createRoute({
        method: "get",
        path: "/chargers/{id}/frames",
        tags: ["Chargers"],
        summary: "A charger's newest OCPP frames (the live log, as this portal heard them), oldest first",
        request: {
          params: z.object({ id: ChargerId }),
          query: z.object({ limit: numberParam(z.number().int().min(1).max(5000)).default(200) }),
        },
        responses: { 200: json(z.object({ items: z.array(FrameSchema) }), "Frames"), 400: badRequest },
      }),
    ),
    (c) => {
      const { id } = c.req.valid("param");
      const { limit } = c.req.valid("query");
      return c.json({ items: deps.frames.recent(id, limit) }, 200);
    },
  );

  api.openapi(
    guarded(
      "viewer",
      createRoute({
        method: "get",
        path: "/chargers/{id}/variables",
        tags: ["Chargers"],
        summary: "An OCPP 2.0.1 charger's device model: the variables its reports gave",
        description:
          "One item per attribute of each variable, as the charger's NotifyReports left it and the " +
          "SetVariables it accepted since changed it; ordered by component, instance, EVSE, connector, " +
          "variable. Empty for an OCPP 1.6 charger, or one that has not reported (GetBaseReport asks).",
        request: { params: z.object({ id: ChargerId }) },
        responses: {
          200: json(z.object({ items: z.array(DeviceVariableSchema) }), "The device model"),
          404: notFound,
        },
      }),
    ),
    async (c) => {
      const { id } = c.req.valid("param");
      if (!(await reads.getCharger(id))) return c.json(errorBody("not_found", `no charger ${id}`), 404);
      return c.json({ items: await reads.deviceModel(id) }, 200);
    },
  );

  api.openapi(
    guarded(
      "viewer",
      createRoute({
        method: "get",
        path: "/chargers/{id}/charging-profiles",
        tags: ["Chargers"],
        summary: "The charging profiles a charger accepted and still holds",
        description:
          "Stored when the charger answers a SetChargingProfile Accepted; removed by a ClearChargingProfile " +
          "it accepts, and (TxProfiles) when their transaction ends; sent again after each Accepted boot. " +
          "Ordered by connector, purpose, stackLevel and id.",
        request: { params: z.object({ id: ChargerId }) },
        responses: {
          200: json(z.object({ items: z.array(ChargingProfileSchema) }), "The stored profiles"),
          404: notFound,
        },
      }),
    ),
    async (c) => {
      const { id } = c.req.valid("param");
      if (!(await reads.getCharger(id))) return c.json(errorBody("not_found", `no charger ${id}`), 404);
      return c.json({ items: await reads.chargingProfiles(id) }, 200);
    },
  );

  api.openapi(
    guarded(
      "viewer",
      createRoute({
        method: "get",
        path: "/chargers/{id}/reservations",
        tags: ["Chargers"],
        summary: "A charger's reservations (OCPP 1.6), the newest first, and its local list",
        description:
          "A reservation is stored when the charger answers a ReserveNow Accepted; a StartTransaction naming it " +
          "(or its holder's start on its connector) makes it Used, a CancelReservation the charger accepts " +
          "Cancelled, and past its expiry it reads Expired. `localList`: the local authorization list the " +
          "charger last accepted (SendLocalList), absent when none.",
        request: { params: z.object({ id: ChargerId }) },
        responses: {
          200: json(
            z.object({ items: z.array(ReservationSchema), localList: LocalListSummarySchema.optional() }),
            "The reservations",
          ),
          404: notFound,
        },
      }),
    ),
    async (c) => {
      const { id } = c.req.valid("param");
      if (!(await reads.getCharger(id))) return c.json(errorBody("not_found", `no charger ${id}`), 404);
      const [items, localList] = await Promise.all([reads.listReservations(id), reads.localList(id)]);
      return c.json({ items, ...(localList && { localList }) }, 200);
    },
  );

  api.openapi(
    guarded(
      "operator",
      createRoute({
        method: "post",
        path: "/chargers/{id}/commands/{action}",
        tags: ["Commands"],
        summary: "Send an OCPP command to a charger and wait for its answer",
        description:
          "The action is one of the operator commands of the charger's protocol (its `protocol` in GET " +
          "/chargers/{id}); the enum lists every protocol's, the table says which takes which. The body is " +
          "that protocol's request payload of the action (the examples give one per protocol and action; " +
          "an OCPP 2.0.1 RequestStartTransaction may leave out remoteStartId, which the CSMS then assigns). " +
          "The answer is the charger's response, or why there is none: 400 invalid (also for an action " +
          "or a payload the charger's protocol does not take), 409 offline, 502 the charger answered with " +
          "a CALLERROR, 503 no CSMS, 504 timeout.\n\n" + commandsByProtocolTable(),
        request: {
          params: z.object({
            id: ChargerId,
            action: CommandActionSchema.openapi({ param: { name: "action", in: "path" } }),
          }),
          query: z.object({
            timeoutMs: numberParam(z.number().int().min(1000).max(120_000)).optional().openapi({
              description: "How long to wait for the charger",
            }),
          }),
          body: {
            content: {
              "application/json": {
                schema: z.record(z.string(), z.unknown()).openapi("OcppPayload"),
                examples: commandExamples(),
              },
            },
            required: false,
          },
        },
        responses: {
          200: json(CommandResultSchema, "The charger answered (its answer may still be Rejected)"),
          400: json(CommandResultSchema, "The request is invalid"),
          409: json(CommandResultSchema, "The charger is offline"),
          502: json(CommandResultSchema, "The charger answered with a CALLERROR"),
          503: json(CommandResultSchema, "No CSMS serves commands"),
          504: json(CommandResultSchema, "The charger did not answer in time"),
        },
      }),
    ),
    async (c) => {
      const { id, action } = c.req.valid("param");
      const { timeoutMs } = c.req.valid("query");
      const payload = c.req.valid("json") ?? {};
      const result = await runAuditedCommand(bus, audit, requestActor(c), {
        chargerId: id,
        action,
        payload,
        timeoutMs,
      });
      return c.json(result as never, commandHttpStatus(result));
    },
  );

  const TransactionQuery = z.object({
    chargerId: ChargerIdValue.optional(),
    active: BoolQuery.optional(),
    stale: BoolQuery.optional().openapi({
      description: "Only active transactions that are (true) or are not (false) stale",
    }),
  });
  // Said required outright: a coerced number's input is `unknown`, which the generator takes as optional.
  // Transaction ids start at 1, as the CSMS assigns them; a path number is read from its string only.
  const TransactionId = numberParam(z.number().int().min(1)).openapi({
    param: { name: "id", in: "path" },
    example: 1,
  });

  api.openapi(
    guarded(
      "viewer",
      createRoute({
        method: "get",
        path: "/transactions",
        tags: ["Transactions"],
        summary: "Transactions, newest first",
        request: { query: TransactionQuery.extend(Paging) },
        responses: {
          200: json(z.object({ total: z.number().int(), items: z.array(TransactionSchema) }), "Transactions"),
          400: badRequest,
        },
      }),
    ),
    async (c) => {
      const q = c.req.valid("query");
      return c.json(await reads.listTransactions(q), 200);
    },
  );

  api.openapi(
    guarded(
      "viewer",
      createRoute({
        method: "get",
        path: "/transactions.csv",
        tags: ["Transactions"],
        summary: "Export transactions as CSV (RFC 4180), newest first",
        request: { query: TransactionQuery },
        responses: {
          200: { content: { "text/csv": { schema: z.string() } }, description: "One row per transaction" },
          400: badRequest,
        },
      }),
    ),
    (c) => {
      const q = c.req.valid("query");
      // Page through the store so an export of a long history never holds it all at once.
      const encoder = new TextEncoder();
      const pageSize = 1000;
      let offset = 0;
      let header = true;
      const stream = new ReadableStream<Uint8Array>({
        async pull(controller) {
          const lines: string[] = header ? [TRANSACTION_CSV_HEADER.join(",")] : [];
          header = false;
          const page: { items: TransactionRecord[] } = await reads.listTransactions({
            ...q,
            limit: pageSize,
            offset,
          });
          offset += page.items.length;
          for (const t of page.items) lines.push(transactionCsvRow(t));
          if (lines.length > 0) controller.enqueue(encoder.encode(lines.join("\r\n") + "\r\n"));
          if (page.items.length < pageSize) controller.close();
        },
      });
      const name = `transactions${q.chargerId ? `-${q.chargerId.replace(/[^\w.-]/g, "_")}` : ""}.csv`;
      return c.body(stream, 200, {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="${name}"`,
      });
    },
  );

  api.openapi(
    guarded(
      "viewer",
      createRoute({
        method: "get",
        path: "/transactions/{id}",
        tags: ["Transactions"],
        summary: "One transaction",
        request: { params: z.object({ id: TransactionId }) },
        responses: { 200: json(TransactionSchema, "The transaction"), 404: notFound, 400: badRequest },
      }),
    ),
    async (c) => {
      const { id } = c.req.valid("param");
      const t = await reads.getTransaction(id);
      if (!t) return c.json(errorBody("not_found", `no transaction ${id}`), 404);
      return c.json(t, 200);
    },
  );

  api.openapi(
    guarded(
      "operator",
      createRoute({
        method: "post",
        path: "/transactions/{id}/close",
        tags: ["Transactions"],
        summary: "Close an active transaction by hand",
        description:
          "For a transaction its charger will never stop (it died, or lost the StopTransaction): " +
          "stopped now with stopReason ClosedByOperator, its last meter reading as meterStop, and who and " +
          "why recorded. Nothing is sent to the charger; a StopTransaction it sends later is answered and " +
          "kept as reportedStop, and the close stands.",
        request: {
          params: z.object({ id: TransactionId }),
          body: { content: { "application/json": { schema: CloseTransactionSchema } }, required: true },
        },
        responses: {
          200: json(TransactionSchema, "Closed: the transaction as recorded"),
          400: badRequest,
          404: notFound,
          409: json(ErrorSchema, "The transaction was stopped already"),
          503: unavailable,
        },
      }),
    ),
    async (c) => {
      const { id } = c.req.valid("param");
      const { reason } = c.req.valid("json");
      const answer = await bus.admin({
        kind: "transaction.close",
        transactionId: id,
        by: actorName(c.get("principal")!),
        reason,
      });
      if (!answer.ok) {
        const { body, status } = adminFailure(answer);
        return c.json(body, status);
      }
      const result = answer.value;
      if (result.ok) {
        await audit.record({
          ...requestActor(c),
          action: "transaction.close",
          target: String(id),
          detail: { chargerId: result.transaction.chargerId, reason },
        });
        return c.json(result.transaction, 200);
      }
      return result.error === "not_found"
        ? c.json(errorBody("not_found", result.message), 404)
        : c.json(errorBody("conflict", result.message), 409);
    },
  );

  api.openapi(
    guarded(
      "viewer",
      createRoute({
        method: "get",
        path: "/id-tags",
        tags: ["Id tags"],
        summary: "Every registered id tag",
        responses: { 200: json(z.object({ items: z.array(IdTagSchema) }), "Id tags") },
      }),
    ),
    async (c) => c.json({ items: await reads.listIdTags() }, 200),
  );

  api.openapi(
    guarded(
      "operator",
      createRoute({
        method: "post",
        path: "/id-tags",
        tags: ["Id tags"],
        summary: "Register a new id tag",
        request: { body: { content: { "application/json": { schema: IdTagCreateSchema } }, required: true } },
        responses: {
          201: json(IdTagSchema, "Created"),
          400: badRequest,
          409: json(ErrorSchema, "The tag exists already"),
          503: unavailable,
        },
      }),
    ),
    async (c) => {
      const body = c.req.valid("json");
      if (await reads.getIdTag(body.idTag)) {
        return c.json(
          errorBody("conflict", `id tag ${body.idTag} exists; PUT /api/v1/id-tags/{idTag} changes it`),
          409,
        );
      }
      const answer = await bus.admin({ kind: "idtag.put", tag: body });
      if (!answer.ok) {
        const { body: error, status } = adminFailure(answer);
        return c.json(error, status);
      }
      const saved = answer.value;
      await audit.record({
        ...requestActor(c),
        action: "idtag.create",
        target: saved.idTag,
        detail: tagDetail(body),
      });
      return c.json(saved, 201);
    },
  );

  api.openapi(
    guarded(
      "viewer",
      createRoute({
        method: "get",
        path: "/id-tags/{idTag}",
        tags: ["Id tags"],
        summary: "One id tag",
        request: { params: z.object({ idTag: TagParam }) },
        responses: { 200: json(IdTagSchema, "The tag"), 404: notFound, 400: badRequest },
      }),
    ),
    async (c) => {
      const { idTag } = c.req.valid("param");
      const tag = await reads.getIdTag(idTag);
      if (!tag) return c.json(errorBody("not_found", `no id tag ${idTag}`), 404);
      return c.json(tag, 200);
    },
  );

  api.openapi(
    guarded(
      "operator",
      createRoute({
        method: "put",
        path: "/id-tags/{idTag}",
        tags: ["Id tags"],
        summary: "Create or replace an id tag",
        request: {
          params: z.object({ idTag: TagParam }),
          body: { content: { "application/json": { schema: IdTagBodySchema } }, required: true },
        },
        responses: {
          200: json(IdTagSchema, "Replaced"),
          201: json(IdTagSchema, "Created"),
          400: badRequest,
          503: unavailable,
        },
      }),
    ),
    async (c) => {
      const { idTag } = c.req.valid("param");
      const body = c.req.valid("json");
      const existed = (await reads.getIdTag(idTag)) !== undefined;
      const answer = await bus.admin({ kind: "idtag.put", tag: { idTag, ...body } });
      if (!answer.ok) {
        const { body: error, status } = adminFailure(answer);
        return c.json(error, status);
      }
      const saved = answer.value;
      await audit.record({
        ...requestActor(c),
        action: existed ? "idtag.update" : "idtag.create",
        target: idTag,
        detail: tagDetail(body),
      });
      return existed ? c.json(saved, 200) : c.json(saved, 201);
    },
  );

  api.openapi(
    guarded(
      "operator",
      createRoute({
        method: "delete",
        path: "/id-tags/{idTag}",
        tags: ["Id tags"],
        summary: "Delete an id tag",
        request: { params: z.object({ idTag: TagParam }) },
        responses: { 204: { description: "Deleted" }, 404: notFound, 400: badRequest, 503: unavailable },
      }),
    ),
    async (c) => {
      const { idTag } = c.req.valid("param");
      const answer = await bus.admin({ kind: "idtag.delete", idTag });
      if (!answer.ok) {
        const { body, status } = adminFailure(answer);
        return c.json(body, status);
      }
      if (!answer.value) {
        return c.json(errorBody("not_found", `no id tag ${idTag}`), 404);
      }
      await audit.record({ ...requestActor(c), action: "idtag.delete", target: idTag });
      return c.body(null, 204);
    },
  );

  api.openapi(
    guarded(
      "viewer",
      createRoute({
        method: "get",
        path: "/stats",
        tags: ["Chargers"],
        summary:
          "Counts of chargers by headline status, as the fleet page shows them; Socket.IO figures; refusals",
        description: "`socketio` says how many clients are connected and how the bridge deals with slow " +
          "ones: what a client may have queued (`limits`), the most any had (`maxBuffered`), the pushes " +
          "dropped for clients that were behind (`dropped`), and the clients behind now (`behind`). " +
          "`refusals` counts the connections the CSMS refused at the handshake, in all and by reason, " +
          "since the portal started (`since`); GET /refusals lists the chargers behind them.",
        responses: {
          200: json(
            z.object({
              total: z.number().int(),
              online: z.number().int(),
              ...Object.fromEntries(FLEET_STATUSES.map((s) => [s, z.number().int().optional()])) as Record<
                FleetStatus,
                z.ZodOptional<z.ZodNumber>
              >,
              socketio: SocketStatsSchema,
              refusals: RefusalStatsSchema,
            }),
            "Counts, the Socket.IO clients' figures, and refused connections",
          ),
        },
      }),
    ),
    (c) =>
      c.json({ ...deps.fleet.counts(), socketio: deps.socketStats(), refusals: deps.refusalStats() }, 200),
  );

  registerAuthRoutes(api, { auth: deps.auth, audit });
  registerRegistrationRoutes(api, bus, reads, audit);
  registerFileRoutes(api, bus, reads, audit);
  registerAuditRoutes(api, audit);
  registerStatsRoutes(api, reads, deps.fleetHistory);
  registerChargerDataRoutes(api, reads);
  registerSecuritySchemes(api);

  api.doc("/openapi.json", {
    openapi: "3.0.3",
    info: {
      title: "Chargewire API",
      version: "1.0.0",
      description: "Chargers, transactions, id tags and OCPP commands of a Chargewire CSMS, its users, " +
        "API tokens, charger registrations and audit log. Live updates are on Socket.IO at the same address " +
        "(see docs/api.md). Sign in with POST /api/v1/session (a cookie, plus a CSRF token for writes) " +
        "or send an API token: Authorization: Bearer <token>.",
    },
    security: [{ bearerAuth: [] }, { cookieAuth: [] }],
  });

  return api;
}
