/**
 * OCPP 2.0.1 end to end in headless Chromium: the simulator speaking 2.0.1 in its own process, the real
 * CSMS and portal, and an operator who reads the charger's device model, sets how often it reports while
 * charging, starts a session (RequestStartTransaction underneath), watches the battery rise, stops it
 * (RequestStopTransaction) and finds it in the history beside the charger's own transaction id. Every frame
 * that crossed the CSMS is checked against the 2.0.1 schemas here too, and none was a CALLERROR.
 */
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { FRAME_TEXT_LIMIT } from "../csms/frame_text.ts";
import type { OcppFrameEvent } from "../shared/events.ts";
import { validatePayload } from "../shared/ocpp/validate.ts";
import { axeViolations, CHROMIUM, CHROMIUM_ARGS, haveChromium, signIn } from "./browser_support.ts";
import { ChargerProcess, QUICK_CAR_ARGS, ROOT, startSystem, waitFor } from "./web_support.ts";

const SHOTS = `${ROOT}test-output/web`;

/**
 * Each frame's payload checked against the 2.0.1 schema of its action (answers matched to their CALL).
 * Frames the bus carries cut (csms/frame_text.ts: a NotifyReport page, say) are counted, not checked.
 */
function schemaProblems(frames: readonly OcppFrameEvent[]): { problems: string[]; checked: number } {
  const actionOf = new Map<string, string>();
  const problems: string[] = [];
  let checked = 0;
  for (const f of frames) {
    if (f.text.length >= FRAME_TEXT_LIMIT) continue;
    checked++;
    const message = JSON.parse(f.text) as unknown[];
    if (f.messageType === 2) {
      const [, id, action, payload] = message as [number, string, string, unknown];
      actionOf.set(`${f.direction}:${id}`, action);
      const bad = validatePayload("ocpp2.0.1", action, "request", payload);
      if (bad) problems.push(`${f.direction} ${action} CALL: ${bad.description}`);
    } else if (f.messageType === 3) {
      const [, id, payload] = message as [number, string, unknown];
      // An answer travels the other way from its CALL.
      const action = actionOf.get(`${f.direction === "in" ? "out" : "in"}:${id}`);
      if (!action) continue; // its CALL is older than what the bus kept
      const bad = validatePayload("ocpp2.0.1", action, "response", payload);
      if (bad) problems.push(`${f.direction} ${action} CALLRESULT: ${bad.description}`);
    } else {
      problems.push(`${f.direction} message type ${f.messageType}: ${f.text}`);
    }
  }
  return { problems, checked };
}

