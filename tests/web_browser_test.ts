/**
 * The portal end to end in headless Chromium: the real CSMS and portal, a
 * simulated charger in its own process, and an operator who signs in on the
 * sign-in page, opens the fleet, starts a session, watches it charge and stops
 * it; and an admin who manages users, API tokens and charger registrations.
 * Screenshots land in test-output/web/.
 */
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { CHROMIUM, CHROMIUM_ARGS, haveChromium, signIn } from "./browser_support.ts";
import { TestCharger } from "./csms_support.ts";
import { ADMIN_PASSWORD, ChargerProcess, QUICK_CAR_ARGS, ROOT, startSystem, waitFor } from "./web_support.ts";

const SHOTS = `${ROOT}test-output/web`;

Deno.test({
  name: "browser: see the charger, Start, watch it charge (chart and log), Stop, find it in the history",
  ignore: !haveChromium,
  async fn() {
    await Deno.mkdir(SHOTS, { recursive: true });
    const sys = await startSystem();
    const id = "CP-E2E-1";
    const charger = new ChargerProcess(id, sys.csms.url, QUICK_CAR_ARGS);
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const errors: string[] = [];
    const foreign: string[] = [];
    // While the test itself takes the portal down, the browser's failed reconnection attempts are expected.
    let outage = false;
    try {
      const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
      const page = await context.newPage();
      page.setDefaultTimeout(30_000);
      page.on("pageerror", (err) => errors.push(String(err)));
      page.on("console", (msg) => msg.type() === "error" && !outage && errors.push(msg.text()));
      page.on("request", (req) => {
        if (!req.url().startsWith(sys.web.url) && !req.url().startsWith("data:")) foreign.push(req.url());
      });

      // Signing in, then the fleet: the charger appears, live.
      await signIn(page, sys.web.url);
      await page.waitForSelector('[data-testid="connection"][data-state="connected"]');
      const row = page.locator(`tr[data-charger="${id}"]`);
      await row.locator('.badge[data-status="Available"]').waitFor();
      assert.equal(await page.locator('[data-chip="all"] .chip-count').textContent(), "1");
      await page.screenshot({ path: `${SHOTS}/fleet.png`, fullPage: true });

      // Its detail page.
      await row.locator("a.charger-link").click();
      await page.waitForURL(`**/chargers/${id}`);
      await page.waitForSelector('[data-testid="charger-detail"][data-online="yes"]');
      await page.waitForSelector('[data-testid="connection"][data-state="connected"]');

      // Ask for a meter value every second (through the compact command form), so the chart moves quickly.
      await page.selectOption('[data-testid="command-action"]', "ChangeConfiguration");
      await page.fill('[data-testid="command-panel"] input[name="key"]', "MeterValueSampleInterval");
      await page.fill('[data-testid="command-panel"] input[name="value"]', "1");
      await page.click('[data-testid="command-send"]');
      await page.waitForSelector('[data-testid="command-outcome"][data-outcome="Accepted"]');

      // Start: the charger's answer is shown, and it goes Charging.
      await page.fill('[data-testid="id-tag"]', "E2E-TAG");
      await page.click('[data-testid="start"]');
      await page.waitForSelector('[data-testid="session-outcome"][data-outcome="Accepted"]');
      assert.match(
        await page.locator('[data-testid="session-outcome"]').textContent() ?? "",
        /RemoteStartTransaction/,
      );
      await page.waitForSelector('[data-testid="charger-detail"][data-status="Charging"]');
      await page.waitForSelector('[data-testid="active-session"]');

      // The SoC rises in the chart; the chart really draws (uPlot's canvas is there).
      const chart = page.locator('[data-testid="battery-chart"]');
      await page.waitForFunction(() =>
        Number(document.querySelector('[data-testid="battery-chart"]')?.getAttribute("data-points")) >= 1
      );
      const firstSoc = Number(await page.locator('[data-testid="chart-soc"]').getAttribute("data-value"));
      await waitFor(async () => {
        const now = Number(await page.locator('[data-testid="chart-soc"]').getAttribute("data-value"));
        const points = Number(await chart.getAttribute("data-points"));
        return now > firstSoc && points >= 2;
      }, "the SoC to rise in the chart");
      assert.equal(await chart.locator("canvas").count(), 1);
      assert.ok(firstSoc >= 20);

      // The fleet, in another tab, shows it charging, live.
      const fleetTab = await context.newPage();
      fleetTab.on("pageerror", (err) => errors.push(String(err)));
      await fleetTab.goto(sys.web.url);
      const charging = fleetTab.locator(`tr[data-charger="${id}"]`);
      await charging.locator('.badge[data-status="Charging"]').waitFor();
      await charging.locator('td[data-label="Session"]', { hasText: "E2E-TAG" }).waitFor();
      await waitFor(
        async () => /\d+\.\d %/.test(await charging.locator('td[data-label="SoC"]').textContent() ?? ""),
        "the SoC in the fleet row",
      );
      assert.match(await charging.locator('td[data-label="Power"]').textContent() ?? "", /[1-9][\d.]* kW/);
      assert.equal(await fleetTab.locator('[data-chip="Charging"] .chip-count').textContent(), "1");
      await fleetTab.screenshot({ path: `${SHOTS}/fleet-charging.png`, fullPage: true });
      await fleetTab.close();

      // ... and in the log: the frames that carried it, in and out.
      // (A few more samples first, so the screenshot shows a curve.)
      await waitFor(
        async () => Number(await chart.getAttribute("data-points")) >= 6,
        "six samples in the chart",
      );
      const log = page.locator('[data-testid="event-log"]');
      await log.locator('tr.frame-in[data-action="MeterValues"]').first().waitFor();
      await log.locator('tr.frame-out[data-action="RemoteStartTransaction"]').first().waitFor();
      await log.locator('tr.frame-in[data-action="StartTransaction"]').first().waitFor();
      // Filtering by action shows only that action.
      await log.locator('select[aria-label="Filter by action"]').selectOption("MeterValues");
      const actions = await log.locator("tbody tr").evaluateAll((rows) =>
        rows.map((r) => r.getAttribute("data-action"))
      );
      assert.ok(actions.length > 0 && actions.every((a) => a === "MeterValues"), JSON.stringify(actions));
      await log.locator('select[aria-label="Filter by action"]').selectOption("");
      await page.screenshot({ path: `${SHOTS}/charging.png`, fullPage: true });

      // Stop: the answer, then Available again and the session in the charger's history.
      const txId = await page.locator('[data-testid="active-session"]').getAttribute("data-transaction");
      await page.click('[data-testid="stop"]');
      await page.waitForSelector('[data-testid="session-outcome"][data-outcome="Accepted"]');
      assert.match(
        await page.locator('[data-testid="session-outcome"]').textContent() ?? "",
        /RemoteStopTransaction/,
      );
      await page.waitForSelector('[data-testid="charger-detail"][data-status="Available"]');
      await page.waitForSelector('[data-testid="no-session"]');
      await page.waitForSelector(
        `[data-testid="recent-transactions"] tr[data-transaction="${txId}"][data-state="stopped"]`,
      );
      await page.screenshot({ path: `${SHOTS}/stopped.png`, fullPage: true });

      // The portal restarts while the charger charges: the page says so, reconnects by itself, and shows
      // what happened meanwhile (a session started through the CSMS while the portal was down).
      outage = true;
      await sys.web.close();
      await page.waitForSelector('[data-testid="connection"][data-state="reconnecting"]');
      const meanwhile = await sys.bus.sendCommand(id, "RemoteStartTransaction", {
        connectorId: 1,
        idTag: "WHILE-DOWN",
      });
      assert.deepEqual(meanwhile, { ok: true, response: { status: "Accepted" } });
      await sys.restartWeb();
      await page.waitForSelector('[data-testid="connection"][data-state="connected"]');
      outage = false;
      await page.waitForSelector('[data-testid="charger-detail"][data-status="Charging"]');
      await page.locator('[data-testid="active-session"]', { hasText: "WHILE-DOWN" }).waitFor();
      await page.click('[data-testid="stop"]');
      await page.waitForSelector('[data-testid="charger-detail"][data-status="Available"]');

      // The transaction history.
      await page.click('a[href="/transactions"]');
      const tx = page.locator(`[data-testid="transactions"] tr[data-transaction="${txId}"]`);
      await tx.waitFor();
      assert.equal(await tx.getAttribute("data-state"), "stopped");
      const text = await tx.textContent() ?? "";
      assert.match(text, /E2E-TAG/);
      assert.match(text, new RegExp(id));
      assert.match(text, /Remote/);
      assert.match(text, /[1-9]\d*\.\d\d kWh|0\.0[1-9] kWh|0\.[1-9]\d kWh/);
      await page.screenshot({ path: `${SHOTS}/transactions.png`, fullPage: true });

      // A phone: the fleet still reads.
      const phone = await browser.newContext({
        viewport: { width: 390, height: 844 },
        isMobile: true,
        hasTouch: true,
      });
      const mobile = await phone.newPage();
      mobile.on("pageerror", (err) => errors.push(String(err)));
      await signIn(mobile, sys.web.url);
      await mobile.locator(`tr[data-charger="${id}"] .badge[data-status="Available"]`).waitFor();
      const overflow = await mobile.evaluate(() =>
        document.documentElement.scrollWidth - globalThis.innerWidth
      );
      assert.ok(overflow <= 0, `the fleet page scrolls sideways on a phone by ${overflow}px`);
      await mobile.screenshot({ path: `${SHOTS}/fleet-phone.png`, fullPage: true });
      await mobile.goto(`${sys.web.url}/chargers/${id}`);
      await mobile.waitForSelector('[data-testid="charger-detail"][data-online="yes"]');
      await mobile.screenshot({ path: `${SHOTS}/detail-phone.png`, fullPage: true });

      assert.deepEqual(errors, [], "no errors in the browser");
      assert.deepEqual(foreign, [], "nothing is loaded from another origin");
    } finally {
      await browser.close();
      await charger.stop();
      await sys.close();
    }
  },
});

