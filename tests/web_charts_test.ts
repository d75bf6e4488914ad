/**
 * The portal's charts end to end in headless Chromium: a charger (scripted over a real WebSocket) charges
 * at a known power, and the fleet page's charts follow it live, their text beside them saying the right
 * numbers; once it stops, the history page charts its energy and its start, from the aggregate API.
 */
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { CHROMIUM, CHROMIUM_ARGS, haveChromium, signIn } from "./browser_support.ts";
import { TestCharger } from "./csms_support.ts";
import { startSystem, waitFor } from "./web_support.ts";

Deno.test({
  name: "browser: the fleet's power and charging charts follow a charger live; the history page charts it",
  ignore: !haveChromium,
  async fn() {
    const sys = await startSystem();
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    let charger: TestCharger | undefined;
    const errors: string[] = [];
    try {
      const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
      page.setDefaultTimeout(30_000);
      page.on("pageerror", (err) => errors.push(String(err)));
      await signIn(page, sys.web.url);
      await page.waitForSelector('[data-testid="fleet"][data-live="yes"]');
      const powerNow = page.locator('[data-testid="fleet-power-now"]');
      const chargingNow = page.locator('[data-testid="fleet-charging-now"]');
      assert.equal(await powerNow.textContent(), "0.0 kW");
      assert.equal(await chargingNow.textContent(), "0");
      // Both charts draw (uPlot's canvas), with the server's points to start from.
      for (const chart of ["fleet-power-chart", "fleet-charging-chart"]) {
        const figure = page.locator(`[data-testid="${chart}"]`);
        assert.equal(await figure.locator("canvas").count(), 1);
        assert.ok(Number(await figure.locator(".series-canvas").getAttribute("data-points")) >= 1);
        assert.match(await figure.locator("figcaption").textContent() ?? "", /last hour/);
      }

      const id = "CP-CHART-1";
      charger = await TestCharger.connect(sys.csms.url, id);
      await charger.boot();
      const now = () => new Date().toISOString();
      const transactionId = await charger.chargeOnce({
        idTag: "CHART-TAG",
        meterStartWh: 1000,
        powerW: 7400,
        energyWh: 4000,
      });

      // The text beside the charts says what the charger does, live.
      await waitFor(async () => (await powerNow.textContent()) === "7.4 kW", "7.4 kW beside the power chart");
      await waitFor(async () => (await chargingNow.textContent()) === "1", "1 charging beside its chart");
      assert.equal(await powerNow.getAttribute("data-value"), "7400");
      assert.equal(
        await page.locator(`tr[data-charger="${id}"] td[data-label="Power"]`).textContent(),
        "7.4 kW",
      );
      // The server's series has it too: a page opened now starts from it.
      const fleet = await (await sys.login()).json("GET", "/api/v1/stats/fleet");
      assert.deepEqual(
        { powerW: fleet.body.points.at(-1).powerW, charging: fleet.body.points.at(-1).charging },
        { powerW: 7400, charging: 1 },
      );

      await charger.session.call("StopTransaction", {
        transactionId,
        meterStop: 6000,
        timestamp: now(),
        reason: "Local",
      });
      await charger.session.call("StatusNotification", {
        connectorId: 1,
        errorCode: "NoError",
        status: "Available",
        timestamp: now(),
      });
      await waitFor(async () => (await powerNow.textContent()) === "0.0 kW", "0 kW once it stopped");
      await waitFor(async () => (await chargingNow.textContent()) === "0", "none charging once it stopped");

      // The history page, from the nav: today's energy and the session's start.
      await page.click('nav.nav a[href="/history"]');
      await page.waitForURL("**/history**");
      const today = now().slice(0, 10);
      await page.waitForSelector('[data-testid="history"]');
      await waitFor(
        () => new URL(page.url()).searchParams.get("to") === today,
        () => `the range in the address (${page.url()}; ${errors.join("; ")})`,
      );
      assert.equal(await page.locator('[data-testid="energy-total"]').textContent(), "5.00 kWh");
      assert.match(
        await page.locator('[data-testid="energy-transactions"]').textContent() ?? "",
        /^1 transactions/,
      );
      assert.equal(await page.locator('[data-testid="sessions-total"]').textContent(), "1");
      for (const chart of ["energy-chart", "sessions-chart"]) {
        assert.equal(await page.locator(`[data-testid="${chart}"] canvas`).count(), 1);
      }
      // A range without it, picked with the date inputs: zero, through the API.
      await page.fill('input[name="from"]', "2020-01-01");
      await page.fill('input[name="to"]', "2020-01-03");
      await page.click('[data-testid="history-range"] button[type="submit"]');
      await waitFor(
        async () => (await page.locator('[data-testid="energy-total"]').textContent()) === "0.00 kWh",
        "the empty range's total",
      );
      assert.equal(await page.locator('[data-testid="sessions-total"]').textContent(), "0");
      assert.equal(new URL(page.url()).searchParams.get("from"), "2020-01-01");
      // A range the API refuses: its message, and the charts keep what they showed.
      await page.fill('input[name="from"]', "2020-02-01");
      await page.fill('input[name="to"]', "2020-01-01");
      await page.click('[data-testid="history-range"] button[type="submit"]');
      await page.locator('[data-testid="history-problem"]', { hasText: "is after to" }).waitFor();
      assert.deepEqual(errors, []);
    } finally {
      await charger?.close();
      await browser.close();
      await sys.close();
    }
  },
});