Deno.test({
  name: "browser: an OCPP 2.0.1 station — device model, Start, the battery rising, Stop, the history",
  ignore: !haveChromium,
  async fn() {
    await Deno.mkdir(SHOTS, { recursive: true });
    const sys = await startSystem();
    const id = "CS-E2E-201";
    const charger = new ChargerProcess(id, sys.csms.url, [...QUICK_CAR_ARGS, "--ocpp", "2.0.1"]);
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const errors: string[] = [];
    try {
      const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
      const page = await context.newPage();
      page.setDefaultTimeout(30_000);
      page.on("pageerror", (err) => errors.push(String(err)));
      page.on("console", (msg) => msg.type() === "error" && errors.push(msg.text()));

      // The fleet lists it like any charger; its page says which protocol it speaks.
      await signIn(page, sys.web.url);
      const row = page.locator(`tr[data-charger="${id}"]`);
      await row.locator('.badge[data-status="Available"]').waitFor();
      await row.locator("a.charger-link").click();
      await page.waitForURL(`**/chargers/${id}`);
      await page.waitForSelector('[data-testid="charger-detail"][data-online="yes"]');
      assert.match(await page.locator(".facts").textContent() ?? "", /ocpp2\.0\.1/);
      const offered = await page.locator('[data-testid="command-action"] option').allTextContents();
      assert.ok(offered.includes("RequestStartTransaction") && !offered.includes("RemoteStartTransaction"));

      // The device model: the station reports its whole inventory, and the view fills in from it.
      const model = page.locator('[data-testid="device-model"]');
      await page.click('[data-testid="device-model-refresh"]');
      await page.waitForSelector('[data-testid="device-model-report"][data-outcome="Accepted"]');
      const interval = model.locator('tr[data-variable="TxUpdatedInterval"]');
      await interval.waitFor();
      assert.ok(
        (await model.locator("tbody[data-component]").count()) >= 5,
        "several components in the station's report",
      );
      // Meter values every second while charging, set through the view (SetVariables underneath).
      await interval.locator('[data-testid="variable-value"]').fill("1");
      await interval.locator('button[type="submit"]').click();
      await waitFor(
        async () => (await model.locator('[data-testid="attribute-status"]').textContent()) === "Accepted",
        "the station to accept TxUpdatedInterval = 1",
      );
      const variables = async () => {
        const res = await fetch(`${sys.web.url}/api/v1/chargers/${id}/variables`, {
          headers: { cookie: (await context.cookies()).map((c) => `${c.name}=${c.value}`).join("; ") },
        });
        return (await res.json() as {
          items: Array<{ variable: string; value?: string; mutability?: string }>;
        })
          .items;
      };
      await waitFor(
        async () => (await variables()).find((v) => v.variable === "TxUpdatedInterval")?.value === "1",
        "the stored device model to hold the new value",
      );
      // The write-only password is listed, never with a value.
      const password = (await variables()).find((v) => v.variable === "BasicAuthPassword");
      assert.deepEqual([password?.mutability, password?.value], ["WriteOnly", undefined]);

      // Start: RequestStartTransaction, the station charges.
      await page.fill('[data-testid="id-tag"]', "E2E-201");
      await page.click('[data-testid="start"]');
      await page.waitForSelector('[data-testid="session-outcome"][data-outcome="Accepted"]');
      assert.match(
        await page.locator('[data-testid="session-outcome"]').textContent() ?? "",
        /RequestStartTransaction/,
      );
      await page.waitForSelector('[data-testid="charger-detail"][data-status="Charging"]');
      const session = page.locator('[data-testid="active-session"]');
      await session.waitFor();
      // The charger's own id (a string it made up) shows beside the CSMS's number.
      const sessionText = await session.textContent() ?? "";
      assert.match(sessionText, /the charger's [0-9a-f-]{8,}/);
      assert.match(sessionText, /E2E-201/);

      // The battery rises in the chart, from TransactionEvent Updated meter values.
      const chart = page.locator('[data-testid="battery-chart"]');
      await page.waitForFunction(() =>
        Number(document.querySelector('[data-testid="battery-chart"]')?.getAttribute("data-points")) >= 1
      );
      const firstSoc = Number(await page.locator('[data-testid="chart-soc"]').getAttribute("data-value"));
      await waitFor(async () => {
        const now = Number(await page.locator('[data-testid="chart-soc"]').getAttribute("data-value"));
        return now > firstSoc && Number(await chart.getAttribute("data-points")) >= 3;
      }, "the SoC to rise in the chart");
      assert.equal(await chart.locator("canvas").count(), 1);
      const log = page.locator('[data-testid="event-log"]');
      await log.locator('tr.frame-in[data-action="TransactionEvent"]').first().waitFor();
      await log.locator('tr.frame-out[data-action="RequestStartTransaction"]').first().waitFor();
      await page.screenshot({ path: `${SHOTS}/ocpp201-charging.png`, fullPage: true });

      // The page passes the same accessibility check as the others (axe needs the CSP bypassed).
      const axeContext = await browser.newContext({
        viewport: { width: 1366, height: 900 },
        bypassCSP: true,
      });
      const axePage = await axeContext.newPage();
      await signIn(axePage, sys.web.url);
      await axePage.goto(`${sys.web.url}/chargers/${id}`);
      await axePage.waitForSelector('[data-testid="device-model-table"]');
      assert.deepEqual(await axeViolations(axePage), []);
      await axeContext.close();

      // Stop: RequestStopTransaction with the charger's own id; Available again, the session in the history.
      const txId = await session.getAttribute("data-transaction");
      await page.click('[data-testid="stop"]');
      await page.waitForSelector('[data-testid="session-outcome"][data-outcome="Accepted"]');
      assert.match(
        await page.locator('[data-testid="session-outcome"]').textContent() ?? "",
        /RequestStopTransaction/,
      );
      await page.waitForSelector('[data-testid="no-session"]');
      await page.waitForSelector('[data-testid="charger-detail"][data-status="Available"]');
      const recent = page.locator(`[data-testid="recent-transactions"] tr[data-transaction="${txId}"]`);
      await page.waitForSelector(
        `[data-testid="recent-transactions"] tr[data-transaction="${txId}"][data-state="stopped"]`,
      );
      const chargerTxId = await recent.locator('[data-testid="charger-transaction-id"]').textContent() ?? "";
      assert.match(chargerTxId, /^[0-9a-f-]{8,}$/);

      await page.click('a[href="/transactions"]');
      const tx = page.locator(`[data-testid="transactions"] tr[data-transaction="${txId}"]`);
      await tx.waitFor();
      assert.equal(await tx.getAttribute("data-state"), "stopped");
      const text = await tx.textContent() ?? "";
      assert.match(text, /E2E-201/);
      assert.match(text, new RegExp(id));
      assert.match(text, /Remote/);
      assert.match(text, /[1-9]\d*\.\d\d kWh|0\.0[1-9] kWh|0\.[1-9]\d kWh/);
      await page.screenshot({ path: `${SHOTS}/ocpp201-transactions.png`, fullPage: true });

      // The same transaction over REST: the charger's id, the energy, the stop.
      const res = await fetch(`${sys.web.url}/api/v1/transactions/${txId}`, {
        headers: { cookie: (await context.cookies()).map((c) => `${c.name}=${c.value}`).join("; ") },
      });
      const record = await res.json();
      assert.equal(record.chargerTransactionId, chargerTxId);
      assert.equal(record.stopReason, "Remote");
      assert.ok(record.energyWh > 0, JSON.stringify(record));

      // Every frame both ways was schema-valid, and none was refused.
      const frames = sys.events.filter((e): e is OcppFrameEvent =>
        e.type === "ocpp.frame" && e.chargerId === id
      );
      assert.ok(frames.some((f) => f.action === "NotifyReport"));
      const { problems, checked } = schemaProblems(frames);
      assert.deepEqual(problems, []);
      assert.ok(checked >= frames.length - 10, `${checked} of ${frames.length} frames checked`);
      assert.deepEqual(errors, [], "no errors in the browser");
    } finally {
      await browser.close();
      await charger.stop();
      await sys.close();
    }
  },
});