Deno.test({
  name: "browser: a fleet of 120 is paged 50 at a time, searchable, filterable, and live",
  ignore: !haveChromium,
  async fn() {
    await Deno.mkdir(SHOTS, { recursive: true });
    const sys = await startSystem();
    const fleet = new ChargerProcess(null, sys.csms.url, ["--count", "120", "--id-prefix", "FLEET-"]);
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const errors: string[] = [];
    try {
      const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
      page.setDefaultTimeout(30_000);
      page.on("pageerror", (err) => errors.push(String(err)));
      await signIn(page, sys.web.url);
      const count = (chip: string) => page.locator(`[data-chip="${chip}"] .chip-count`).textContent();
      await waitFor(
        async () => await count("Available") === "120",
        () => `120 chargers Available; ${fleet.tail(5)}`,
      );
      assert.equal(await count("all"), "120");
      const rows = page.locator('[data-testid="fleet"] tbody tr');
      const ids = () => rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-charger")));
      assert.equal(await rows.count(), 50);
      assert.equal((await ids())[0], "FLEET-001");
      assert.equal(await page.locator('[data-testid="fleet-range"]').textContent(), "1–50 of 120");
      await page.screenshot({ path: `${SHOTS}/fleet-120.png`, fullPage: true });

      // The page re-renders after the click; wait for what the operator would see.
      const seeIds = (what: string, check: (ids: (string | null)[]) => boolean) =>
        waitFor(
          async () => check(await ids()),
          async () => `${what}; showing ${JSON.stringify(await ids())}`,
        );
      await page.getByRole("button", { name: "Next ›" }).click();
      await seeIds("page 2", (x) => x[0] === "FLEET-051" && x.length === 50);
      await page.getByRole("button", { name: "Last »" }).click();
      await seeIds("the last page", (x) => x.length === 20 && x.at(-1) === "FLEET-120");

      await page.fill('input[type="search"]', "fleet-11");
      const found = Array.from({ length: 10 }, (_, i) => `FLEET-11${i}`);
      await seeIds("the search result", (x) => JSON.stringify(x) === JSON.stringify(found));
      await page.waitForURL(/\?q=fleet-11$/); // the address follows, so a reload or a link shows the same
      await page.fill('input[type="search"]', "");

      // Filter by a status chip, then watch the counts follow the fleet going offline.
      await page.click('[data-chip="Offline"]');
      await page.locator('[data-testid="fleet-range"]', { hasText: "No chargers match" }).waitFor();
      await fleet.stop();
      await waitFor(async () => await count("Offline") === "120", "120 chargers Offline");
      await waitFor(async () => await rows.count() === 50, "the Offline filter to list them");
      assert.equal(await count("Available"), "0");
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
      await fleet.stop();
      await sys.close();
    }
  },
});

