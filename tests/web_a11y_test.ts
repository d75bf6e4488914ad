/**
 * Accessibility of every portal page, checked by axe-core in headless Chromium: no serious or critical
 * violation on the fleet, a charger, transactions, id tags, registrations, users, audit, account, sign-in,
 * history and a page that does not exist, with data in them (a charger that charged, an id tag, a user).
 *
 * axe runs in the page, injected by playwright from node_modules: the portal never serves it. The
 * portal's CSP allows no inline script, which is what addScriptTag adds, so the test's browser context
 * bypasses the CSP (the CSP itself is tested in tests/web_headers_test.ts).
 */
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import {
  axeViolations as violations,
  CHROMIUM,
  CHROMIUM_ARGS,
  haveChromium,
  signIn,
} from "./browser_support.ts";
import { TestCharger } from "./csms_support.ts";
import { startSystem } from "./web_support.ts";

Deno.test({
  name: "accessibility: axe finds no serious or critical violation on any page",
  ignore: !haveChromium,
  async fn() {
    const sys = await startSystem();
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    let charger: TestCharger | undefined;
    try {
      // Something on every page: a charger that charged, an id tag, a user, audit entries.
      const id = "CP-A11Y-1";
      charger = await TestCharger.connect(sys.csms.url, id);
      await charger.boot();
      await charger.chargeOnce({
        idTag: "A11Y-TAG",
        meterStartWh: 0,
        powerW: 11000,
        energyWh: 1500,
        socPercent: 42,
      });
      const admin = await sys.login();
      assert.equal(
        (await admin.json("POST", "/api/v1/id-tags", { idTag: "A11Y-CARD", status: "Blocked" })).status,
        201,
      );
      await admin.addUser("a11y-viewer", "viewer");

      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
      const page = await context.newPage();
      page.setDefaultTimeout(30_000);
      const found: string[] = [];
      const check = async (name: string) => {
        for (const v of await violations(page)) found.push(`${name}: ${v}`);
      };

      await page.goto(`${sys.web.url}/login`);
      await page.waitForSelector('[data-testid="login-form"]');
      await check("sign-in");

      await signIn(page, sys.web.url);
      await page.waitForSelector('[data-testid="fleet"][data-live="yes"]');
      await page.locator(`tr[data-charger="${id}"]`).waitFor();
      await check("fleet");

      const pages: Array<[string, string, string]> = [
        ["charger", `/chargers/${id}`, '[data-testid="charger-detail"]'],
        ["transactions", "/transactions", "main table"],
        ["id tags", "/id-tags", "main table"],
        ["registrations", "/registrations", "main"],
        ["users", "/users", "main table"],
        ["audit", "/audit", "main table"],
        ["account", "/account", "main form"],
        ["history", "/history", '[data-testid="history"]'],
        ["not found", "/no-such-page", "main h1"],
      ];
      for (const [name, path, ready] of pages) {
        await page.goto(`${sys.web.url}${path}`);
        await page.locator(ready).first().waitFor();
        await page.waitForSelector('[data-testid="connection"][data-state="connected"]');
        await check(name);
      }
      assert.deepEqual(found, []);
    } finally {
      await charger?.close();
      await browser.close();
      await sys.close();
    }
  },
});
