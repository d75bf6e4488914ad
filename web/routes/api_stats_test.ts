/** REST: the stats routes in memory (web/testing/app_harness.ts), over transactions the real engine stored. */
import assert from "node:assert/strict";
import { startApp } from "../testing/app_harness.ts";

Deno.test("REST stats: energy per day and sessions per hour over a range, and its refusals", async (t) => {
  const h = await startApp();
  try {
    const session = await h.login();
    const get = (path: string) => session.json("GET", `/api/v1${path}`);
    const tx = h.storage.transactions;
    const started = await tx.start({
      chargerId: "CP-1",
      evseId: 1,
      connectorId: 1,
      idTag: "TAG",
      meterStartWh: 1000,
      startedAt: "2026-02-10T17:20:00.000Z",
      authStatus: "Accepted",
    });
    await started.durable;
    const stopped = await tx.stop({
      id: started.value.id,
      chargerId: "CP-1",
      meterStopWh: 13_500,
      stoppedAt: "2026-02-11T06:00:00.000Z",
      reason: "EVDisconnected",
    });
    assert.equal(stopped.kind, "stopped");

    await t.step("energy: every day of the range, the transaction on its stop day", async () => {
      const res = await get("/stats/energy?from=2026-02-10&to=2026-02-12");
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, {
        from: "2026-02-10",
        to: "2026-02-12",
        days: [
          { day: "2026-02-10", energyWh: 0, transactions: 0 },
          { day: "2026-02-11", energyWh: 12_500, transactions: 1 },
          { day: "2026-02-12", energyWh: 0, transactions: 0 },
        ],
      });
    });

    await t.step("sessions: every hour of the range, the start in its hour", async () => {
      const res = await get("/stats/sessions?from=2026-02-10&to=2026-02-10");
      assert.equal(res.status, 200);
      assert.equal(res.body.hours.length, 24);
      assert.deepEqual(res.body.hours[17], { hour: "2026-02-10T17", sessions: 1 });
      assert.equal(res.body.hours.reduce((n: number, h: { sessions: number }) => n + h.sessions, 0), 1);
    });

    await t.step("bad ranges: 400 with what is wrong", async () => {
      const cases: Array<[string, RegExp]> = [
        ["/stats/energy", /from and to are required/],
        ["/stats/energy?from=2026-02-30&to=2026-03-01", /from: "2026-02-30" is not a date/],
        ["/stats/sessions?from=2026-02-01&to=yesterday", /to: "yesterday" is not a date/],
        ["/stats/energy?from=2026-03-02&to=2026-03-01", /from \(2026-03-02\) is after to/],
        ["/stats/sessions?from=2026-01-01&to=2026-02-01", /spans 32 days; at most 31/],
        ["/stats/energy?from=2025-01-01&to=2026-01-02", /spans 367 days; at most 366/],
      ];
      for (const [path, message] of cases) {
        const res = await get(path);
        assert.equal(res.status, 400, path);
        assert.equal(res.body.error, "invalid");
        assert.match(res.body.message, message);
      }
      // A year of days is served; a month of hours too.
      assert.equal((await get("/stats/energy?from=2025-01-02&to=2026-01-02")).body.days.length, 366);
      assert.equal((await get("/stats/sessions?from=2026-01-01&to=2026-01-31")).body.hours.length, 744);
    });

    await t.step("fleet: the last hour's points up to now, none charging here", async () => {
      const res = await get("/stats/fleet");
      assert.equal(res.status, 200);
      assert.equal(res.body.bucketMs, 10_000);
      assert.equal(res.body.spanMs, 3_600_000);
      const last = res.body.points.at(-1);
      assert.equal(last.powerW, 0);
      assert.equal(last.charging, 0);
      assert.ok(Date.now() - Date.parse(last.at) < 3_600_000);
    });

    await t.step("the history page: the range asked for, or the last week and what was wrong", async () => {
      const page = await session.fetch("/history?from=2026-02-10&to=2026-02-12");
      assert.equal(page.status, 200);
      const html = await page.text();
      assert.match(html, /Energy per day, 2026-02-10 to 2026-02-12/);
      assert.match(html, /data-testid="energy-total" data-value="12500"/);
      const bad = await (await session.fetch("/history?from=2026-02-12&to=2026-02-10")).text();
      assert.match(bad, /from \(2026-02-12\) is after to \(2026-02-10\)/);
      // A range past a month: energy alone, and why.
      const long = await (await session.fetch("/history?from=2026-01-01&to=2026-03-01")).text();
      assert.match(long, /data-testid="sessions-too-long"/);
    });

    await t.step("signed out: refused", async () => {
      const res = await h.fetch("/api/v1/stats/energy?from=2026-02-10&to=2026-02-12");
      assert.equal(res.status, 401);
    });
  } finally {
    await h.close();
  }
});
