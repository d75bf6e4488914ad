/**
 * Firmware and diagnostics in headless Chromium: the simulator (OCPP 1.6, its own process), the real CSMS
 * and portal, and an operator who uploads a firmware image on the charger page, installs it, watches the
 * statuses arrive live and the new version show; then asks for diagnostics from the command panel and finds
 * the charger's file listed, downloadable.
 */
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { CHROMIUM, CHROMIUM_ARGS, haveChromium, signIn } from "./browser_support.ts";
import { ChargerProcess, startSystem } from "./web_support.ts";

Deno.test({
  name: "browser: a firmware image uploaded on the charger page is installed live; diagnostics come back",
  ignore: !haveChromium,
  async fn() {
    const sys = await startSystem();
    const id = "CP-E2E-FW";
    const charger = new ChargerProcess(id, sys.csms.url, []);
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const errors: string[] = [];
    const dir = await Deno.makeTempDir();
    try {
      const image = `${dir}/sim-6.1.0.bin`;
      await Deno.writeTextFile(image, "CHARGEWIRE IMAGE\nversion: 6.1.0-browser\n");
      const page =
        await (await browser.newContext({ viewport: { width: 1366, height: 900 }, acceptDownloads: true }))
          .newPage();
      page.setDefaultTimeout(30_000);
      page.on("pageerror", (err) => errors.push(String(err)));
      await signIn(page, sys.web.url);
      await page.goto(`${sys.web.url}/chargers/${id}`);
      await page.waitForSelector('[data-testid="charger-detail"][data-online="yes"]');
      await page.waitForSelector('[data-testid="charger-files"]');

      await page.setInputFiles('[data-testid="firmware-upload"] input[type="file"]', image);
      await page.click('[data-testid="firmware-upload"] button[type="submit"]');
      const row = page.locator('[data-testid="firmware-file"][data-name="sim-6.1.0.bin"]');
      await row.waitFor();
      await row.locator("button").click();
      // Each status is pushed as it comes; Installed is the last before the reboot.
      await page.waitForSelector(
        '[data-testid="transfer-statuses"] li[data-kind="firmware"][data-status="Installed"]',
      );
      await page.waitForFunction(() => document.body.textContent?.includes("6.1.0-browser"));

      await page.selectOption('[data-testid="command-action"]', "GetDiagnostics");
      await page.click('[data-testid="command-send"]');
      const upload = page.locator('[data-testid="upload"]').first();
      await upload.waitFor();
      await page.waitForSelector(
        '[data-testid="transfer-statuses"] li[data-kind="diagnostics"][data-status="Uploaded"]',
      );
      const [download] = await Promise.all([page.waitForEvent("download"), upload.locator("a").click()]);
      const text = await Deno.readTextFile((await download.path())!);
      assert.match(
        text,
        /^# Chargewire simulator diagnostics\ncharger: CP-E2E-FW\nfirmware: 6\.1\.0-browser\n/,
      );
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
      await charger.stop();
      await sys.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
