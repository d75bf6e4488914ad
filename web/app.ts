/** The portal's HTTP routes in one Hono app: static files, pages, REST API, and the error answers. */
import { Hono } from "hono";
import type { Bus } from "../shared/events.ts";
import type { CsmsQueries } from "../shared/queries.ts";
import type { AssetTable } from "./assets.ts";
import type { FleetState } from "./lib/fleet_state.ts";
import type { ChargerSnapshot } from "./lib/protocol.ts";
import { apiRoutes } from "./routes/api.ts";
import { notFoundPage, pageRoutes } from "./routes/pages.tsx";

export interface AppDeps {
  bus: Bus;
  queries: CsmsQueries;
  fleet: FleetState;
  assets: AssetTable;
  chargerSnapshot(id: string): Promise<ChargerSnapshot>;
  ocppUrl?: string;
}

export function createApp(deps: AppDeps): Hono {
  const app = new Hono();

  app.use("*", async (c, next) => {
    await next();
    c.header("x-content-type-options", "nosniff");
    c.header("referrer-policy", "same-origin");
  });

  app.get("/static/*", (c) => {
    const asset = deps.assets.get(c.req.path);
    if (!asset) return c.text("not found", 404);
    const etag = `"${asset.etag}"`;
    const headers = { etag, "cache-control": "no-cache", "content-type": asset.type };
    if (c.req.header("if-none-match") === etag) return c.body(null, 304, headers);
    return c.body(asset.body as Uint8Array<ArrayBuffer>, 200, headers);
  });
  app.get("/favicon.ico", (c) => c.redirect("/static/favicon.svg", 301));

  app.route("/", apiRoutes({ bus: deps.bus, queries: deps.queries, fleet: deps.fleet }));
  app.route("/", pageRoutes({ ...deps, assets: deps.assets.urls }));

  app.notFound((c) => {
    if (c.req.path.startsWith("/api/")) {
      return c.json(
        { ok: false, error: "not_found", message: `no route ${c.req.method} ${c.req.path}` },
        404,
      );
    }
    return c.html(notFoundPage(deps.assets.urls, `There is no page at ${c.req.path}.`), 404);
  });

  app.onError((err, c) => {
    console.error(`web: ${c.req.method} ${c.req.path} failed:`, err);
    if (c.req.path.startsWith("/api/")) {
      return c.json(
        { ok: false, error: "internal", message: "the server failed to answer; see its log" },
        500,
      );
    }
    return c.html(
      notFoundPage(deps.assets.urls, "Something went wrong on the server; its log says what."),
      500,
    );
  });

  return app;
}
