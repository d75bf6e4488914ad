/**
 * Refused connections in the portal, end to end: the CSMS refuses real handshakes; the portal counts them
 * in GET /api/v1/stats, lists them for admins at GET /api/v1/refusals, pushes them on Socket.IO to whoever
 * watches that charger (its page shows them), and shows them on the Registrations page (headless
 * Chromium), where one click registers a simulated charger that is knocking, which then gets in.
 */
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import type { BusEvent } from "../shared/events.ts";
import { CHROMIUM, CHROMIUM_ARGS, haveChromium, signIn } from "./browser_support.ts";
import { attempt } from "./csms_support.ts";
import { ChargerProcess, type Json, ROOT, startSystem, waitFor } from "./web_support.ts";

const KEY = "Knocking-Key-0123456789";

Deno.test("refusals: counted in the stats, listed for admins over REST, pushed to the charger's watchers", async () => {
  const sys = await startSystem({ CHARGER_POLICY: "basic" });
  try {
    const admin = await sys.login();
    const viewer = await admin.addUser("vera", "viewer");
    const operator = await admin.addUser("otto", "operator");
    const before = await viewer.json("GET", "/api/v1/stats");
    assert.equal(before.status, 200);
    assert.deepEqual([before.body.refusals.total, before.body.refusals.byReason], [0, {}]);
    assert.ok(!Number.isNaN(Date.parse(before.body.refusals.since)));

    // Someone watches the knocking charger's page, as its detail page does.
    const socket = admin.socket({ auth: { chargerId: "CP-KNOCK" } });
    const pushed: BusEvent[] = [];
    socket.on("charger:event", (e) => pushed.push(e));
    try {
      await new Promise((resolve) => socket.once("charger:snapshot", resolve));
      const url = sys.csms.url;
      assert.equal((await attempt(`${url}/CP-KNOCK`, { password: KEY })).status, 401);
      assert.equal((await attempt(`${url}/CP-KNOCK`)).status, 401);
      await admin.json("PUT", "/api/v1/registrations/CP-KNOCK", { authorizationKey: KEY });
      assert.equal((await attempt(`${url}/CP-KNOCK`, { password: "Wrong-Key-0000000001" })).status, 401);
      assert.equal((await attempt(`${url}/CP-OTHER`, { password: KEY })).status, 401);

      const refused = await waitFor(
        () => pushed.length >= 3 && pushed,
        "the refusals pushed to CP-KNOCK's watcher",
      );
      assert.deepEqual(
        refused.map((e) =>
          e.type === "charger.refused" && [e.chargerId, e.reason, e.status, e.remoteAddress]
        ),
        [
          ["CP-KNOCK", "unknown-id", 401, "127.0.0.1"],
          ["CP-KNOCK", "unknown-id", 401, "127.0.0.1"],
          ["CP-KNOCK", "bad-credentials", 401, "127.0.0.1"],
        ],
        "only its own charger's, and nothing else about a charger that never got in",
      );
    } finally {
      socket.close();
    }

    const stats = await viewer.json("GET", "/api/v1/stats");
    assert.deepEqual(stats.body.refusals.byReason, { "unknown-id": 3, "bad-credentials": 1 });
    assert.equal(stats.body.refusals.total, 4);
    assert.equal(stats.body.total, 0, "refused chargers are not in the fleet");
    assert.deepEqual((await viewer.json("GET", "/api/v1/chargers")).body.items, []);

    // A portal on its own reads refusals once the CSMS has written them, which on PostgreSQL may be a
    // best-effort flush later (csms/store/postgres/background.ts): waited for until the last one is there.
    const listed = await waitFor(async () => {
      const r = await admin.json("GET", "/api/v1/refusals");
      assert.equal(r.status, 200);
      return r.body.items.some((x: Json) => x.chargerId === "CP-OTHER") && r;
    }, "CP-OTHER's refusal listed");
    assert.deepEqual(
      listed.body.items.map((r: Json) => [r.chargerId, r.reason, r.attempts, r.registered, r.remoteAddress]),
      [
        ["CP-OTHER", "unknown-id", 1, false, "127.0.0.1"],
        ["CP-KNOCK", "bad-credentials", 3, true, "127.0.0.1"],
      ],
    );
    assert.ok(!JSON.stringify(listed.body).includes(KEY), "no password of a refused request");
    assert.equal((await admin.json("GET", "/api/v1/refusals?limit=1")).body.items.length, 1);
    assert.equal((await admin.json("GET", "/api/v1/refusals?limit=0")).status, 400);
    assert.equal((await admin.json("GET", "/api/v1/refusals?limit=many")).status, 400);
    assert.equal((await operator.json("GET", "/api/v1/refusals")).status, 403);
    assert.equal((await viewer.json("GET", "/api/v1/refusals")).status, 403);

    const doc = (await admin.json("GET", "/api/v1/openapi.json")).body;
    assert.ok(doc.paths["/api/v1/refusals"]?.get, "described in the OpenAPI document");
    assert.ok(doc.components.schemas.ChargerRefusal);
  } finally {
    await sys.close();
  }
});

