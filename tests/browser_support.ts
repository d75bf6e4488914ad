/** Shared by the browser tests: headless Chromium (skipped, saying so, without it) and the sign-in page. */
import { existsSync } from "node:fs";
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
