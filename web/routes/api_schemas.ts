/** The REST API's schemas (zod, with OpenAPI metadata); they mirror shared/queries.ts and shared/events.ts. */
import { z } from "@hono/zod-openapi";
import {
  CHARGER_ID_PATTERN,
  CHARGER_ID_RULE,
  ID_TOKEN_PATTERN,
  ID_TOKEN_RULE,
} from "../../shared/identifiers.ts";
import { REFUSAL_REASONS, type RefusalReason } from "../../shared/events.ts";
import { CHARGING_STATES, CONNECTOR_STATUSES } from "../../shared/domain.ts";
import type { Protocol } from "../../shared/domain.ts";
import { allOperatorActions, OPERATOR_ACTIONS } from "../../shared/ocpp/catalog.ts";
import { CSMS_STOP_REASONS, MAX_CLOSE_REASON_LENGTH } from "../../shared/queries.ts";
import { FLEET_STATUSES } from "../lib/fleet.ts";

export const ErrorSchema = z.object({
  ok: z.literal(false),
  error: z.string().openapi({ example: "not_found" }),
  message: z.string(),
}).openapi("Error");

/** The body of every REST error answer, as ErrorSchema describes it. */
export function errorBody(error: string, message: string) {
  return { ok: false as const, error, message };
}

/** An OpenAPI JSON response: its schema and what it means. */
export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { "application/json": { schema } },
  description,
});

export const ConnectorStateSchema = z.object({
  evseId: z.number().int().openapi({
    description: "The EVSE (0: the charger as a whole); an OCPP 1.6 connector n is EVSE n",
  }),
  connectorId: z.number().int().openapi({
    description: "The connector of that EVSE (OCPP 1.6: 1; EVSE 0: 0)",
  }),
  status: z.enum(CONNECTOR_STATUSES),
  chargingState: z.enum(CHARGING_STATES).optional().openapi({
    description: "What an Occupied connector is doing with the car, when the charger says",
  }),
  errorCode: z.string().optional().openapi({ description: "A fault the charger reported; absent when none" }),
  info: z.string().optional(),
  original: z.string().openapi({
    description: "The charger's own word for the status (OCPP 1.6: Preparing, Charging, Finishing, ...)",
  }),
  updatedAt: z.string(),
}).openapi("ConnectorState");

export const MeterReadingSchema = z.object({
  measurand: z.string().openapi({ example: "Power.Offered" }),
  value: z.number(),
  unit: z.string().optional().openapi({ description: "Base unit: Wh, W, var, varh, A, V, Hz, Percent, ..." }),
  phase: z.string().optional(),
  location: z.string().optional(),
  context: z.string().optional(),
}).openapi("MeterReading");

export const MeterSampleSchema = z.object({
  timestamp: z.string(),
  energyWh: z.number().optional(),
  powerW: z.number().optional(),
  currentA: z.number().optional(),
  voltageV: z.number().optional(),
  socPercent: z.number().optional(),
  evseId: z.number().int(),
  transactionId: z.number().int().optional(),
  readings: z.array(MeterReadingSchema).optional().openapi({
    description: "Every numeric sampled value as the charger sent it, whatever its measurand",
  }),
}).openapi("MeterSample");