Deno.test({
  name: "browser: id tags are added, blocked and deleted from their page",
  ignore: !haveChromium,
  async fn() {
    await Deno.mkdir(SHOTS, { recursive: true });
    const sys = await startSystem();
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
      page.setDefaultTimeout(30_000);
      const errors: string[] = [];
      page.on("pageerror", (err) => errors.push(String(err)));
      page.on("dialog", (dialog) => dialog.accept());
      await signIn(page, sys.web.url, "/id-tags");
      await page.waitForSelector('[data-testid="connection"][data-state="connected"]');

      await page.fill('input[name="idTag"]', "RFID-42");
      await page.selectOption('select[name="status"]', "Accepted");
      await page.click('[data-testid="id-tags"] button[type="submit"]');
      const row = page.locator('tr[data-tag="RFID-42"]');
      await row.waitFor();
      assert.equal((await sys.reads.getIdTag("RFID-42"))?.status, "Accepted");

      await row.locator("select").selectOption("Blocked");
      await page.locator('[role="status"]', { hasText: "RFID-42 updated." }).waitFor();
      assert.equal((await sys.reads.getIdTag("RFID-42"))?.status, "Blocked");
      await page.screenshot({ path: `${SHOTS}/id-tags.png`, fullPage: true });

      await row.getByRole("button", { name: "Delete" }).click();
      await row.waitFor({ state: "detached" });
      assert.equal(await sys.reads.getIdTag("RFID-42"), undefined);
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
      await sys.close();
    }
  },
});

