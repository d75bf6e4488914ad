/**
 * Smart charging end to end in headless Chromium (issue 13): a simulated charger (its own process) charges
 * at 11 kW; the operator sets a 3.7 kW TxProfile mid-transaction from the charger page's command panel;
 * the first sample the charger takes after accepting it reports at most 3.7 kW, and the battery chart shows
 * the power at the limit with the limit drawn; the composite schedule shows as a step chart; REST lists the
 * stored profile; ClearChargingProfile brings the power back above the limit and the limit off the chart.
 */
import assert from "node:assert/strict";
import { chromium, type Page } from "playwright-core";
import type { BusEvent, MeterValuesReceived } from "../shared/events.ts";
import { axeViolations, CHROMIUM, CHROMIUM_ARGS, haveChromium, signIn } from "./browser_support.ts";
import { ChargerProcess, ROOT, startSystem, type TestSystem, waitFor } from "./web_support.ts";

const SHOTS = `${ROOT}test-output/web`;
const LIMIT_W = 3700;
const FULL_W = 11_000;

/** Sends the panel's command with `fields` typed in (selects by value), and waits for the charger's answer. */
async function sendFromPanel(page: Page, action: string, fields: Record<string, string>): Promise<void> {
  const panel = page.locator('[data-testid="command-panel"]');
  await page.selectOption('[data-testid="command-action"]', action);
  for (const [name, value] of Object.entries(fields)) {
    const field = panel.locator(`[name="${name}"]`);
    if (await field.evaluate((el) => el.tagName === "SELECT")) await field.selectOption(value);
    else await field.fill(value);
  }
  await page.click('[data-testid="command-send"]');
  await page.waitForSelector(
    `[data-testid="command-outcome"]:has(.outcome-action:text-is("${action}"))[data-outcome="Accepted"]`,
  );
}

/** The time the CSMS answered the operator's last `action` to `chargerId`, ms. */
function answeredAt(events: readonly BusEvent[], chargerId: string, action: string): number {
  const answer = events.findLast((e) =>
    e.type === "command.answered" && e.chargerId === chargerId && e.action === action
  );
  assert.ok(answer, `${action} answered`);
  return Date.parse(answer.at);
}

/** The power of the first sample the charger took after `afterMs` (waits for it; bounded). */
function firstPowerAfter(sys: TestSystem, chargerId: string, afterMs: number): Promise<number> {
  return waitFor(() => {
    for (const e of sys.events) {
      if (e.type !== "meter.values" || e.chargerId !== chargerId) continue;
      const sample = (e as MeterValuesReceived).samples.find((s) =>
        Date.parse(s.timestamp) > afterMs && s.powerW !== undefined
      );
      if (sample) return sample.powerW;
    }
    return undefined;
  }, "a sample taken after the answer");
}

