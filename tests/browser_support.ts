/** Shared by the browser tests: headless Chromium (skipped, saying so, without it) and the sign-in page. */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { ADMIN_PASSWORD } from "./web_support.ts";

export const CHROMIUM = "/usr/bin/chromium";
export const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) {
  console.log(`web browser test: skipped, ${CHROMIUM} is not installed (apt install chromium)`);
}

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** Opens `path`, is sent to the sign-in page, signs in there, and lands back on `path`. */
export async function signIn(
  page: Page,
  base: string,
  path = "/",
  username = "admin",
  password = ADMIN_PASSWORD,
) {
  await page.goto(`${base}${path}`);
  await page.waitForURL(`${base}/login?next=${encodeURIComponent(path)}`);
  await page.fill('input[name="username"]', username);
  await page.fill('input[name="password"]', password);
  await page.click('[data-testid="login-form"] button[type="submit"]');
  await page.waitForURL(`${base}${path}`);
  await page.locator('[data-testid="whoami"]', { hasText: username }).waitFor();
}

const AXE = fileURLToPath(new URL("../node_modules/axe-core/axe.min.js", import.meta.url));

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown[]; failureSummary?: string }>;
}

/**
 * The serious and critical violations axe-core finds on the page as it is now, described for a failure
 * message. axe is injected by playwright from node_modules (the portal never serves it) as an inline
 * script: the page's context must bypass the CSP (`bypassCSP: true`).
 */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  const found = await page.evaluate(async () => {
    // deno-lint-ignore no-explicit-any
    const axe = (globalThis as any).axe;
    const result = await axe.run(document, { resultTypes: ["violations"] });
    return result.violations as Violation[];
  });
  return found
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) =>
      `${v.impact} ${v.id} (${v.help}): ` +
      v.nodes.slice(0, 5).map((n) => `${JSON.stringify(n.target)} ${n.failureSummary ?? ""}`).join(" | ")
    );
}