Deno.test({
  name: "browser: a stale transaction is marked, and an operator closes it by hand with a reason",
  ignore: !haveChromium,
  async fn() {
    await Deno.mkdir(SHOTS, { recursive: true });
    const sys = await startSystem({ STALE_TX_MINUTES: "0" });
    // A raw OCPP client: it starts a transaction, then says its connector is Available and never stops it.
    const cp = await TestCharger.connect(sys.csms.url, "CP-STALE-UI");
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    try {
      const admin = await sys.login();
      await admin.addUser("olga", "operator");
      await admin.addUser("vic", "viewer");
      await cp.boot();
      const { transactionId } = await cp.session.call("StartTransaction", {
        connectorId: 1,
        idTag: "TAG-UI",
        meterStart: 100,
        timestamp: new Date().toISOString(),
      });
      await cp.session.call("StatusNotification", {
        connectorId: 1,
        status: "Available",
        errorCode: "NoError",
      });

      // A viewer sees the mark, and no way to close.
      const viewerPage = await browser.newPage({ viewport: { width: 1366, height: 900 } });
      viewerPage.setDefaultTimeout(30_000);
      await signIn(viewerPage, sys.web.url, "/transactions", "vic", "vic-password");
      await viewerPage.locator(`tr[data-transaction="${transactionId}"][data-stale="ConnectorAvailable"]`)
        .waitFor();
      assert.equal(await viewerPage.locator('[data-testid="close-open"]').count(), 0);
      await viewerPage.close();

      const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
      page.setDefaultTimeout(30_000);
      const errors: string[] = [];
      page.on("pageerror", (err) => errors.push(String(err)));
      await signIn(page, sys.web.url, `/chargers/CP-STALE-UI`, "olga", "olga-password");
      const hint = page.locator('[data-testid="session-stale"]');
      assert.match(await hint.textContent() ?? "", /stale · connector Available/);
      await hint.getByRole("link", { name: "Close it by hand…" }).click();
      await page.waitForURL(`**/transactions?charger=CP-STALE-UI&stale=1`);
      await page.waitForSelector('[data-testid="connection"][data-state="connected"]');

      const row = page.locator(`tr[data-transaction="${transactionId}"]`);
      assert.match(await row.locator('[data-testid="stale"]').textContent() ?? "", /connector Available/);
      await row.locator('[data-testid="close-open"]').click();
      await row.locator('[data-testid="close-form"] input[name="reason"]').fill(
        "simulator stuck, session over",
      );
      await page.screenshot({ path: `${SHOTS}/transactions-close.png`, fullPage: true });
      await row.getByRole("button", { name: "Close transaction" }).click();
      await page.locator('[data-testid="close-outcome"]', {
        hasText: `Transaction #${transactionId} closed.`,
      })
        .waitFor();
      // The page shows stale ones only: the closed one leaves it.
      await row.waitFor({ state: "detached" });
      await page.locator(".empty", { hasText: "No stale transactions." }).waitFor();

      await page.goto(`${sys.web.url}/transactions`);
      const closed = page.locator(`tr[data-transaction="${transactionId}"][data-state="stopped"]`);
      assert.match(
        await closed.locator('[data-testid="ended"]').textContent() ?? "",
        /ClosedByOperator by olga: simulator stuck, session over/,
      );
      const tx = await sys.reads.getTransaction(transactionId);
      assert.deepEqual([tx?.closedBy, tx?.closeReason], ["olga", "simulator stuck, session over"]);
      assert.deepEqual(errors, []);
    } finally {
      await cp.close();
      await browser.close();
      await sys.close();
    }
  },
});