Deno.test({
  name:
    "browser: a charger knocking is listed on the Registrations page; one click registers it, and it gets in",
  ignore: !haveChromium,
  async fn() {
    const shots = `${ROOT}test-output/web`;
    await Deno.mkdir(shots, { recursive: true });
    const sys = await startSystem({ CHARGER_POLICY: "basic" });
    const id = "SIM-KNOCK";
    // A real simulated charger, configured with its key but not registered: refused, it keeps retrying.
    const charger = new ChargerProcess(id, sys.csms.url, ["--password", KEY]);
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const errors: string[] = [];
    try {
      await waitFor(
        async () => (await sys.reads.listRefusals()).some((r) => r.chargerId === id),
        () => `${id} refused; it said:\n${charger.tail()}`,
      );
      const page = await (await browser.newContext({ viewport: { width: 1366, height: 900 } })).newPage();
      page.setDefaultTimeout(30_000);
      page.on("pageerror", (err) => errors.push(String(err)));
      page.on("console", (msg) => msg.type() === "error" && errors.push(msg.text()));
      await signIn(page, sys.web.url, "/registrations");

      const knocking = page.locator(`[data-testid="refusals"] tr[data-refusal="${id}"]`);
      await knocking.and(page.locator('[data-registered="no"]')).waitFor();
      assert.match(
        await knocking.locator('td[data-label="Why"]').textContent() ?? "",
        /not registered \(401\)/,
      );

      // Another knocks while the page is open: Refresh shows it (again until it does: on PostgreSQL the
      // portal reads a refusal once the CSMS's best-effort flush has written it).
      assert.equal((await attempt(`${sys.csms.url}/CP-LATE`, { password: KEY })).status, 401);
      const late = page.locator('[data-testid="refusals"] tr[data-refusal="CP-LATE"]');
      await waitFor(async () => {
        await page.locator('[data-testid="refusals"]').getByRole("button", { name: "Refresh" }).click();
        return await late.waitFor({ timeout: 1000 }).then(() => true, () => false);
      }, "CP-LATE listed after a Refresh");

      // On a charger's own page, a refusal shows in its status changes, live; it has still not connected.
      const detail = await page.context().newPage();
      detail.on("pageerror", (err) => errors.push(String(err)));
      await detail.goto(`${sys.web.url}/chargers/CP-WATCHED`);
      await detail.waitForSelector('[data-testid="connection"][data-state="connected"]');
      const entry = detail.locator('[data-testid="status-log"] .badge', { hasText: "Refused" }).first();
      // Knocking again until the page shows it: the page may not have joined the charger's room yet.
      await waitFor(async () => {
        assert.equal((await attempt(`${sys.csms.url}/CP-WATCHED`, { password: KEY })).status, 401);
        return await entry.waitFor({ timeout: 2000 }).then(() => true, () => false);
      }, "a refusal in the charger page's status changes");
      assert.equal(await entry.getAttribute("title"), "not registered (401)");
      await detail.getByText("This charger has not connected yet.").waitFor();
      await detail.close();

      // The admin types the key the charger has, and registers it from its row.
      await page.locator('[data-testid="register-form"] input[name="authorizationKey"]').fill(KEY);
      await knocking.getByRole("button", { name: "Register" }).click();
      await page.locator('[data-testid="registration-message"]', {
        hasText: `${id} registered with security profile 1.`,
      }).waitFor();
      await knocking.and(page.locator('[data-registered="yes"]')).waitFor();
      await page.locator(`tr[data-registration="${id}"][data-profile="1"]`).waitFor();
      assert.equal(await page.locator('[data-testid="key-reveal"]').count(), 0, "a typed key is not shown");
      assert.equal(
        await page.locator('[data-testid="refusals"] tr[data-refusal="CP-LATE"] button').count(),
        1,
        "the other one still offers Register",
      );
      await page.screenshot({ path: `${shots}/refusals.png`, fullPage: true });

      // At its next attempt the charger gets in.
      await waitFor(
        async () => (await sys.reads.getCharger(id))?.online,
        () => `${id} online after its registration; it said:\n${charger.tail()}`,
        60_000,
      );
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
      await charger.stop();
      await sys.close();
    }
  },
});
