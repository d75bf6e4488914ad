/**
 * The portal's REST API and pages in memory (web/testing/app_harness.ts): the app's routes through
 * `app.request()`, with the real auth, storage engine, admin and command handlers on an in-process bus, and
 * an admin signed in over the API. What needs a live charger (its summary, commands it answers, its
 * transactions, the island bundle) is tested end to end in tests/web_rest_test.ts.
 */
import assert from "node:assert/strict";
import type { IdTagRecord } from "../../shared/queries.ts";
import { startApp } from "../testing/app_harness.ts";

Deno.test("REST in memory: id tags, errors, OpenAPI, unknown routes, pages and assets", async (t) => {
  const h = await startApp();
  try {
    const session = await h.login();
    const get = (path: string) => session.json("GET", `/api/v1${path}`);
    const send = (method: string, path: string, body?: unknown) =>
      session.json(method, `/api/v1${path}`, body);

    await t.step("chargers: not found, bad filters", async () => {
      const missing = await get("/chargers/NOPE");
      assert.equal(missing.status, 404);
      assert.equal(missing.body.error, "not_found");
      const bad = await get("/chargers?limit=0");
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error, "invalid");
      assert.match(bad.body.message, /limit/);
      assert.equal((await get("/chargers?status=Sleeping")).status, 400);
    });

    await t.step("commands: an absent charger is offline, an unknown action invalid", async () => {
      const offline = await send("POST", "/chargers/GHOST/commands/Reset", { type: "Soft" });
      assert.equal(offline.status, 409);
      assert.equal(offline.body.error, "offline");
      const unknown = await send("POST", "/chargers/GHOST/commands/FormatDisk", {});
      assert.equal(unknown.status, 400);
    });

    await t.step("transactions: not found, not an id", async () => {
      assert.equal((await get("/transactions/424242")).status, 404);
      assert.equal((await get("/transactions/abc")).status, 400);
    });

    await t.step("id tags: create, conflict, read, update, delete", async () => {
      const created = await send("POST", "/id-tags", { idTag: "TAG-A", status: "Accepted" });
      assert.equal(created.status, 201);
      assert.equal((created.body as IdTagRecord).status, "Accepted");
      assert.equal((await send("POST", "/id-tags", { idTag: "TAG-A", status: "Blocked" })).status, 409);
      assert.equal((await get("/id-tags/TAG-A")).body.status, "Accepted");

      const updated = await send("PUT", "/id-tags/TAG-A", {
        status: "Blocked",
        expiryDate: "2031-01-01T00:00:00Z",
        parentIdTag: "FLEET",
      });
      assert.equal(updated.status, 200);
      assert.equal(updated.body.status, "Blocked");
      assert.equal(Date.parse(updated.body.expiryDate), Date.parse("2031-01-01T00:00:00Z"));
      assert.equal(updated.body.parentIdTag, "FLEET");
      assert.equal((await send("PUT", "/id-tags/TAG-B", { status: "Accepted" })).status, 201);
      const tags = (await get("/id-tags")).body.items as IdTagRecord[];
      assert.deepEqual(tags.map((x) => x.idTag).filter((x) => x.startsWith("TAG-")).sort(), [
        "TAG-A",
        "TAG-B",
      ]);

      assert.equal((await send("DELETE", "/id-tags/TAG-A")).status, 204);
      assert.equal((await send("DELETE", "/id-tags/TAG-A")).status, 404);
      assert.equal((await get("/id-tags/TAG-A")).status, 404);

      const tooLong = await send("POST", "/id-tags", { idTag: "X".repeat(21), status: "Accepted" });
      assert.equal(tooLong.status, 400);
      assert.match(tooLong.body.message, /idTag/);
      assert.equal((await send("PUT", "/id-tags/TAG-C", { status: "Maybe" })).status, 400);
      assert.equal((await send("PUT", "/id-tags/TAG-C", { status: "Accepted", color: "red" })).status, 400);
      assert.equal(
        (await send("PUT", "/id-tags/TAG-C", { status: "Accepted", expiryDate: "soon" })).status,
        400,
      );
    });

    await t.step("OpenAPI document, unknown routes, stats without sockets or refusals", async () => {
      const doc = await get("/openapi.json");
      assert.equal(doc.status, 200);
      assert.equal(doc.body.openapi, "3.0.3");
      for (
        const path of [
          "/api/v1/chargers",
          "/api/v1/chargers/{id}",
          "/api/v1/chargers/{id}/commands/{action}",
          "/api/v1/transactions",
          "/api/v1/transactions.csv",
          "/api/v1/id-tags",
          "/api/v1/id-tags/{idTag}",
        ]
      ) assert.ok(doc.body.paths[path], `OpenAPI has ${path}`);
      assert.deepEqual(
        Object.keys(doc.body.paths["/api/v1/id-tags/{idTag}"]).sort(),
        ["delete", "get", "put"],
      );
      const nothing = await get("/nothing-here");
      assert.equal(nothing.status, 404);
      assert.equal(nothing.body.error, "not_found");
      const stats = await get("/stats");
      const { socketio, refusals } = stats.body;
      assert.equal(refusals.total, 0);
      assert.equal(socketio.clients, 0);
      assert.equal(socketio.dropped.total, 0);
    });

    await t.step("pages render on the server, assets are served locally", async () => {
      const page = async (path: string) => {
        const res = await session.fetch(path);
        return { status: res.status, text: await res.text() };
      };
      const fleet = await page("/");
      assert.equal(fleet.status, 200);
      assert.match(fleet.text, /^<!DOCTYPE html>/);
      assert.match(fleet.text, /data-island="FleetTable"/);
      assert.match((await page("/id-tags")).text, /TAG-B/);
      assert.equal((await page("/no-such-page")).status, 404);
      // Nothing is loaded from another origin.
      assert.doesNotMatch(fleet.text, /(src|href)="(https?:)?\/\//);

      const css = await h.fetch("/static/vendor/uplot.min.css");
      assert.equal(css.status, 200);
      const etag = css.headers.get("etag")!;
      assert.match(await css.text(), /\.uplot/);
      const again = await h.fetch("/static/vendor/uplot.min.css", { headers: { "if-none-match": etag } });
      assert.equal(again.status, 304);
      await again.body?.cancel();
    });
  } finally {
    await h.close();
  }
});