Deno.test({
  name: "browser: an admin manages users, API tokens and charger registration; a viewer only watches",
  ignore: !haveChromium,
  async fn() {
    await Deno.mkdir(SHOTS, { recursive: true });
    const sys = await startSystem();
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const errors: string[] = [];
    try {
      const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
      const page = await context.newPage();
      page.setDefaultTimeout(30_000);
      page.on("pageerror", (err) => errors.push(String(err)));
      page.on("dialog", (dialog) => dialog.accept());

      // A wrong password is said so on the page; then the right one.
      await page.goto(`${sys.web.url}/users`);
      await page.fill('input[name="username"]', "admin");
      await page.fill('input[name="password"]', "not-the-password");
      await page.click('[data-testid="login-form"] button[type="submit"]');
      await page.locator('[data-testid="login-error"]', { hasText: "Wrong user name or password." })
        .waitFor();
      await page.screenshot({ path: `${SHOTS}/login.png`, fullPage: true });
      await page.fill('input[name="password"]', ADMIN_PASSWORD);
      await page.click('[data-testid="login-form"] button[type="submit"]');
      await page.waitForURL(`${sys.web.url}/users`);

      // A viewer is added.
      const users = page.locator('[data-testid="users"]');
      await users.locator('input[name="username"]').fill("vicky");
      await users.locator('select[name="role"]').selectOption("viewer");
      await users.locator('input[name="password"]').fill("vicky-password");
      await users.getByRole("button", { name: "Add user" }).click();
      await users.locator('tr[data-user="vicky"]').waitFor();
      assert.equal(await users.locator('tr[data-user="vicky"] select').inputValue(), "viewer");

      // An API token: its value is shown once, works over REST, and stops working once revoked.
      const tokens = page.locator('[data-testid="tokens"]');
      await tokens.locator('input[name="tokenName"]').fill("dashboard");
      await tokens.locator('select[name="tokenRole"]').selectOption("operator");
      await tokens.getByRole("button", { name: "Create token" }).click();
      const token = (await page.locator('[data-testid="token-value"]').textContent())!.trim();
      assert.match(token, /^cw_[0-9a-f]{12}_[\w-]{43}$/);
      const row = tokens.locator('tr[data-state="active"]', { hasText: "dashboard" });
      await row.waitFor();
      const api = () =>
        fetch(`${sys.web.url}/api/v1/chargers`, { headers: { authorization: `Bearer ${token}` } });
      const before = await api();
      assert.equal(before.status, 200);
      await before.body?.cancel();
      await page.screenshot({ path: `${SHOTS}/users.png`, fullPage: true });
      await row.getByRole("button", { name: "Revoke" }).click();
      await tokens.locator('tr[data-state="revoked"]', { hasText: "dashboard" }).waitFor();
      await page.locator('[data-testid="token-reveal"]').waitFor({ state: "detached" });
      const after = await api();
      assert.equal(after.status, 401);
      await after.body?.cancel();

      // Charger registration: a generated key is shown once; the CSMS has the registration.
      await page.click('nav a[href="/registrations"]');
      await page.waitForURL(`${sys.web.url}/registrations`);
      const form = page.locator('[data-testid="register-form"]');
      await form.locator('input[name="chargerId"]').fill("CP-WEB-REG");
      await form.locator('select[name="securityProfile"]').selectOption("1");
      await form.getByRole("button", { name: "Register" }).click();
      const key = (await page.locator('[data-testid="key-value"]').textContent())!.trim();
      assert.match(key, /^[A-Za-z0-9]{32}$/);
      await page.locator('tr[data-registration="CP-WEB-REG"][data-profile="1"]').waitFor();
      const registration = await sys.reads.getRegistration("CP-WEB-REG");
      assert.equal(registration?.securityProfile, 1);
      assert.equal(registration?.hasKey, true);
      assert.equal(registration?.bootStatus, "Accepted");
      // Its boot status set from its row: only that changes, the key stays.
      await page.locator('tr[data-registration="CP-WEB-REG"] select[name="bootStatus"]').selectOption(
        "Pending",
      );
      await page.locator('tr[data-registration="CP-WEB-REG"][data-boot-status="Pending"]').waitFor();
      assert.equal((await sys.reads.getRegistration("CP-WEB-REG"))?.bootStatus, "Pending");
      assert.equal((await sys.reads.getRegistration("CP-WEB-REG"))?.hasKey, true);
      await page.screenshot({ path: `${SHOTS}/registrations.png`, fullPage: true });

      // Signing out leads back to the sign-in page, and the portal is closed again.
      await page.click('[data-testid="logout"]');
      await page.waitForURL(`${sys.web.url}/login`);
      await page.goto(`${sys.web.url}/users`);
      await page.waitForURL(/\/login\?next=%2Fusers$/);

      // The viewer: watches, but commands are not offered, and the admin pages are closed.
      await page.fill('input[name="username"]', "vicky");
      await page.fill('input[name="password"]', "vicky-password");
      await page.click('[data-testid="login-form"] button[type="submit"]');
      await page.locator("h1", { hasText: "Not allowed" }).waitFor();
      assert.equal(await page.locator('nav a[href="/users"]').count(), 0);
      await page.goto(`${sys.web.url}/chargers/CP-ANY`);
      await page.waitForSelector('[data-testid="connection"][data-state="connected"]');
      await page.locator('[data-testid="read-only"]').waitFor();
      assert.equal(await page.locator('[data-testid="start"]').isDisabled(), true);
      await page.screenshot({ path: `${SHOTS}/viewer-detail.png`, fullPage: true });
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
      await sys.close();
    }
  },
});

