/**
 * An OCPP 2.0.1 charger's page in headless Chromium, the real CSMS and portal: its protocol, its EVSEs'
 * connectors named "EVSE n / connector m", and the device-model view (grouped by component, filtered by
 * text, writable values editable, Refresh report). The charger's state and model are seeded through the
 * CSMS's real storage engine as its 2.0.1 adapter writes them (connect, boot, statuses, NotifyReport) and
 * the charger is gone again, so the commands the view sends are answered by the CSMS without it: Offline.
 * A live 2.0.1 charger's answers (attributeStatus, a report arriving) are tested end to end with it.
 */
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import type { DeviceVariable } from "../shared/domain.ts";
import type { CommandAnswered, CommandRequested } from "../shared/events.ts";
import { CHROMIUM, CHROMIUM_ARGS, haveChromium, signIn } from "./browser_support.ts";
import { ROOT, startSystem, waitFor } from "./web_support.ts";

const SHOTS = `${ROOT}test-output/web`;

Deno.test({
  name: "browser: a 2.0.1 charger's page shows its EVSEs' connectors and its device model, editable",
  ignore: !haveChromium,
  async fn() {
    await Deno.mkdir(SHOTS, { recursive: true });
    const sys = await startSystem();
    const id = "CP-DM-1";
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const errors: string[] = [];
    try {
      const storage = sys.csms.storage;
      const at = () => new Date().toISOString();
      await (await storage.chargers.connected(id, "ocpp2.0.1", sys.csms.node, at())).durable;
      await (await storage.chargers.booted(id, { vendor: "Chargewire", model: "Sim201" }, at())).durable;
      for (const connectorId of [1, 2]) {
        const report = { evseId: 1, connectorId, status: "Available" as const, original: "Available" };
        await (await storage.chargers.status(id, report, at())).durable;
      }
      const model: DeviceVariable[] = [
        {
          component: "OCPPCommCtrlr",
          variable: "HeartbeatInterval",
          attributeType: "Actual",
          value: "300",
          mutability: "ReadWrite",
          unit: "s",
          updatedAt: at(),
        },
        {
          component: "EVSE",
          evseId: 1,
          variable: "AvailabilityState",
          attributeType: "Actual",
          value: "Available",
          mutability: "ReadOnly",
          updatedAt: at(),
        },
        {
          component: "EVSE",
          evseId: 1,
          variable: "Power",
          attributeType: "MaxSet",
          value: "22000",
          mutability: "ReadOnly",
          unit: "W",
          updatedAt: at(),
        },
      ];
      await (await storage.deviceModel.report(id, model)).durable;
      await (await storage.chargers.gone(id, sys.csms.node, Date.now())).durable;

      const page = await (await browser.newContext({ viewport: { width: 1366, height: 900 } })).newPage();
      page.setDefaultTimeout(30_000);
      page.on("pageerror", (err) => errors.push(String(err)));
      page.on("console", (msg) => msg.type() === "error" && errors.push(msg.text()));
      await signIn(page, sys.web.url, `/chargers/${id}`);
      await page.waitForSelector('[data-testid="connection"][data-state="connected"]');

      // The protocol, and the connectors told apart within their EVSE.
      assert.match(await page.locator(".facts").textContent() ?? "", /ocpp2\.0\.1/);
      const connectors = page.locator('[data-testid="connectors"] .connector-id');
      assert.deepEqual(await connectors.allTextContents(), ["EVSE 1 / connector 1", "EVSE 1 / connector 2"]);
      // The command panel offers 2.0.1's commands.
      const actions = await page.locator('[data-testid="command-action"] option').allTextContents();
      assert.ok(actions.includes("GetVariables") && !actions.includes("GetConfiguration"), actions.join());

      // The model, grouped by component.
      const view = page.locator('[data-testid="device-model"]');
      await view.locator('[data-testid="device-model-table"]').waitFor();
      assert.deepEqual(
        await view.locator("tbody[data-component]").evaluateAll((els) =>
          els.map((e) => e.getAttribute("data-component"))
        ),
        ["EVSE · EVSE 1", "OCPPCommCtrlr"], // the read model orders by component
      );
      const power = await view.locator('tr[data-variable="Power (MaxSet)"] td').allTextContents();
      assert.deepEqual(power.slice(0, 4), ["Power (MaxSet)", "22000", "W", "ReadOnly"]);
      // Only the ReadWrite value is editable.
      assert.equal(await view.locator('[data-testid="variable-value"]').count(), 1);
      await page.screenshot({ path: `${SHOTS}/device-model.png`, fullPage: true });

      // The filter.
      await page.fill('[data-testid="device-model-filter"]', "avail");
      await waitFor(async () => (await view.locator("tr[data-variable]").count()) === 1, "the filter");
      assert.equal(
        await view.locator("tr[data-variable]").getAttribute("data-variable"),
        "AvailabilityState",
      );
      await page.fill('[data-testid="device-model-filter"]', "");

      // Setting a value sends SetVariables for that variable; the charger is gone, so the CSMS says Offline.
      const input = view.locator('tr[data-variable="HeartbeatInterval"] [data-testid="variable-value"]');
      assert.equal(await input.inputValue(), "300");
      await input.fill("60");
      await view.locator('tr[data-variable="HeartbeatInterval"] button[type="submit"]').click();
      const status = view.locator('[data-testid="attribute-status"]');
      await status.waitFor();
      const answered = await waitFor(
        () =>
          sys.events.find((e): e is CommandAnswered =>
            e.type === "command.answered" && e.chargerId === id && e.action === "SetVariables"
          ),
        "the CSMS's answer",
      );
      assert.equal(!answered.result.ok && answered.result.error, "offline");
      assert.equal(await status.textContent(), "Offline");
      const sent = sys.events.find((e): e is CommandRequested =>
        e.type === "command.requested" && e.chargerId === id && e.action === "SetVariables"
      );
      assert.deepEqual(sent?.payload, {
        setVariableData: [{
          component: { name: "OCPPCommCtrlr" },
          variable: { name: "HeartbeatInterval" },
          attributeType: "Actual",
          attributeValue: "60",
        }],
      });

      // Refresh report asks for the full inventory.
      await page.click('[data-testid="device-model-refresh"]');
      await page.waitForSelector('[data-testid="device-model-report"][data-outcome="Offline"]');
      const report = sys.events.find((e): e is CommandRequested =>
        e.type === "command.requested" && e.chargerId === id && e.action === "GetBaseReport"
      );
      assert.equal((report?.payload as { reportBase?: string }).reportBase, "FullInventory");

      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
      await sys.close();
    }
  },
});
