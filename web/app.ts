/**
 * The portal's HTTP routes in one Hono app: static files, sign-in, REST API, pages, and the error
 * answers. Static files are public (the sign-in page needs them); everything after `identify` knows who
 * is asking, and the API and the pages each refuse whom they must (web/auth/http.ts).
 */
import { healthResponse, readiness } from "../shared/health.ts";
import { bearerMatches, METRICS_PATH, metricsResponse } from "../shared/metrics_endpoint.ts";
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import type { Bus } from "../shared/events.ts";
import type { CsmsReads } from "../shared/queries.ts";
import type { AssetTable } from "./assets.ts";
import type { AuditLog } from "./audit/log.ts";
import { apiGuard, type AppEnv, identify, pageGuard } from "./auth/http.ts";
import type { Auth } from "./auth/service.ts";
import type { SocketStats } from "./bridge.ts";
import type { FleetState } from "./lib/fleet_state.ts";
import type { FleetHistory } from "./lib/fleet_series.ts";
import type { FrameLog } from "./lib/frame_log.ts";
import type { RefusalStats } from "./lib/refusal_stats.ts";
import type { ChargerSnapshot } from "./lib/protocol.ts";
import { apiRoutes } from "./routes/api.ts";
import { errorBody } from "./routes/api_schemas.ts";
import { loginRoutes } from "./routes/login.tsx";
import { notFoundPage, pageRoutes, pageUser } from "./routes/pages.tsx";
import { securityHeaders } from "./security_headers.ts";
import { logger } from "../shared/log.ts";

const log = logger("web");

export interface AppDeps {
  bus: Bus;
  reads: CsmsReads;
  fleet: FleetState;
  frames: FrameLog;
  assets: AssetTable;
  auth: Auth;
  audit: AuditLog;
  allowedOrigins: readonly string[];
  chargerSnapshot(id: string): Promise<ChargerSnapshot>;
  socketStats(): SocketStats;
  refusalStats(): RefusalStats;
  /** The fleet's power and chargers charging over the last hour (the bridge's). */
  fleetHistory(): FleetHistory;
  ocppUrl?: string;
  /** GET /metrics: off (404) unless enabled; `token` is METRICS_TOKEN, taken besides API tokens. */
  metrics?: { enabled: boolean; token?: string };
}

export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.use("*", securityHeaders());

  app.get("/static/*", (c) => {
    const asset = deps.assets.get(c.req.path);
    if (!asset) return c.text("not found", 404);
    const etag = `"${asset.etag}"`;
    const headers = {
      etag,
      "cache-control": asset.immutable ? "public, max-age=31536000, immutable" : "no-cache",
      "content-type": asset.type,
    };
    if (c.req.header("if-none-match") === etag) return c.body(null, 304, headers);
    return c.body(asset.body as Uint8Array<ArrayBuffer>, 200, headers);
  });
  app.get("/favicon.ico", (c) => c.redirect("/static/favicon.svg", 301));
  // For load balancers: no sign-in, nothing about the fleet, only whether this node can serve.
  app.on(
    ["GET", "HEAD"],
    ["/healthz", "/readyz"],
    async (c) => (await healthResponse(c.req.method, c.req.path, () => readiness(deps.reads, deps.bus)))!,
  );

  app.use("*", identify(deps.auth));
  // For Prometheus: anyone signed in, or with an API token (any role) or METRICS_TOKEN as a bearer token.
  app.on(["GET", "HEAD"], METRICS_PATH, (c) => {
    const token = deps.metrics?.token;
    const granted = c.get("principal") !== undefined ||
      (token !== undefined && bearerMatches(c.req.header("authorization"), token));
    return metricsResponse(c.req.method, {
      enabled: deps.metrics?.enabled ?? false,
      access: granted ? "granted" : "refused",
    });
  });
  app.use("/api/*", apiGuard(deps.allowedOrigins));
  app.route(
    "/",
    apiRoutes({
      bus: deps.bus,
      reads: deps.reads,
      fleet: deps.fleet,
      frames: deps.frames,
      auth: deps.auth,
      audit: deps.audit,
      socketStats: deps.socketStats,
      refusalStats: deps.refusalStats,
      fleetHistory: deps.fleetHistory,
    }),
  );
  app.route(
    "/",
    loginRoutes({
      auth: deps.auth,
      audit: deps.audit,
      assets: deps.assets.urls,
      allowedOrigins: deps.allowedOrigins,
    }),
  );
  app.use("*", pageGuard());
  app.route("/", pageRoutes({ ...deps, assets: deps.assets.urls }));

  app.notFound((c) => {
    if (c.req.path.startsWith("/api/")) {
      return c.json(errorBody("not_found", `no route ${c.req.method} ${c.req.path}`), 404);
    }
    return c.html(notFoundPage(deps.assets.urls, `There is no page at ${c.req.path}.`, pageUser(c)), 404);
  });

  app.onError((err, c) => {
    // Refusals raised by middleware (e.g. hono/csrf's 403) carry their own answer.
    if (err instanceof HTTPException) return err.getResponse();
    log.error(`${c.req.method} ${c.req.path} failed:`, { error: err });
    if (c.req.path.startsWith("/api/")) {
      return c.json(errorBody("internal", "the server failed to answer; see its log"), 500);
    }
    return c.html(
      notFoundPage(deps.assets.urls, "Something went wrong on the server; its log says what."),
      500,
    );
  });

  return app;
}