Deno.test({
  name: "browser: every page runs under the Content-Security-Policy, with no violation or console error",
  ignore: !haveChromium,
  async fn() {
    const sys = await startSystem();
    const id = "CP-CSP-1";
    const charger = new ChargerProcess(id, sys.csms.url, QUICK_CAR_ARGS);
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const problems: string[] = [];
    const sockets: string[] = [];
    try {
      // A charging charger, so the pages show everything they can: a SoC bar, a chart, a transaction.
      const admin = await sys.login();
      await waitFor(
        async () => (await admin.json("GET", `/api/v1/chargers/${id}`)).body?.online === true,
        () => `${id} online; charger said:\n${charger.tail()}`,
      );
      const command = (action: string, body: unknown) =>
        admin.json("POST", `/api/v1/chargers/${id}/commands/${action}`, body);
      const interval = await command("ChangeConfiguration", { key: "MeterValueSampleInterval", value: "1" });
      assert.equal(interval.body.response?.status, "Accepted");
      const start = await command("RemoteStartTransaction", { connectorId: 1, idTag: "CSP-TAG" });
      assert.equal(start.body.response?.status, "Accepted");
      await waitFor(
        async () => (await admin.json("GET", `/api/v1/chargers/${id}`)).body?.lastSample?.socPercent > 0,
        "a SoC sample",
      );

      const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
      // Violations are also DOM events; a binding reports them (bindings and init scripts are not subject to
      // the page's CSP, so the watcher itself cannot be blocked).
      await context.exposeBinding("reportCspViolation", ({ page }, v: Record<string, string>) => {
        problems.push(`CSP violation on ${page.url()}: ${JSON.stringify(v)}`);
      });
      await context.addInitScript(() => {
        document.addEventListener("securitypolicyviolation", (e) => {
          // deno-lint-ignore no-explicit-any
          (globalThis as any).reportCspViolation({
            directive: e.violatedDirective,
            blocked: e.blockedURI,
            source: `${e.sourceFile}:${e.lineNumber}`,
            sample: e.sample,
          });
        });
      });
      const page = await context.newPage();
      page.setDefaultTimeout(30_000);
      page.on("pageerror", (err) => problems.push(`page error on ${page.url()}: ${err}`));
      page.on("console", (msg) => {
        if (msg.type() === "error" || msg.type() === "warning") {
          problems.push(`console ${msg.type()} on ${page.url()}: ${msg.text()}`);
        }
      });
      page.on("websocket", (ws) => sockets.push(ws.url()));

      /** Opens `path` (or follows where the page went) and checks the policy came with it. */
      const checkPolicy = (response: { headers(): Record<string, string> } | null, path: string) => {
        const csp = response?.headers()["content-security-policy"] ?? "";
        assert.match(csp, /script-src 'self'(;|$)/, `${path} has the CSP`);
        assert.match(csp, /frame-ancestors 'none'/, path);
      };
      const hydrated = async (path: string) => {
        const response = await page.goto(`${sys.web.url}${path}`);
        checkPolicy(response, path);
        await page.waitForFunction(() => {
          const islands = document.querySelectorAll("[data-island]");
          return islands.length > 0 &&
            [...islands].every((el) => el.getAttribute("data-hydrated") === "true");
        });
        await page.waitForSelector('[data-testid="connection"][data-state="connected"]');
      };

      // The sign-in page (no script at all), then signing in.
      checkPolicy(await page.goto(`${sys.web.url}/login`), "/login");
      await page.fill('input[name="username"]', "admin");
      await page.fill('input[name="password"]', ADMIN_PASSWORD);
      await page.click('[data-testid="login-form"] button[type="submit"]');
      await page.locator('[data-testid="whoami"]', { hasText: "admin" }).waitFor();

      // Fleet: the SoC bar shows the battery, and the search (a hydrated island) filters.
      await hydrated("/");
      const row = page.locator(`tr[data-charger="${id}"]`);
      await row.locator('.badge[data-status="Charging"]').waitFor();
      const soc = await row.locator('td[data-label="SoC"] meter').evaluate((m) =>
        (m as HTMLMeterElement).value
      );
      assert.ok(soc > 0 && soc <= 100, `the SoC bar shows ${soc}`);
      await page.fill('input[type="search"]', "no-such-charger");
      await page.locator('[data-testid="fleet-range"]', { hasText: "No chargers match" }).waitFor();
      await page.fill('input[type="search"]', "");
      await row.waitFor();

      // Charger detail: uPlot draws the chart, the log fills from Socket.IO.
      await hydrated(`/chargers/${id}`);
      await page.waitForSelector('[data-testid="charger-detail"][data-status="Charging"]');
      await page.waitForFunction(() =>
        Number(document.querySelector('[data-testid="battery-chart"]')?.getAttribute("data-points")) >= 2
      );
      assert.equal(await page.locator('[data-testid="battery-chart"] canvas').count(), 1);
      await page.locator('[data-testid="event-log"] tr.frame-in[data-action="MeterValues"]').first()
        .waitFor();

      await hydrated("/transactions");
      await page.locator('[data-testid="transactions"] tr', { hasText: "CSP-TAG" }).waitFor();

      // Id tags: a write through the REST API from the page.
      await hydrated("/id-tags");
      await page.fill('input[name="idTag"]', "CSP-NEW");
      await page.click('[data-testid="id-tags"] button[type="submit"]');
      await page.locator('tr[data-tag="CSP-NEW"]').waitFor();

      await hydrated("/registrations");
      await page.locator('[data-testid="register-form"] input[name="chargerId"]').waitFor();

      await hydrated("/users");
      await page.locator('tr[data-user="admin"]', { hasText: "(you)" }).waitFor();

      assert.ok(
        sockets.length > 0 && sockets.every((u) => u.startsWith(sys.web.url.replace(/^http/, "ws"))),
        `Socket.IO ran over the portal's own WebSocket: ${JSON.stringify(sockets)}`,
      );
      assert.deepEqual(problems, [], "no CSP violation, page error or console error");
    } finally {
      await browser.close();
      await charger.stop();
      await sys.close();
    }
  },
});

