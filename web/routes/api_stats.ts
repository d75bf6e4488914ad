/**
 * REST: the fleet's history in aggregate: energy per day and sessions per hour over a range of UTC days
 * (the read model's aggregates, shared/stats.ts), and total power and chargers charging over the last hour
 * (the portal's fleet series, web/lib/fleet_series.ts).
 */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { CsmsReads } from "../../shared/queries.ts";
import { MAX_ENERGY_DAYS, MAX_SESSION_DAYS, parseStatsRange } from "../../shared/stats.ts";
import type { AppEnv } from "../auth/http.ts";
import type { FleetHistory } from "../lib/fleet_series.ts";
import { errorBody, ErrorSchema, json } from "./api_schemas.ts";
import { guarded } from "./guard.ts";

const day = (which: string) =>
  z.string().openapi({ description: `The ${which} day of the range, inclusive (YYYY-MM-DD, UTC)` });

/** Left as text for parseStatsRange, so that every refusal reads the same, from the API and the page. */
const RangeQuery = z.object({ from: day("first").optional(), to: day("last").optional() });

const EnergyDaySchema = z.object({
  day: z.string().openapi({ example: "2026-01-31" }),
  energyWh: z.number().openapi({ description: "Energy of the transactions counted on this day, Wh" }),
  transactions: z.number().int(),
}).openapi("EnergyDay");

const SessionHourSchema = z.object({
  hour: z.string().openapi({ example: "2026-01-31T17", description: "YYYY-MM-DDTHH, UTC" }),
  sessions: z.number().int(),
}).openapi("SessionHour");

const FleetPointSchema = z.object({
  at: z.string().openapi({ description: "The start of the point's bucket (ISO 8601, UTC)" }),
  powerW: z.number().openapi({ description: "Total present power of the fleet, W" }),
  charging: z.number().int().openapi({ description: "Chargers whose status is Charging" }),
}).openapi("FleetPoint");

export function registerStatsRoutes(
  api: OpenAPIHono<AppEnv>,
  reads: CsmsReads,
  fleetHistory: () => FleetHistory,
): void {
  api.openapi(
    guarded(
      "viewer",
      createRoute({
        method: "get",
        path: "/stats/energy",
        tags: ["Statistics"],
        summary: "Energy delivered per day over a range of days",
        description: "Every UTC day from `from` to `to` (at most " + MAX_ENERGY_DAYS + " days), zero " +
          "included. A transaction counts on the day it stopped, or, still running, on the day it started, " +
          "with its energy (meter stop, or latest reading, minus meter start).",
        request: { query: RangeQuery },
        responses: {
          200: json(
            z.object({ from: z.string(), to: z.string(), days: z.array(EnergyDaySchema) }),
            "The days of the range",
          ),
          400: json(ErrorSchema, "A date that is not one, from after to, or a range too long"),
        },
      }),
    ),
    async (c) => {
      const q = c.req.valid("query");
      const parsed = parseStatsRange(q.from, q.to, MAX_ENERGY_DAYS);
      if (!parsed.ok) return c.json(errorBody("invalid", parsed.message), 400);
      return c.json({ ...parsed.range, days: await reads.energyByDay(parsed.range) }, 200);
    },
  );

  api.openapi(
    guarded(
      "viewer",
      createRoute({
        method: "get",
        path: "/stats/sessions",
        tags: ["Statistics"],
        summary: "Transactions started per hour over a range of days",
        description: "Every UTC hour of the days from `from` to `to` (at most " + MAX_SESSION_DAYS +
          " days), zero included.",
        request: { query: RangeQuery },
        responses: {
          200: json(
            z.object({ from: z.string(), to: z.string(), hours: z.array(SessionHourSchema) }),
            "The hours of the range",
          ),
          400: json(ErrorSchema, "A date that is not one, from after to, or a range too long"),
        },
      }),
    ),
    async (c) => {
      const q = c.req.valid("query");
      const parsed = parseStatsRange(q.from, q.to, MAX_SESSION_DAYS);
      if (!parsed.ok) return c.json(errorBody("invalid", parsed.message), 400);
      return c.json({ ...parsed.range, hours: await reads.sessionsByHour(parsed.range) }, 200);
    },
  );

  api.openapi(
    guarded(
      "viewer",
      createRoute({
        method: "get",
        path: "/stats/fleet",
        tags: ["Statistics"],
        summary: "The fleet's total power and chargers charging over the last hour",
        description: "One point per bucket (`bucketMs`), the latest reading of a bucket standing for it, " +
          "up to now. Kept by this portal from the live feed since it started (at most `spanMs`).",
        responses: {
          200: json(
            z.object({
              bucketMs: z.number().int(),
              spanMs: z.number().int(),
              points: z.array(FleetPointSchema),
            }),
            "The points, oldest first",
          ),
        },
      }),
    ),
    (c) => {
      const h = fleetHistory();
      return c.json({
        bucketMs: h.bucketMs,
        spanMs: h.spanMs,
        points: h.points.map((p) => ({ ...p, at: new Date(p.at).toISOString() })),
      }, 200);
    },
  );
}