export const TransactionSchema = z.object({
  id: z.number().int().openapi({ description: "The CSMS's id for it" }),
  chargerTransactionId: z.string().openapi({
    description: "The charger's own id for it (OCPP 2.0.1's transactionId; OCPP 1.6: `id` as text)",
  }),
  chargerId: z.string(),
  evseId: z.number().int(),
  connectorId: z.number().int(),
  idTag: z.string(),
  meterStartWh: z.number(),
  meterStopWh: z.number().optional(),
  lastMeterWh: z.number().optional(),
  startedAt: z.string(),
  stoppedAt: z.string().optional(),
  stopReason: z.string().optional().openapi({
    description: `The charger's reason, or the CSMS's own: ${Object.values(CSMS_STOP_REASONS).join(", ")}`,
  }),
  energyWh: z.number().openapi({
    description: "meterStop - meterStart once stopped; last reading - meterStart while active",
  }),
  closedAt: z.string().optional().openapi({ description: "When the CSMS, not the charger, ended it" }),
  closedBy: z.string().optional().openapi({
    description: "Who closed it by hand: a user's name, or token: and an API token's name",
  }),
  closeReason: z.string().optional().openapi({ description: "The operator's reason for closing it" }),
  supersededBy: z.number().int().optional().openapi({
    description: "The transaction whose start on the same EVSE ended this one",
  }),
  reportedStop: z.object({ meterStopWh: z.number(), stoppedAt: z.string(), reason: z.string() }).optional()
    .openapi({
      description: "The charger's own stop, when it came after the CSMS had closed the transaction " +
        "(kept for the record; the close and its energy stand)",
    }),
  stale: z.object({ cause: z.enum(["ChargerOffline", "ConnectorAvailable"]), since: z.string() }).optional()
    .openapi({
      description: "Active only: its charger has been offline, or its connector Available, since `since`, " +
        "for longer than STALE_TX_MINUTES",
    }),
}).openapi("Transaction");

export const CloseTransactionSchema = z.object({
  reason: z.string().trim().min(1).max(MAX_CLOSE_REASON_LENGTH).openapi({
    description: `Why, for the record: 1 to ${MAX_CLOSE_REASON_LENGTH} characters`,
    example: "charger dead since Tuesday; session ended on site",
  }),
}).strict().openapi("CloseTransaction");

export const ChargerSchema = z.object({
  id: z.string(),
  online: z.boolean(),
  status: z.enum(FLEET_STATUSES as [string, ...string[]]).openapi({
    description: "Headline status: Offline when not connected, else the most pressing of its connectors' " +
      "(Charging, SuspendedEV, SuspendedEVSE from an Occupied connector's charging state), Unknown when none " +
      "has reported",
  }),
  node: z.string().optional().openapi({
    description: "The CSMS node that holds its connection, while online",
  }),
  protocol: z.enum(Object.keys(OPERATOR_ACTIONS) as [Protocol, ...Protocol[]]).optional(),
  vendor: z.string().optional(),
  model: z.string().optional(),
  firmwareVersion: z.string().optional(),
  serialNumber: z.string().optional(),
  lastBootAt: z.string().optional(),
  lastSeenAt: z.string().optional(),
  connectors: z.array(ConnectorStateSchema),
  activeTransactions: z.array(TransactionSchema),
  lastSample: MeterSampleSchema.optional(),
}).openapi("Charger");

export const FrameSchema = z.object({
  chargerId: z.string(),
  at: z.string(),
  direction: z.enum(["in", "out"]),
  messageType: z.number().int().openapi({ description: "2 CALL, 3 CALLRESULT, 4 CALLERROR, 0 unreadable" }),
  messageId: z.string(),
  action: z.string().optional(),
  text: z.string(),
}).openapi("Frame");

export const ID_TAG_STATUSES = ["Accepted", "Blocked", "Expired", "Invalid"] as const;
/**
 * A string held to one of shared/identifiers.ts's rules. The document gets the pattern without its flags:
 * the generator would write them into it ("...$/u"), which then matches nothing, and JSON Schema reads a
 * pattern with Unicode semantics anyway.
 */
function ruled(pattern: RegExp, rule: string) {
  return z.string().regex(pattern, rule).openapi({ pattern: pattern.source, description: rule });
}

export const ChargerIdValue = ruled(CHARGER_ID_PATTERN, CHARGER_ID_RULE);
export const ChargerIdParam = ChargerIdValue.openapi({
  param: { name: "id", in: "path" },
  example: "CP-001",
});

export const IdTagValue = ruled(ID_TOKEN_PATTERN, ID_TOKEN_RULE).openapi({
  description: `${ID_TOKEN_RULE} (OCPP 1.6 CiString20)`,
});