Deno.test({
  name:
    "browser: a 3.7 kW TxProfile set from the portal caps the charger's power, drawn on the chart; clearing it lifts it",
  ignore: !haveChromium,
  async fn() {
    await Deno.mkdir(SHOTS, { recursive: true });
    const sys = await startSystem();
    const id = "CP-SMART-E2E";
    const charger = new ChargerProcess(id, sys.csms.url, [
      "--battery-kwh",
      "200",
      "--power-kw",
      String(FULL_W / 1000),
      "--soc",
      "20",
      "--config",
      "MeterValueSampleInterval=2",
    ]);
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const errors: string[] = [];
    try {
      // bypassCSP: for axe-core, injected as an inline script (tests/browser_support.ts).
      const page =
        await (await browser.newContext({ viewport: { width: 1366, height: 1000 }, bypassCSP: true }))
          .newPage();
      page.setDefaultTimeout(30_000);
      page.on("pageerror", (err) => errors.push(String(err)));
      page.on("console", (msg) => msg.type() === "error" && errors.push(msg.text()));
      await signIn(page, sys.web.url, `/chargers/${id}`);
      await page.waitForSelector('[data-testid="charger-detail"][data-online="yes"]');
      await page.waitForSelector('[data-testid="connection"][data-state="connected"]');

      // Charging at full power.
      await page.fill('[data-testid="id-tag"]', "SMART-TAG");
      await page.click('[data-testid="start"]');
      await page.waitForSelector('[data-testid="session-outcome"][data-outcome="Accepted"]');
      await page.waitForSelector('[data-testid="charger-detail"][data-status="Charging"]');
      const power = page.locator('[data-testid="chart-power"]');
      const kw = async () => Number((await power.textContent())?.replace(" kW", "")) * 1000;
      await waitFor(async () => await kw() > LIMIT_W, "charging above the limit-to-be", 60_000);
      assert.equal(await page.locator('[data-testid="chart-limit"]').count(), 0, "no limit yet");

      // The 3.7 kW TxProfile, typed into the panel's fields.
      await sendFromPanel(page, "SetChargingProfile", {
        "csChargingProfiles.chargingProfileId": "37",
        "csChargingProfiles.chargingProfilePurpose": "TxProfile",
        "csChargingProfiles.chargingProfileKind": "Relative",
        "csChargingProfiles.chargingSchedule.chargingRateUnit": "W",
        "csChargingProfiles.chargingSchedule.chargingSchedulePeriod.0.limit": String(LIMIT_W),
      });
      const setAt = answeredAt(sys.events, id, "SetChargingProfile");
      // The first sample after it already obeys it.
      const limited = await firstPowerAfter(sys, id, setAt);
      assert.ok(limited <= LIMIT_W, `the first sample after the profile: ${limited} W`);
      // The chart shows the power at the limit, and the limit itself.
      const limit = page.locator('[data-testid="chart-limit"]');
      await waitFor(
        async () => (await limit.getAttribute("data-value")) === String(LIMIT_W),
        "the limit on the chart",
      );
      assert.equal(await limit.textContent(), "3.7 kW");
      await waitFor(async () => await kw() <= LIMIT_W, "the chart's power at most the limit");
      await page.locator('[data-testid="battery-chart"]').screenshot({
        path: `${SHOTS}/smart-charging-limited.png`,
      });

      // REST lists the stored profile.
      const session = await sys.login();
      const listed = await session.json("GET", `/api/v1/chargers/${id}/charging-profiles`);
      assert.equal(listed.status, 200);
      assert.deepEqual(
        listed.body.items.map((p: { connectorId: number; profileId: number; purpose: string }) => [
          p.connectorId,
          p.profileId,
          p.purpose,
        ]),
        [[1, 37, "TxProfile"]],
      );

      // The composite schedule, as a step chart.
      await sendFromPanel(page, "GetCompositeSchedule", {
        connectorId: "1",
        duration: "600",
        chargingRateUnit: "W",
      });
      const composite = page.locator('[data-testid="composite-schedule"]');
      await composite.waitFor();
      assert.equal(await composite.locator("canvas").count(), 1);
      assert.equal(
        await composite.locator('[data-testid="composite-periods"] li').first().getAttribute("data-limit"),
        String(LIMIT_W),
      );

      // The limit, the composite schedule and the smart-charging forms pass axe-core's serious checks.
      assert.deepEqual(await axeViolations(page), []);

      // Cleared: the power goes back up, the limit off the chart, and off the stored list.
      await sendFromPanel(page, "ClearChargingProfile", { chargingProfilePurpose: "TxProfile" });
      const clearedAt = answeredAt(sys.events, id, "ClearChargingProfile");
      const lifted = await firstPowerAfter(sys, id, clearedAt);
      assert.ok(lifted > LIMIT_W, `the first sample after the clear: ${lifted} W`);
      await waitFor(async () => await kw() > LIMIT_W, "the chart's power above the old limit");
      await waitFor(async () => (await limit.count()) === 0, "no limit on the chart");
      assert.deepEqual(
        (await session.json("GET", `/api/v1/chargers/${id}/charging-profiles`)).body.items,
        [],
      );
      await page.locator('[data-testid="battery-chart"]').screenshot({
        path: `${SHOTS}/smart-charging-cleared.png`,
      });
      assert.deepEqual(errors, []);
    } catch (err) {
      console.error(charger.tail());
      throw err;
    } finally {
      await browser.close();
      await charger.stop();
      await sys.close();
    }
  },
});
