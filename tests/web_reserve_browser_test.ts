/**
 * A reservation in headless Chromium: the simulator (OCPP 1.6, its own process), the real CSMS and portal,
 * and an operator who reserves connector 1 from the command panel, sees it Reserved and the reservation
 * listed on the charger page, then cancels it and sees the connector Available again.
 */
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { CHROMIUM, CHROMIUM_ARGS, haveChromium, signIn } from "./browser_support.ts";
import { ChargerProcess, startSystem } from "./web_support.ts";

Deno.test({
  name: "browser: a reserved connector shows Reserved and its reservation, until it is cancelled",
  ignore: !haveChromium,
  async fn() {
    const sys = await startSystem();
    const id = "CP-E2E-RSV";
    const charger = new ChargerProcess(id, sys.csms.url, []);
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const errors: string[] = [];
    try {
      const page = await (await browser.newContext({ viewport: { width: 1366, height: 900 } })).newPage();
      page.setDefaultTimeout(30_000);
      page.on("pageerror", (err) => errors.push(String(err)));
      await signIn(page, sys.web.url);
      await page.goto(`${sys.web.url}/chargers/${id}`);
      await page.waitForSelector('[data-testid="charger-detail"][data-online="yes"]');
      const connector1 = '[data-testid="connectors"] li[data-connector="1"]';
      await page.waitForSelector(`${connector1}[data-status="Available"]`);
      await page.waitForSelector('[data-testid="reservations"]');

      await page.selectOption('[data-testid="command-action"]', "ReserveNow");
      await page.fill('[data-testid="command-panel"] input[name="idTag"]', "BROWSER-HOLDER");
      await page.click('[data-testid="command-send"]');
      await page.waitForSelector('[data-testid="command-outcome"][data-outcome="Accepted"]');
      await page.waitForSelector(`${connector1}[data-status="Reserved"]`);
      const row = page.locator('[data-testid="reservation"][data-state="Active"]');
      await row.waitFor();
      assert.match(await row.textContent() ?? "", /BROWSER-HOLDER/);
      const reservationId = (await row.locator("td").first().textContent())!.trim();

      await page.selectOption('[data-testid="command-action"]', "CancelReservation");
      await page.fill('[data-testid="command-panel"] input[name="reservationId"]', reservationId);
      await page.click('[data-testid="command-send"]');
      await page.waitForSelector(`${connector1}[data-status="Available"]`);
      await page.waitForSelector('[data-testid="reservation"][data-state="Cancelled"]');
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
      await charger.stop();
      await sys.close();
    }
  },
});
