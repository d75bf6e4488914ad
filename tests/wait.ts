/** Waiting in end-to-end tests: bounded polling for a condition. */

/** Polls until `check` returns a truthy value; bounded, and never a timing assertion. */
export async function waitFor<T>(
  check: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  what: string | (() => string | Promise<string>),
  timeoutMs = 30_000,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (true) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${typeof what === "string" ? what : await what()}`,
      );
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
