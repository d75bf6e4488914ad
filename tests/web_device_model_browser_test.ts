/**
 * An OCPP 2.0.1 charger's page in headless Chromium, the real CSMS and portal: its protocol, its EVSEs'
 * connectors named "EVSE n / connector m", and the device-model view (grouped by component, filtered by
 * text, writable values editable, Refresh report). The charger is an independent strict 2.0.1 station (npm
 * ocpp-rpc): it boots, reports two connectors of one EVSE and a small device model (NotifyReport), and
 * records the commands the view sends it, answering SetVariables Rejected. The simulator's own model and
 * answers are tested end to end in web_ocpp201_browser_test.ts.
 */
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { CHROMIUM, CHROMIUM_ARGS, haveChromium, signIn } from "./browser_support.ts";
import { connectPeerClient, type PeerSession } from "./ocpp_rpc_peer.ts";
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
    let station: PeerSession | undefined;
    try {
      station = await connectPeerClient({ endpoint: sys.csms.url, identity: id, protocols: ["ocpp2.0.1"] });
      const received: Array<[string, Record<string, unknown>]> = [];
      station.handle("SetVariables", ({ params }) => {
        received.push(["SetVariables", params]);
        return {
          setVariableResult: params.setVariableData.map((d: Record<string, unknown>) => ({
            attributeStatus: "Rejected",
            attributeType: d.attributeType,
            component: d.component,
            variable: d.variable,
          })),
        };
      });
      station.handle("GetBaseReport", ({ params }) => {
        received.push(["GetBaseReport", params]);
        return { status: "Accepted" };
      });
      const at = () => new Date().toISOString();
      await station.call("BootNotification", {
        reason: "PowerUp",
        chargingStation: { vendorName: "Chargewire", model: "Sim201" },
      });
      for (const connectorId of [1, 2]) {
        await station.call("StatusNotification", {
          timestamp: at(),
          connectorStatus: "Available",
          evseId: 1,
          connectorId,
        });
      }
      await station.call("NotifyReport", {
        requestId: 0,
        generatedAt: at(),
        seqNo: 0,
        reportData: [
          {
            component: { name: "OCPPCommCtrlr" },
            variable: { name: "HeartbeatInterval" },
            variableAttribute: [{ type: "Actual", value: "300", mutability: "ReadWrite" }],
            variableCharacteristics: { unit: "s", dataType: "integer", supportsMonitoring: false },
          },
          {
            component: { name: "EVSE", evse: { id: 1 } },
            variable: { name: "AvailabilityState" },
            variableAttribute: [{ value: "Available", mutability: "ReadOnly" }],
            variableCharacteristics: { dataType: "OptionList", supportsMonitoring: false },
          },
          {
            component: { name: "EVSE", evse: { id: 1 } },
            variable: { name: "Power" },
            variableAttribute: [{ type: "MaxSet", value: "22000", mutability: "ReadOnly" }],
            variableCharacteristics: { unit: "W", dataType: "decimal", supportsMonitoring: false },
          },
        ],
      });

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

      // Setting a value sends SetVariables for that variable; the station's attributeStatus is shown.
      const input = view.locator('tr[data-variable="HeartbeatInterval"] [data-testid="variable-value"]');
      assert.equal(await input.inputValue(), "300");
      await input.fill("60");
      await view.locator('tr[data-variable="HeartbeatInterval"] button[type="submit"]').click();
      const status = view.locator('[data-testid="attribute-status"]');
      await waitFor(async () => (await status.textContent()) === "Rejected", "the station's Rejected");
      assert.deepEqual(received.find(([action]) => action === "SetVariables")?.[1], {
        setVariableData: [{
          component: { name: "OCPPCommCtrlr" },
          variable: { name: "HeartbeatInterval" },
          attributeType: "Actual",
          attributeValue: "60",
        }],
      });

      // Refresh report asks for the full inventory.
      await page.click('[data-testid="device-model-refresh"]');
      await page.waitForSelector('[data-testid="device-model-report"][data-outcome="Accepted"]');
      const report = received.find(([action]) => action === "GetBaseReport")?.[1];
      assert.equal(report?.reportBase, "FullInventory");

      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
      await station?.close({ force: true });
      await sys.close();
    }
  },
});
