/**
 * `deno task dev` (main.ts) gets the islands' build by itself: a start with no build, or a stale one,
 * builds it; a start that finds it up to date runs no bundler. Proven through real starts: each prints how
 * it got its assets, and the build's manifest is not written again by the second; the page it serves
 * names the build's files, which it serves.
 */
import assert from "node:assert/strict";
import { BUILD_DIR } from "../web/bundle.ts";
import { MANIFEST_FILE } from "../web/bundle_manifest.ts";
import { ROOT, waitFor } from "./web_support.ts";

interface Started {
  stdout: string;
  portal: string;
  stop(): Promise<void>;
}

async function start(dataDir: string): Promise<Started> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${ROOT}main.ts`],
    cwd: ROOT,
    env: { NO_COLOR: "1", WEB_PORT: "0", CSMS_PORT: "0", HOST: "127.0.0.1", DATA_DIR: dataDir },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const out = { text: "" };
  const decoder = new TextDecoder();
  const reading = (async () => {
    for await (const chunk of child.stdout) out.text += decoder.decode(chunk, { stream: true });
  })();
  const stderr = new Response(child.stderr).text();
  const stop = async () => {
    child.kill("SIGTERM");
    const status = await child.status;
    await reading;
    assert.equal(status.code, 0, await stderr);
  };
  try {
    const portal = await waitFor(
      () => out.text.match(/Portal:\s+(http:\/\/127\.0\.0\.1:\d+)/)?.[1],
      () => `the portal address; printed:\n${out.text}`,
    );
    await waitFor(() => /Assets:.*\n/.test(out.text), () => `the assets line; printed:\n${out.text}`);
    return { stdout: out.text, portal, stop };
  } catch (err) {
    await stop().catch(() => {});
    throw err;
  }
}

Deno.test("dev start: builds the islands when there is no up-to-date build, and a second start does not", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "chargewire_assets_start_" });
  try {
    // The first start of a checkout builds; in a test run, another test may have built already.
    const first = await start(dataDir);
    await first.stop();
    assert.match(first.stdout, /Assets:\s+(built now|up to date) /);
    const manifest = `${BUILD_DIR}${MANIFEST_FILE}`;
    const before = (await Deno.stat(manifest)).mtime?.getTime();

    const second = await start(dataDir);
    try {
      assert.match(second.stdout, /Assets:\s+up to date in web\/static\/build\/ \(no build needed\)/);
      assert.equal((await Deno.stat(manifest)).mtime?.getTime(), before, "the build is as it was");
      // What it serves is that build.
      const built = JSON.parse(await Deno.readTextFile(manifest));
      const entry = built.islands.ConnectionStatus.entry;
      const res = await fetch(`${second.portal}/static/build/${entry}`);
      assert.equal(res.status, 200);
      assert.equal(await res.text(), await Deno.readTextFile(`${BUILD_DIR}${entry}`));
    } finally {
      await second.stop();
    }
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});
