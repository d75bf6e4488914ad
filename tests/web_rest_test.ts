/**
 * The portal's REST API and pages against the real system: CSMS and portal on
 * free ports, a simulated charger (charger/main.ts) in its own process, and an
 * admin signed in over the API (the session cookie and CSRF token on every
 * request, as the portal's pages send them). What needs no charger (id tags,
 * errors, the OpenAPI document, unknown routes) is tested in memory in
 * web/routes/api_test.ts.
 */
import assert from "node:assert/strict";
import type { ChargerSummary, TransactionRecord } from "../shared/queries.ts";
import { ChargerProcess, type Json, startSystem, waitFor } from "./web_support.ts";

Deno.test("REST: chargers, commands, transactions and CSV, stats, pages", async (t) => {
  const sys = await startSystem();
  const id = "CP-REST-1";
  const charger = new ChargerProcess(id, sys.csms.url, ["--battery-kwh", "1", "--power-kw", "22"]);
  const session = await sys.login();
  const get = (path: string) => session.json("GET", `/api/v1${path}`);
  const send = (method: string, path: string, body?: unknown) => session.json(method, `/api/v1${path}`, body);

  try {
    await t.step("chargers: list, filter, one", async () => {
      await waitFor(async () => {
        const { body } = await get(`/chargers/${id}`);
        // Connector 0's status may arrive before connector 1's: wait for both.
        return body?.status === "Available" &&
          (body.connectors as Json[]).some((c) => c.connectorId === 1 && c.status === "Available");
      }, () => `${id} Available over REST; charger said:\n${charger.tail()}`);
      const one = await get(`/chargers/${id}`);
      assert.equal(one.status, 200);
      const summary = one.body as ChargerSummary & { status: string };
      assert.equal(summary.online, true);
      assert.equal(summary.vendor, "Chargewire");
      // OCPP 1.6's connector 1 is EVSE 1 with its connector 1; the charger's own word is kept.
      assert.ok(
        summary.connectors.some((c) =>
          c.evseId === 1 && c.connectorId === 1 && c.status === "Available" && c.original === "Available"
        ),
      );

      const list = await get("/chargers");
      assert.equal(list.status, 200);
      assert.equal(list.body.total, 1);
      assert.equal(list.body.items[0].id, id);
      assert.equal((await get("/chargers?status=Available")).body.total, 1);
      assert.equal((await get("/chargers?status=Charging")).body.total, 0);
      assert.equal((await get("/chargers?search=rest-1")).body.total, 1);
      assert.equal((await get("/chargers?online=false")).body.total, 0);
    });

    let transactionId = 0;
    await t.step("commands: start and stop through the Bus, with the charger's answers", async () => {
      const configured = await send("POST", `/chargers/${id}/commands/ChangeConfiguration`, {
        key: "MeterValueSampleInterval",
        value: "1",
      });
      assert.deepEqual(configured, { status: 200, body: { ok: true, response: { status: "Accepted" } } });

      const started = await send("POST", `/chargers/${id}/commands/RemoteStartTransaction`, {
        connectorId: 1,
        idTag: "REST-TAG",
      });
      assert.deepEqual(started, { status: 200, body: { ok: true, response: { status: "Accepted" } } });
      const active = await waitFor(async () => {
        const { body } = await get(`/transactions?active=true&chargerId=${id}`);
        return body.items[0] as TransactionRecord | undefined;
      }, "an active transaction");
      transactionId = active.id;
      assert.equal(active.idTag, "REST-TAG");
      // A 1.6 charger knows the transaction by the CSMS's id: its own id is the same number as text.
      assert.equal(active.chargerTransactionId, String(transactionId));
      assert.equal(active.evseId, 1);
      await waitFor(async () => (await get(`/chargers/${id}`)).body.status === "Charging", "Charging");
      await waitFor(async () => {
        const { body } = await get(`/chargers/${id}/meter-values?transactionId=${transactionId}`);
        const socs = (body.items as Json[]).flatMap((s) => s.socPercent ?? []);
        return socs.length >= 2 && socs.at(-1) > socs[0];
      }, "meter values with a rising SoC");
      const frames = await get(`/chargers/${id}/frames?limit=500`);
      assert.ok(
        (frames.body.items as Json[]).some((f) =>
          f.direction === "out" && f.action === "RemoteStartTransaction"
        ),
      );

      const stopped = await send("POST", `/chargers/${id}/commands/RemoteStopTransaction`, { transactionId });
      assert.deepEqual(stopped, { status: 200, body: { ok: true, response: { status: "Accepted" } } });
      const done = await waitFor(async () => {
        const { body } = await get(`/transactions/${transactionId}`);
        return body.stoppedAt ? body as TransactionRecord : undefined;
      }, "the transaction stopped");
      assert.equal(done.stopReason, "Remote");
      assert.ok(done.energyWh > 0, `energy ${done.energyWh}`);
      // Finishing until the simulated driver unplugs, then Available.
      await waitFor(
        async () => (await get(`/chargers/${id}`)).body.status === "Available",
        "Available again",
      );
    });

    await t.step("commands: failures keep their meaning in HTTP", async () => {
      const invalid = await send("POST", `/chargers/${id}/commands/Reset`, { type: "Sideways" });
      assert.equal(invalid.status, 400);
      assert.equal(invalid.body.error, "invalid");
      const rejected = await send("POST", `/chargers/${id}/commands/RemoteStopTransaction`, {
        transactionId: 999_999,
      });
      assert.deepEqual(rejected, { status: 200, body: { ok: true, response: { status: "Rejected" } } });
      const cleared = await send("POST", `/chargers/${id}/commands/ClearCache`);
      assert.equal(cleared.status, 200);
      assert.equal(cleared.body.ok, true);
    });

    await t.step("transactions: list, one, CSV export", async () => {
      const list = await get("/transactions");
      assert.equal(list.body.total, 1);
      assert.equal(list.body.items[0].id, transactionId);

      const res = await session.fetch(`/api/v1/transactions.csv?chargerId=${id}`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get("content-type") ?? "", /^text\/csv/);
      assert.match(
        res.headers.get("content-disposition") ?? "",
        /attachment; filename="transactions-CP-REST-1.csv"/,
      );
      const lines = (await res.text()).split("\r\n");
      assert.deepEqual(lines[0].split(",").slice(0, 5), [
        "transaction_id",
        "charger_transaction_id",
        "charger_id",
        "evse_id",
        "connector_id",
      ]);
      assert.ok(lines[1].startsWith(`${transactionId},${transactionId},${id},1,1,REST-TAG,`), lines[1]);
      assert.ok(lines[1].endsWith(",Remote"), lines[1]);
      assert.equal(lines.length, 3); // header, one row, and the final CRLF
      const none = await (await session.fetch(`/api/v1/transactions.csv?chargerId=OTHER`)).text();
      assert.equal(none.split("\r\n").length, 2);
    });

    await t.step("stats: the fleet's counts", async () => {
      const stats = await get("/stats");
      const { socketio, refusals, ...counts } = stats.body;
      assert.deepEqual(counts, { total: 1, online: 1, Available: 1 });
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
      assert.match(fleet.text, new RegExp(`href="/chargers/${id}"`));
      assert.match(fleet.text, /data-island="FleetTable"/);
      const detail = await page(`/chargers/${id}`);
      assert.match(detail.text, /data-island="ChargerDetail"/);
      assert.match(detail.text, /uplot\.min\.css/);
      assert.match((await page("/transactions")).text, /REST-TAG/);
      // Nothing is loaded from another origin.
      for (const html of [fleet.text, detail.text]) {
        assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//);
      }

      // Each page names only its own islands' entries as module scripts, their chunks as preloads.
      const scriptsOf = (html: string) =>
        [...html.matchAll(/<script type="module" src="([^"]+)"/g)].map((m) => m[1]);
      const preloadsOf = (html: string) =>
        [...html.matchAll(/<link rel="modulepreload" href="([^"]+)"/g)].map((m) => m[1]);
      const fleetScripts = scriptsOf(fleet.text);
      assert.deepEqual(fleetScripts.map((s) => s.match(/^\/static\/build\/(\w+)-[0-9a-f]{10}\.js$/)?.[1]), [
        "ConnectionStatus",
        "FleetTable",
      ]);
      assert.ok(scriptsOf(detail.text).some((s) => s.includes("/ChargerDetail-")));
      assert.ok(!scriptsOf(detail.text).some((s) => s.includes("/FleetTable-")));
      assert.ok(preloadsOf(fleet.text).length > 0);
      assert.doesNotMatch(fleet.text, /<script(?![^>]*\ssrc=)/, "no inline script");

      // Named by their content, the build's files are kept by browsers for good.
      for (const path of [...fleetScripts, ...preloadsOf(fleet.text)]) {
        const js = await fetch(`${sys.web.url}${path}`);
        assert.equal(js.status, 200, path);
        assert.match(js.headers.get("content-type") ?? "", /javascript/);
        assert.equal(js.headers.get("cache-control"), "public, max-age=31536000, immutable");
        assert.ok((await js.text()).length > 0);
      }
      // The files that keep their names are revalidated.
      const cssPath = fleet.text.match(/href="(\/static\/styles\.css[^"]*)"/)![1];
      const css = await fetch(`${sys.web.url}${cssPath}`);
      assert.equal(css.headers.get("cache-control"), "no-cache");
      const etag = css.headers.get("etag")!;
      await css.body?.cancel();
      const again = await fetch(`${sys.web.url}${cssPath}`, { headers: { "if-none-match": etag } });
      assert.equal(again.status, 304);
      await again.body?.cancel();
    });
  } finally {
    await charger.stop();
    await sys.close();
  }
});
