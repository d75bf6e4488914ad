/**
 * Builds the browser bundle of the islands at start-up with `deno bundle
 * --platform browser` (esbuild underneath): Fresh is out of reach here (JSR
 * only), and this is the part of it the portal needs. Output goes to
 * web/static/build/ (git-ignored), written under a temporary name and renamed,
 * so parallel start-ups never serve half a file.
 */
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const ENTRY = fileURLToPath(new URL("./client/main.ts", import.meta.url));
export const BUILD_DIR = fileURLToPath(new URL("./static/build/", import.meta.url));

export class BundleError extends Error {
  override name = "BundleError";
}

export interface BundleOptions {
  minify?: boolean;
}

/** Returns the bundle's text. */
export async function bundleIslands(options: BundleOptions = {}): Promise<string> {
  await Deno.mkdir(BUILD_DIR, { recursive: true });
  const final = `${BUILD_DIR}islands.js`;
  const temp = `${BUILD_DIR}.islands.${Deno.pid}.${crypto.randomUUID().slice(0, 8)}.js`;
  const args = [
    "bundle",
    "--quiet",
    "--platform",
    "browser",
    "--config",
    `${ROOT}deno.json`,
    ...(options.minify === false ? [] : ["--minify"]),
    "--output",
    temp,
    ENTRY,
  ];
  const output = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" },
  }).output();
  if (!output.success) {
    await Deno.remove(temp).catch(() => {});
    const why = new TextDecoder().decode(output.stderr).trim().split("\n").slice(-15).join("\n");
    throw new BundleError(`building the portal's browser bundle failed (deno ${args.join(" ")}):\n${why}`);
  }
  const text = await Deno.readTextFile(temp);
  await Deno.rename(temp, final);
  return text;
}