export const IdTagSchema = z.object({
  idTag: z.string(),
  status: z.enum(ID_TAG_STATUSES),
  expiryDate: z.string().optional(),
  parentIdTag: z.string().optional(),
  createdAt: z.string(),
}).openapi("IdTag");

export const IdTagBodySchema = z.object({
  status: z.enum(ID_TAG_STATUSES),
  expiryDate: z.iso.datetime({ offset: true }).optional().openapi({ example: "2030-01-01T00:00:00Z" }),
  parentIdTag: IdTagValue.optional(),
}).strict().openapi("IdTagBody");

export const IdTagCreateSchema = IdTagBodySchema.extend({ idTag: IdTagValue }).strict().openapi(
  "IdTagCreate",
);

export const CommandResultSchema = z.union([
  z.object({ ok: z.literal(true), response: z.record(z.string(), z.unknown()) }),
  z.object({
    ok: z.literal(false),
    error: z.enum(["offline", "timeout", "callerror", "invalid", "unavailable"]),
    message: z.string(),
    code: z.string().optional(),
  }),
]).openapi("CommandResult");

/** Which protocol takes which operator command, as the OpenAPI description's table says it. */
export function commandsByProtocolTable(): string {
  const protocols = Object.keys(OPERATOR_ACTIONS) as Protocol[];
  const head = `| action | ${protocols.join(" | ")} |\n| --- | ${protocols.map(() => "---").join(" | ")} |`;
  const rows = allOperatorActions().map((a) =>
    `| ${a} | ${protocols.map((p) => OPERATOR_ACTIONS[p].includes(a) ? "yes" : "—").join(" | ")} |`
  );
  return [head, ...rows].join("\n");
}

/** The operator commands the portal offers, those of every protocol it knows (shared/ocpp/catalog.ts). */
export const CommandActionSchema = z.enum(allOperatorActions() as [string, ...string[]]).openapi({
  description: "An operator command of the charger's protocol (the table in the route's description)",
});

export const DeviceVariableSchema = z.object({
  component: z.string(),
  componentInstance: z.string().optional(),
  evseId: z.number().int().optional().openapi({ description: "The component's EVSE, when it has one" }),
  connectorId: z.number().int().optional(),
  variable: z.string(),
  variableInstance: z.string().optional(),
  attributeType: z.string().openapi({ description: "Actual, Target, MinSet or MaxSet", example: "Actual" }),
  value: z.string().optional().openapi({
    description: "Absent for a WriteOnly variable or one reported without a value",
  }),
  mutability: z.string().optional().openapi({ description: "ReadOnly, WriteOnly or ReadWrite" }),
  dataType: z.string().optional(),
  unit: z.string().optional(),
  valuesList: z.string().optional(),
  updatedAt: z.string().openapi({ description: "When the CSMS last heard of this value" }),
}).openapi("DeviceVariable");

export const ChargingProfileSchema = z.object({
  connectorId: z.number().int().openapi({ description: "0: the whole charger" }),
  profileId: z.number().int().openapi({ description: "The profile's chargingProfileId" }),
  purpose: z.string().openapi({
    description: "ChargePointMaxProfile, TxDefaultProfile or TxProfile",
    example: "TxProfile",
  }),
  stackLevel: z.number().int(),
  transactionId: z.number().int().optional().openapi({
    description: "A TxProfile's transaction, if it named one",
  }),
  profile: z.record(z.string(), z.unknown()).openapi({
    description: "The profile as the charger accepted it (OCPP 1.6 csChargingProfiles)",
  }),
  storedAt: z.string().openapi({ description: "When the charger accepted it" }),
}).openapi("ChargingProfile");

