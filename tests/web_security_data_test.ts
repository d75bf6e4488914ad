/**
 * The security extension and what the CSMS keeps of a charger, end to end: the real CSMS and portal, the
 * simulator in its own process. Over REST: the certificate commands and ExtendedTriggerMessage answered
 * by the simulator, its security events in the event log (and live over Socket.IO), every measurand it
 * sends kept, its configuration kept from GetConfiguration and ChangeConfiguration. In Chromium (when
 * present): the event-log page and the charger page's measurands and configuration tables.
 */
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import type { SecurityEventReceived } from "../shared/events.ts";
import { CHROMIUM, CHROMIUM_ARGS, haveChromium, signIn } from "./browser_support.ts";
import { ChargerProcess, type Json, ROOT, startSystem, waitFor } from "./web_support.ts";

const fixture = Deno.readTextFileSync(new URL("../charger/testdata/root_fixture.pem", import.meta.url));

Deno.test("security extension, measurands, configuration and the event log through the portal", async (t) => {
  const sys = await startSystem();
  const id = "CP-SECDATA-1";
  const session = await sys.login();
  const socket = session.socket();
  const live: SecurityEventReceived[] = [];
  socket.on("security", (e) => live.push(e));
  await new Promise<void>((resolve) => socket.on("connect", () => resolve()));
  const charger = new ChargerProcess(id, sys.csms.url, ["--battery-kwh", "1", "--power-kw", "22"]);
  const get = (path: string) => session.json("GET", `/api/v1${path}`);
  const command = async (action: string, payload: unknown) => {
    const res = await session.json("POST", `/api/v1/chargers/${id}/commands/${action}`, payload);
    assert.equal(res.status, 200, `${action}: ${JSON.stringify(res.body)}`);
    assert.equal(res.body.ok, true, action);
    return res.body.response as Json;
  };

  try {
    await t.step("the charger's startup security event: stored, and live to portal clients", async () => {
      const startup = await waitFor(
        () => live.find((e) => e.chargerId === id && e.eventType === "StartupOfTheDevice"),
        () => `StartupOfTheDevice over Socket.IO; charger said:\n${charger.tail()}`,
      );
      assert.ok(Date.parse(startup.timestamp) > 0);
      // The event log is written in the background (PostgreSQL: in batches): live first, stored soon after.
      const stored = await waitFor(async () => {
        const { body } = await get(`/events?chargerId=${id}&type=security.`);
        return body.items.length > 0 ? body.items : undefined;
      }, "the startup event in the event log");
      assert.deepEqual(stored.map((e: Json) => e.data.eventType), ["StartupOfTheDevice"]);
    });

    await t.step(
      "certificate commands and ExtendedTriggerMessage, as the simulator answers them",
      async () => {
        assert.deepEqual(
          await command("InstallCertificate", {
            certificateType: "CentralSystemRootCertificate",
            certificate: fixture,
          }),
          { status: "Accepted" },
        );
        const ids = await command("GetInstalledCertificateIds", {
          certificateType: "CentralSystemRootCertificate",
        });
        assert.equal(ids.status, "Accepted");
        assert.equal(ids.certificateHashData[0].serialNumber, "3753db30d6bdc7dc13c45cb2e6fb3bb323b2a2ee");
        assert.deepEqual(
          await command("DeleteCertificate", { certificateHashData: ids.certificateHashData[0] }),
          {
            status: "Accepted",
          },
        );
        assert.deepEqual(
          await command("GetInstalledCertificateIds", { certificateType: "CentralSystemRootCertificate" }),
          { status: "NotFound" },
        );
        // No CA is configured: the CSMS refuses the CSR the trigger makes the charger send.
        assert.deepEqual(
          await command("ExtendedTriggerMessage", { requestedMessage: "SignChargePointCertificate" }),
          {
            status: "Accepted",
          },
        );
        await waitFor(async () => {
          const { body } = await get(`/events?chargerId=${id}`);
          return body.items.some((e: Json) => e.type === "frame" || e.type === "command.answered") ||
            body.items.length > 0;
        }, "events");
        // A chain for no key this charger asked for: rejected, and the charger reports it.
        assert.deepEqual(await command("CertificateSigned", { certificateChain: fixture }), {
          status: "Rejected",
        });
        await waitFor(
          () => live.find((e) => e.chargerId === id && e.eventType === "InvalidChargePointCertificate"),
          "InvalidChargePointCertificate live",
        );
        const items = await waitFor(async () => {
          const { body } = await get(`/events?chargerId=${id}&type=security.`);
          return body.items.length >= 4 ? body.items : undefined;
        }, "four security events in the event log");
        assert.deepEqual(items.map((e: Json) => e.data.eventType), [
          "StartupOfTheDevice",
          "ReconfigurationOfSecurityParameters",
          "ReconfigurationOfSecurityParameters",
          "InvalidChargePointCertificate",
        ]);
        // Paging back from the newest.
        const newest = (await get(`/events?chargerId=${id}&type=security.&limit=2`)).body.items;
        const before =
          (await get(`/events?chargerId=${id}&type=security.&limit=2&beforeId=${newest[0].id}`)).body.items;
        assert.deepEqual(before.map((e: Json) => e.data.eventType), [
          "StartupOfTheDevice",
          "ReconfigurationOfSecurityParameters",
        ]);
      },
    );

    await t.step(
      "configuration: a full GetConfiguration is kept, an accepted change updates it",
      async () => {
        assert.deepEqual((await get(`/chargers/${id}/configuration`)).body, { items: [] });
        const answer = await command("GetConfiguration", {});
        const { body } = await get(`/chargers/${id}/configuration`);
        assert.equal(body.items.length, answer.configurationKey.length);
        const interval = body.items.find((k: Json) => k.key === "MeterValueSampleInterval");
        assert.equal(interval.readonly, false);
        assert.deepEqual(
          await command("ChangeConfiguration", { key: "MeterValueSampleInterval", value: "1" }),
          {
            status: "Accepted",
          },
        );
        const after = (await get(`/chargers/${id}/configuration`)).body.items;
        assert.equal(after.find((k: Json) => k.key === "MeterValueSampleInterval").value, "1");
        assert.equal(after.find((k: Json) => k.key === "AuthorizationKey")?.value, undefined);
      },
    );

    await t.step(
      "every measurand the charger sends is kept (Power.Offered, Current.Offered too)",
      async () => {
        await command("ChangeConfiguration", {
          key: "MeterValuesSampledData",
          value:
            "Energy.Active.Import.Register,Power.Active.Import,Power.Offered,Current.Offered,Voltage,SoC",
        });
        assert.deepEqual(await command("RemoteStartTransaction", { connectorId: 1, idTag: "SEC-TAG" }), {
          status: "Accepted",
        });
        const sample = await waitFor(async () => {
          const { body } = await get(`/chargers/${id}/meter-values`);
          return (body.items as Json[]).findLast((s) =>
            s.readings?.some((r: Json) => r.measurand === "Power.Offered")
          );
        }, "a sample with Power.Offered");
        const offered = sample.readings.find((r: Json) => r.measurand === "Current.Offered");
        assert.equal(offered.unit, "A");
        assert.ok(offered.value > 0);
      },
    );

    if (haveChromium) {
      await t.step("browser: the event-log page and the charger page's tables", async () => {
        const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
        const errors: string[] = [];
        try {
          const page = await (await browser.newContext({ viewport: { width: 1366, height: 900 } })).newPage();
          page.setDefaultTimeout(30_000);
          page.on("pageerror", (err) => errors.push(String(err)));
          page.on("console", (msg) => msg.type() === "error" && errors.push(msg.text()));
          await signIn(page, sys.web.url, `/events?chargerId=${id}&type=security.`);
          await page.waitForSelector('[data-testid="connection"][data-state="connected"]');
          const rows = page.locator('[data-testid="event-log"] tbody tr');
          assert.equal(await rows.count(), 4);
          assert.match(await rows.first().textContent() ?? "", /InvalidChargePointCertificate/);
          // A new security event arrives live: a reset makes the charger report ResetOrReboot.
          await command("Reset", { type: "Soft" });
          await waitFor(async () => (await rows.count()) === 5, "the live ResetOrReboot row");
          assert.match(await rows.first().textContent() ?? "", /ResetOrReboot/);
          await Deno.mkdir(`${ROOT}test-output/web`, { recursive: true });
          await page.screenshot({ path: `${ROOT}test-output/web/event-log.png`, fullPage: true });

          await page.goto(`${sys.web.url}/chargers/${id}`);
          await page.waitForSelector('[data-testid="connection"][data-state="connected"]');
          await page.locator('[data-testid="measurands"] tr[data-measurand="Power.Offered"]').waitFor();
          const power = await page.locator('[data-testid="measurands"] tr[data-measurand="Power.Offered"] td')
            .allTextContents();
          assert.match(power[4], /^\d+(\.\d+)? W$/);
          const cfg = page.locator(
            '[data-testid="configuration"] tr[data-key="MeterValueSampleInterval"] td',
          );
          await cfg.first().waitFor();
          assert.equal((await cfg.allTextContents())[1], "1");
          await page.screenshot({ path: `${ROOT}test-output/web/measurands.png`, fullPage: true });
          assert.deepEqual(errors, []);
        } finally {
          await browser.close();
        }
      });
    }
  } finally {
    socket.close();
    await charger.stop();
    await sys.close();
  }
});
