/**
 * Orphaned transactions over the REST API, against the real system: a raw
 * OCPP 1.6 client (tests/csms_support.ts) starts twice on one connector, goes
 * quiet, goes away; operators list stale transactions and close one by hand;
 * a viewer cannot; the charger's late StopTransaction is answered and the
 * close stands.
 */
import assert from "node:assert/strict";
import { eventsOf, TestCharger } from "./csms_support.ts";
import { type Json, startSystem, waitFor } from "./web_support.ts";

Deno.test("REST orphans: superseded, stale and closed-by-hand transactions", async (t) => {
  const sys = await startSystem({ STALE_TX_MINUTES: "0" });
  const admin = await sys.login();
  const operator = await admin.addUser("olga", "operator");
  const viewer = await admin.addUser("vic", "viewer");
  const get = async (path: string) => {
    const res = await viewer.json("GET", `/api/v1${path}`);
    assert.equal(res.status, 200, `GET ${path}: ${JSON.stringify(res.body)}`);
    return res.body as Json;
  };
  const id = "CP-REST-ORPHAN";
  let cp = await TestCharger.connect(sys.csms.url, id);
  const call = {
    start: (connectorId: number, meterStart: number, timestamp: string) =>
      cp.session.call("StartTransaction", { connectorId, idTag: "TAG-RO", meterStart, timestamp }),
    status: (connectorId: number, status: "Available" | "Charging") =>
      cp.session.call("StatusNotification", { connectorId, status, errorCode: "NoError" }),
  };
  try {
    await cp.boot();
    let a = 0, b = 0, c = 0;

    await t.step("a second start on a busy connector supersedes the first; a replay does not", async () => {
      await call.status(1, "Charging");
      a = (await call.start(1, 1000, "2026-04-01T10:00:00.000Z")).transactionId;
      await cp.session.call("MeterValues", {
        connectorId: 1,
        transactionId: a,
        meterValue: [{
          timestamp: "2026-04-01T10:30:00.000Z",
          sampledValue: [{ value: "1.8", unit: "kWh" }],
        }],
      });
      assert.equal((await call.start(1, 1000, "2026-04-01T10:00:00.000Z")).transactionId, a, "a replay");
      assert.equal((await get(`/transactions?chargerId=${id}&active=true`)).total, 1);

      b = (await call.start(1, 2000, "2026-04-01T11:00:00.000Z")).transactionId;
      const list = await get(`/transactions?chargerId=${id}`);
      assert.deepEqual(list.items.map((x: Json) => x.id), [b, a]);
      const [txB, txA] = list.items;
      assert.deepEqual(
        [txA.stopReason, txA.meterStopWh, txA.energyWh, txA.stoppedAt, txA.supersededBy],
        ["Superseded", 1800, 800, "2026-04-01T11:00:00.000Z", b],
      );
      assert.equal(txB.stoppedAt, undefined);
      assert.deepEqual((await get(`/transactions?active=true`)).items.map((x: Json) => x.id), [b]);
      assert.equal((await get(`/transactions/${a}`)).stopReason, "Superseded");
    });

    await t.step("stale: flagged once the connector says Available, listed with stale=true", async () => {
      assert.equal((await get("/transactions?stale=true")).total, 0, "charging and online");
      await call.status(1, "Available");
      const stale = await get("/transactions?stale=true");
      assert.deepEqual(stale.items.map((x: Json) => [x.id, x.stale.cause]), [[b, "ConnectorAvailable"]]);
      assert.equal((await get(`/transactions/${b}`)).stale.cause, "ConnectorAvailable");
      assert.equal((await get(`/chargers/${id}`)).activeTransactions[0].stale.cause, "ConnectorAvailable");
      assert.equal((await get("/transactions?stale=false")).total, 0);
      assert.equal((await viewer.json("GET", "/api/v1/transactions?stale=maybe")).status, 400);
    });

    await t.step("close by hand: operators only, with a reason, once", async () => {
      const close = (who: typeof admin, txId: number | string, body: unknown) =>
        who.json("POST", `/api/v1/transactions/${txId}/close`, body);
      const refused = await close(viewer, b, { reason: "not mine to close" });
      assert.equal(refused.status, 403);
      assert.equal(refused.body.error, "forbidden");
      assert.equal((await get(`/transactions/${b}`)).stoppedAt, undefined, "the viewer changed nothing");

      for (const body of [{}, { reason: "   " }, { reason: "x".repeat(201) }, { reason: "ok", extra: 1 }]) {
        const bad = await close(operator, b, body);
        assert.equal(bad.status, 400, JSON.stringify(body));
        assert.equal(bad.body.error, "invalid");
      }
      assert.equal((await close(operator, "nope", { reason: "r" })).status, 400);
      const missing = await close(operator, 999_999, { reason: "r" });
      assert.deepEqual([missing.status, missing.body.error], [404, "not_found"]);

      const before = Date.now();
      const closed = await close(operator, b, { reason: "  cable cut, session ended on site " });
      assert.equal(closed.status, 200, JSON.stringify(closed.body));
      const tx = closed.body;
      assert.deepEqual(
        [tx.id, tx.stopReason, tx.closedBy, tx.closeReason, tx.meterStopWh, tx.energyWh, tx.stale],
        [b, "ClosedByOperator", "olga", "cable cut, session ended on site", 2000, 0, undefined],
      );
      assert.equal(tx.closedAt, tx.stoppedAt);
      assert.ok(Date.parse(tx.closedAt) >= before - 1000 && Date.parse(tx.closedAt) <= Date.now() + 1000);
      assert.deepEqual(await get(`/transactions/${b}`), tx);

      const twice = await close(operator, b, { reason: "again" });
      assert.deepEqual([twice.status, twice.body.error], [409, "conflict"]);
      assert.equal((await close(admin, a, { reason: "superseded already" })).status, 409);

      // Published (the portal's live views) and in the charger's event log, with who and when.
      const stopped = eventsOf(sys.events, "transaction.stopped", id).find((e) => e.transactionId === b);
      assert.deepEqual([stopped?.closedBy, stopped?.closeReason, stopped?.reason], [
        "olga",
        "cable cut, session ended on site",
        "ClosedByOperator",
      ]);
      const log = await sys.reads.eventLog({ chargerId: id });
      const entry = log.find((e) => e.type === "transaction.stopped" && (e.data as Json).transactionId === b);
      assert.equal((entry?.data as Json).closedBy, "olga");
      assert.equal(entry?.at, stopped?.at);
      // And in the portal's audit log, which admins read.
      const audit = await admin.json("GET", "/api/v1/audit?action=transaction.close");
      assert.equal(audit.status, 200);
      assert.deepEqual(
        audit.body.items.map((e: Json) => [e.actor, e.action, e.target, e.detail.reason]),
        [["olga", "transaction.close", String(b), "cable cut, session ended on site"]],
      );
    });

    await t.step("a charger gone offline leaves a stale transaction an API token closes", async () => {
      c = (await call.start(2, 300, "2026-04-01T12:00:00.000Z")).transactionId;
      await call.status(2, "Charging");
      assert.equal((await get("/transactions?stale=true")).total, 0);
      await cp.close();
      await waitFor(() => eventsOf(sys.events, "charger.disconnected", id).length, "charger.disconnected");
      // The event is published as the CSMS asks for the charger's presence to end: a portal on its own
      // (PostgreSQL) reads it gone once that write commits, a moment later.
      await waitFor(
        async () => (await get(`/chargers/${id}`)).online === false,
        "the portal reads it offline",
      );
      const stale = await get("/transactions?stale=true&active=true");
      assert.deepEqual(stale.items.map((x: Json) => [x.id, x.stale.cause]), [[c, "ChargerOffline"]]);
      assert.equal(stale.items[0].stale.since, (await get(`/chargers/${id}`)).lastSeenAt);

      const created = await admin.json("POST", "/api/v1/tokens", { name: "janitor", role: "operator" });
      const res = await fetch(`${sys.web.url}/api/v1/transactions/${c}/close`, {
        method: "POST",
        headers: { authorization: `Bearer ${created.body.token}`, "content-type": "application/json" },
        body: JSON.stringify({ reason: "charger offline for good" }),
      });
      const body = await res.json();
      assert.equal(res.status, 200, JSON.stringify(body));
      assert.deepEqual([body.closedBy, body.energyWh], ["token:janitor", 0]);
      assert.equal((await get("/transactions?stale=true")).total, 0);
    });

    await t.step(
      "the charger's late StopTransaction is answered; the close and its energy stand",
      async () => {
        cp = await TestCharger.connect(sys.csms.url, id);
        await cp.boot();
        const answer = await cp.session.call("StopTransaction", {
          transactionId: b,
          idTag: "TAG-RO",
          meterStop: 2600,
          timestamp: "2026-04-01T11:45:00.000Z",
          reason: "EVDisconnected",
        });
        assert.deepEqual(answer, { idTagInfo: { status: "Accepted" } });
        const tx = await get(`/transactions/${b}`);
        assert.deepEqual(
          [tx.stopReason, tx.closedBy, tx.meterStopWh, tx.energyWh, tx.reportedStop],
          [
            "ClosedByOperator",
            "olga",
            2000,
            0,
            { meterStopWh: 2600, stoppedAt: "2026-04-01T11:45:00.000Z", reason: "EVDisconnected" },
          ],
        );
        assert.equal(
          eventsOf(sys.events, "transaction.stopped", id).filter((e) => e.transactionId === b).length,
          1,
        );
      },
    );

    await t.step("OpenAPI: the close route, its required path id and body", async () => {
      const doc = await get("/openapi.json");
      const op = doc.paths["/api/v1/transactions/{id}/close"]?.post;
      assert.ok(op, "documented");
      assert.deepEqual(
        op.parameters.map((p: Json) => [p.name, p.in, p.required]),
        [["id", "path", true]],
      );
      assert.equal(op.requestBody.required, true);
      assert.ok(["200", "400", "401", "403", "404", "409"].every((s) => op.responses[s]), "its answers");
      assert.match(op.description, /operator/);
      const query = doc.paths["/api/v1/transactions"].get.parameters.map((p: Json) => p.name);
      assert.ok(query.includes("stale"));
    });
  } finally {
    await cp.close();
    await sys.close();
  }
});