export const ReservationSchema = z.object({
  chargerId: z.string(),
  reservationId: z.number().int(),
  connectorId: z.number().int().openapi({ description: "0: any connector of the charger" }),
  idTag: z.string(),
  parentIdTag: z.string().optional().openapi({ description: "Tags of this parent may use it too" }),
  expiresAt: z.string().openapi({ description: "The ReserveNow's expiryDate" }),
  createdAt: z.string().openapi({ description: "When the charger accepted it" }),
  state: z.enum(["Active", "Used", "Cancelled", "Expired"]).openapi({
    description: "Expired: still Active past expiresAt",
  }),
  endedAt: z.string().optional().openapi({ description: "When it was used or cancelled" }),
  transactionId: z.number().int().optional().openapi({ description: "The transaction that used it" }),
}).openapi("Reservation");

export const LocalListSummarySchema = z.object({
  version: z.number().int().openapi({ description: "The listVersion the charger accepted last" }),
  updateType: z.enum(["Full", "Differential"]),
  size: z.number().int().openapi({ description: "Entries the charger holds since" }),
  sentAt: z.string(),
}).openapi("LocalListSummary");

/**
 * A number written in a path or query string, checked by `schema`. Not z.coerce.number(): that also takes
 * null (as 0), which the OpenAPI generator reads as nullable, and for a path parameter as not required, an
 * invalid document; it also takes "" as 0, where this answers 400.
 */
export const numberParam = <T extends z.ZodNumber>(schema: T) =>
  z.preprocess((v) => (typeof v === "string" && v.trim() !== "" ? Number(v) : v), schema);

export const Paging = {
  limit: numberParam(z.number().int().min(1).max(1000)).default(100),
  offset: numberParam(z.number().int().min(0)).default(0),
};

export const BoolQuery = z.enum(["true", "false"]).transform((v) => v === "true");

const Buffered = z.object({ packets: z.number().int(), bytes: z.number().int() });

/** Why the CSMS refused a connection at the handshake (shared/events.ts). */
export const RefusalReasonSchema = z.enum(REFUSAL_REASONS).openapi("RefusalReason", {
  description: "Why the CSMS refused a connection at the handshake (see docs/security.md)",
});

export const RefusalStatsSchema = z.object({
  total: z.number().int().openapi({ description: "Connections refused since `since`" }),
  byReason: z.object(
    Object.fromEntries(REFUSAL_REASONS.map((r) => [r, z.number().int().optional()])) as Record<
      RefusalReason,
      z.ZodOptional<z.ZodNumber>
    >,
  ).openapi({ description: "The same, by reason (reasons not seen are left out)" }),
  since: z.string().openapi({ description: "When the portal started counting (its start)" }),
}).openapi("RefusalStats");

export const SocketStatsSchema = z.object({
  clients: z.number().int().openapi({ description: "Socket.IO clients connected now" }),
  limits: Buffered.openapi({ description: "What a client may have queued before pushes to it are dropped" }),
  maxBuffered: Buffered.openapi({ description: "The most any client had queued after a push, since start" }),
  dropped: z.object({
    total: z.number().int(),
    chargerEvents: z.number().int(),
    fleetUpdates: z.number().int(),
    transactions: z.number().int(),
    snapshots: z.number().int(),
  }).openapi({
    description: "Pushes dropped (and replaced by fresh state later) for clients that were behind",
  }),
  episodes: z.object({ started: z.number().int(), recovered: z.number().int() }).openapi({
    description: "Times a client fell behind, and times one caught up",
  }),
  behind: z.array(z.object({
    id: z.string(),
    user: z.string(),
    packets: z.number().int(),
    bytes: z.number().int(),
    dropped: z.number().int(),
  })).openapi({ description: "Clients with messages queued or pushes missed now (at most 100)" }),
}).openapi("SocketStats");

/** No CSMS serves the bus's admin requests (a portal on its own): the write cannot be made now. */
export const unavailable = json(ErrorSchema, "No CSMS is serving admin requests; try again when one is");

/** How an admin request's failure reads as HTTP: `invalid` 400, `unavailable` 503. */
export function adminFailure(result: { error: "invalid" | "unavailable"; message: string }) {
  return {
    body: errorBody(result.error, result.message),
    status: result.error === "invalid" ? 400 as const : 503 as const,
  };
}
