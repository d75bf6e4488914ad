/**
 * Builds the browser bundle of the islands with `deno bundle --platform
 * browser` (esbuild underneath): Fresh is out of reach here (JSR only), and
 * this is the part of it the portal needs. Output goes to web/static/build/
 * (git-ignored) under the hash of its sources, so a start with unchanged
 * sources (every test of a run but the first, every restart) reads it instead
 * of building again; one builder at a time writes it (a file lock, released
 * by the system however its holder exits), under a
 * temporary name then renamed, so parallel start-ups never read half a file.
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
  /** Where bundles are kept (ending in "/"); web/static/build/ unless a test keeps its own. */
  buildDir?: string;
  /** Told when this call runs `deno bundle` itself (not when it finds the bundle built). */
  onBuild?: () => void;
}

/** What goes into the bundle: the portal's and the shared code, and the pinned packages. */
const SOURCE_DIRS = ["web", "shared"];
const SOURCE_FILES = ["deno.json", "deno.lock"];
/** How long a start waits for another process's build before building itself. */

async function listSources(dir: string, out: string[]): Promise<void> {
  for await (const entry of Deno.readDir(`${ROOT}${dir}`)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) {
      if (path !== "web/static") await listSources(path, out);
    } else if (/\.(ts|tsx)$/.test(entry.name) && !/_test\.tsx?$/.test(entry.name)) {
      out.push(path);
    }
  }
}

/** A hash of every source file that can reach the bundle: a change to any of them builds anew. */
export async function sourceHash(minify: boolean): Promise<string> {
  const paths = [...SOURCE_FILES];
  for (const dir of SOURCE_DIRS) await listSources(dir, paths);
  paths.sort();
  const parts: Uint8Array[] = [new TextEncoder().encode(`minify=${minify}\n`)];
  for (const path of paths) {
    parts.push(new TextEncoder().encode(`${path}\n`), await Deno.readFile(`${ROOT}${path}`));
  }
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", all));
  return [...digest.slice(0, 10)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

async function readIfThere(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw err;
  }
}

/** Returns the bundle's text: built once per set of sources. */
export async function bundleIslands(options: BundleOptions = {}): Promise<string> {
  const dir = options.buildDir ?? BUILD_DIR;
  await Deno.mkdir(dir, { recursive: true });
  const minify = options.minify !== false;
  const final = `${dir}islands.${await sourceHash(minify)}.js`;
  const lockPath = `${final}.lock`;
  const cached = await readIfThere(final);
  if (cached !== undefined) return cached;
  // One builder at a time: an exclusive lock on the lock file, which the system releases when its holder
  // exits, however it exits (a portal killed while building leaves no lock that others must wait out).
  const lock = await Deno.open(lockPath, { create: true, write: true });
  try {
    await lock.lock(true);
    const built = await readIfThere(final);
    if (built !== undefined) return built;
    options.onBuild?.();
    const text = await build(dir, final, minify);
    // Safe to remove now that the bundle is there: whoever still waits on this file finds it built.
    await Deno.remove(lockPath).catch(() => {});
    return text;
  } finally {
    lock.close();
  }
}

async function build(dir: string, final: string, minify: boolean): Promise<string> {
  const temp = `${dir}.islands.${Deno.pid}.${crypto.randomUUID().slice(0, 8)}.js`;
  const args = [
    "bundle",
    "--quiet",
    "--platform",
    "browser",
    "--config",
    `${ROOT}deno.json`,
    ...(minify ? ["--minify"] : []),
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
  // Bundles of sources that are gone: only the current one is ever read again.
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}${entry.name}`;
    if (/^islands\.[0-9a-f]+\.js$/.test(entry.name) && path !== final) {
      await Deno.remove(path).catch(() => {});
    }
  }
  return text;
}