Deno.test({
  name: "browser: a user changes their own password on the account page; an admin sees it in the audit log",
  ignore: !haveChromium,
  async fn() {
    await Deno.mkdir(SHOTS, { recursive: true });
    const sys = await startSystem();
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const errors: string[] = [];
    try {
      const admin = await sys.login();
      await admin.addUser("olga", "operator");
      const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
      page.setDefaultTimeout(30_000);
      page.on("pageerror", (err) => errors.push(String(err)));
      await signIn(page, sys.web.url, "/", "olga", "olga-password");

      // The user's name in the header leads to the account page.
      await page.click('[data-testid="account-link"]');
      await page.waitForURL(`${sys.web.url}/account`);
      const form = page.locator('[data-testid="password-form"]');
      const fill = async (current: string, next: string, confirm: string) => {
        await form.locator('input[name="currentPassword"]').fill(current);
        await form.locator('input[name="newPassword"]').fill(next);
        await form.locator('input[name="confirm"]').fill(confirm);
        await form.getByRole("button", { name: "Change password" }).click();
      };
      const message = page.locator('[data-testid="password-message"]');
      await fill("olga-password", "olga-new-password", "olga-new-passwort");
      await message.filter({ hasText: "the new password and its confirmation differ" }).waitFor();
      await fill("not-olgas-password", "olga-new-password", "olga-new-password");
      await message.filter({ hasText: "Not changed: the current password is wrong." }).waitFor();
      await fill("olga-password", "olga-new-password", "olga-new-password");
      // addUser signed olga in over the API too: that session is the one signed out.
      await message.filter({ hasText: "Password changed. Your other session was signed out." }).waitFor();
      assert.equal(
        await form.locator('input[name="currentPassword"]').inputValue(),
        "",
        "the form is cleared",
      );
      await page.screenshot({ path: `${SHOTS}/account.png`, fullPage: true });

      // Sign out; the old password no longer works, the new one does.
      await page.click('[data-testid="logout"]');
      await page.waitForURL(`${sys.web.url}/login`);
      await page.fill('input[name="username"]', "olga");
      await page.fill('input[name="password"]', "olga-password");
      await page.click('[data-testid="login-form"] button[type="submit"]');
      await page.locator('[data-testid="login-error"]', { hasText: "Wrong user name or password." })
        .waitFor();
      await page.fill('input[name="password"]', "olga-new-password");
      await page.click('[data-testid="login-form"] button[type="submit"]');
      await page.waitForURL(`${sys.web.url}/`);
      await page.locator('[data-testid="whoami"]', { hasText: "olga" }).waitFor();
      // Olga is an operator: no Audit in her navigation, and the page refuses her.
      assert.equal(await page.locator('nav a[href="/audit"]').count(), 0);
      await page.goto(`${sys.web.url}/audit`);
      await page.locator("h1", { hasText: "Not allowed" }).waitFor();
      await page.click('[data-testid="logout"]');
      await page.waitForURL(`${sys.web.url}/login`);

      // The admin finds all of it on the Audit page, and filters it.
      await page.fill('input[name="username"]', "admin");
      await page.fill('input[name="password"]', ADMIN_PASSWORD);
      await page.click('[data-testid="login-form"] button[type="submit"]');
      await page.waitForURL(`${sys.web.url}/`);
      await page.click('nav a[href="/audit"]');
      await page.waitForURL(`${sys.web.url}/audit`);
      const rows = page.locator('[data-testid="audit"] tbody tr');
      const actions = () => rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-action")));
      assert.deepEqual((await actions()).slice(0, 6), [
        "login.success",
        "logout",
        "login.success",
        "login.failure",
        "logout",
        "password.change",
      ]);
      const filter = page.locator('[data-testid="audit-filter"]');
      await filter.locator('input[name="actor"]').fill("olga");
      await filter.locator('input[name="action"]').fill("password");
      await filter.getByRole("button", { name: "Filter" }).click();
      await page.waitForURL(`${sys.web.url}/audit?actor=olga&action=password&target=`);
      assert.deepEqual(await actions(), ["password.change", "password.failure"]);
      const changed = rows.first();
      assert.match(
        (await changed.textContent())!,
        /olga.*operator.*password\.change.*olga.*endedSessions: 1/,
      );
      await page.screenshot({ path: `${SHOTS}/audit.png`, fullPage: true });
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
      await sys.close();
    }
  },
});
