/**
 * Builds the islands for the browser with `deno bundle --platform browser --code-splitting` (esbuild
 * underneath): Fresh is out of reach here (JSR only), and this is the part of it the portal needs. One
 * entry per island (web/islands/mod.ts names them), so a page loads only its own islands; what several
 * share (Preact, the socket, helpers) goes to shared chunks, and uPlot only into the files of islands that
 * draw a chart. Every file's name carries a hash of its content, so browsers may keep it for good.
 *
 * The output goes to web/static/build/ (git-ignored) with a manifest (web/bundle_manifest.ts) that records
 * the hash of the inputs it was built from: `deno task build` builds; a start builds only when the manifest
 * is missing or its hash is not the inputs' (ensureIslands), so a start with unchanged sources runs no
 * bundler. One builder at a time writes a directory (a file lock, released by the system however its
 * holder exits); the manifest is written last, under a temporary name then renamed, so a start never reads
 * a half-written build.
 */
import { fileURLToPath } from "node:url";
import { ISLANDS } from "./islands/mod.ts";
import {
  type BuildManifest,
  chunkClosure,
  chunkImports,
  hashedName,
  MANIFEST_FILE,
  parseManifest,
} from "./bundle_manifest.ts";
import { logger } from "../shared/log.ts";

const log = logger("portal");

const ROOT = fileURLToPath(new URL("../", import.meta.url));
export const BUILD_DIR = fileURLToPath(new URL("./static/build/", import.meta.url));
const LOCK_FILE = ".lock";

export class BundleError extends Error {
  override name = "BundleError";
}

export interface BundleOptions {
  /** Where the build is kept (ending in "/"); web/static/build/ unless a test keeps its own. */
  buildDir?: string;
  /** Unminified output, for reading it; another set of inputs, so another build. */
  minify?: boolean;
}

/** A build as read into memory, and whether this call ran the bundler to get it. */
export interface IslandBuild {
  manifest: BuildManifest;
  files: Map<string, Uint8Array>;
  built: boolean;
}

/** Everything that can reach the browser: the portal's and the shared code, and the pinned packages. */
const SOURCE_DIRS = ["web", "shared"];
const SOURCE_FILES = ["deno.json", "deno.lock"];

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

/**
 * A hash of every input of the build: the sources (a superset of the islands' module graph: the islands
 * import from web/lib, web/auth and shared/, and a missed file would mean a stale build), the config and
 * lock file, the options and the Deno release (its bundler's output may differ).
 */
export async function inputHash(minify = true): Promise<string> {
  const paths = [...SOURCE_FILES];
  for (const dir of SOURCE_DIRS) await listSources(dir, paths);
  paths.sort();
  const parts: Uint8Array[] = [new TextEncoder().encode(`deno=${Deno.version.deno} minify=${minify}\n`)];
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

/** The islands to build, each with its module: web/islands/<Name>.tsx, default export (mod.ts's way). */
export async function islandModules(): Promise<Array<{ name: string; url: string }>> {
  const out = [];
  for (const name of Object.keys(ISLANDS).sort()) {
    const url = new URL(`./islands/${name}.tsx`, import.meta.url);
    try {
      await Deno.stat(url);
    } catch {
      throw new BundleError(
        `island ${name} (web/islands/mod.ts) has no module web/islands/${name}.tsx: ` +
          `each island is the default export of the file of its name`,
      );
    }
    out.push({ name, url: url.href });
  }
  return out;
}

async function readIfThere(path: string): Promise<Uint8Array | undefined> {
  try {
    return await Deno.readFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw err;
  }
}

/** The build in `dir` if it is complete and of these inputs; undefined means "build". */
async function readBuild(dir: string, inputs: string): Promise<IslandBuild | undefined> {
  const text = await readIfThere(`${dir}${MANIFEST_FILE}`);
  const manifest = text && parseManifest(new TextDecoder().decode(text));
  if (!manifest || manifest.inputs !== inputs) return undefined;
  const files = new Map<string, Uint8Array>();
  for (const name of manifest.files) {
    const body = await readIfThere(`${dir}${name}`);
    if (body === undefined) return undefined;
    files.set(name, body);
  }
  return { manifest, files, built: false };
}

/** The build of the current sources: read when it is there, else built (once, however many start at once). */
export async function ensureIslands(options: BundleOptions = {}): Promise<IslandBuild> {
  const dir = options.buildDir ?? BUILD_DIR;
  const minify = options.minify !== false;
  const inputs = await inputHash(minify);
  const ready = await readBuild(dir, inputs);
  if (ready) return ready;
  return await withLock(dir, async () => {
    // Another process may have built it while this one waited for the lock.
    const built = await readBuild(dir, inputs);
    if (built) return built;
    return await writeBuild(dir, inputs, minify);
  });
}

/** Builds into `dir` whatever is there (`deno task build`). */
export async function buildIslands(options: BundleOptions = {}): Promise<IslandBuild> {
  const dir = options.buildDir ?? BUILD_DIR;
  const minify = options.minify !== false;
  const inputs = await inputHash(minify);
  return await withLock(dir, () => writeBuild(dir, inputs, minify));
}

async function withLock<T>(dir: string, work: () => Promise<T>): Promise<T> {
  await Deno.mkdir(dir, { recursive: true });
  // An exclusive lock, which the system releases when its holder exits, however it exits (a portal killed
  // while building leaves no lock that others must wait out). The file itself stays.
  const lock = await Deno.open(`${dir}${LOCK_FILE}`, { create: true, write: true });
  try {
    await lock.lock(true);
    return await work();
  } finally {
    lock.close();
  }
}

/** Runs the bundler and puts its output in `dir`; the caller holds the lock. */
async function writeBuild(dir: string, inputs: string, minify: boolean): Promise<IslandBuild> {
  const staging = `${dir}.staging-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}/`;
  try {
    const islands = await islandModules();
    await Deno.mkdir(`${staging}entries`, { recursive: true });
    const hydrate = new URL("./client/hydrate.ts", import.meta.url).href;
    const entries = [];
    for (const { name, url } of islands) {
      const path = `${staging}entries/${name}.ts`;
      await Deno.writeTextFile(
        path,
        `import island from ${JSON.stringify(url)};\nimport { hydrateIsland } from ${
          JSON.stringify(hydrate)
        };\nhydrateIsland(${JSON.stringify(name)}, island);\n`,
      );
      entries.push(path);
    }
    await runBundler(`${staging}out`, entries, minify);

    // Chunks are named by the bundler with a hash of their content; entries get one here.
    const outputs = new Map<string, Uint8Array>();
    for await (const e of Deno.readDir(`${staging}out`)) {
      if (e.isFile) outputs.set(e.name, await Deno.readFile(`${staging}out/${e.name}`));
    }
    const importsOf = (file: string) => chunkImports(new TextDecoder().decode(outputs.get(file)));
    const manifest: BuildManifest = { inputs, islands: {}, files: [] };
    const files = new Map<string, Uint8Array>();
    for (const { name } of islands) {
      const out = `${name}.js`;
      const body = outputs.get(out);
      if (!body) throw new BundleError(`the bundler wrote no ${out}`);
      const entry = await hashedName(out, body);
      const chunks = chunkClosure(out, importsOf);
      manifest.islands[name] = { entry, chunks };
      files.set(entry, body);
      for (const chunk of chunks) {
        const chunkBody = outputs.get(chunk);
        if (!chunkBody) throw new BundleError(`${out} imports ${chunk}, which the bundler did not write`);
        files.set(chunk, chunkBody);
      }
    }
    manifest.files = [...files.keys()].sort();

    for (const [name, body] of files) await Deno.writeFile(`${dir}${name}`, body);
    const temp = `${staging}${MANIFEST_FILE}`;
    await Deno.writeTextFile(temp, JSON.stringify(manifest, null, 2) + "\n");
    await Deno.rename(temp, `${dir}${MANIFEST_FILE}`);
    // What older builds left (and their leftover staging): only the current build is ever read again.
    const keep = new Set([...manifest.files, MANIFEST_FILE, LOCK_FILE]);
    for await (const e of Deno.readDir(dir)) {
      if (!keep.has(e.name) && `${dir}${e.name}/` !== staging) {
        await Deno.remove(`${dir}${e.name}`, { recursive: true }).catch(() => {});
      }
    }
    return { manifest, files, built: true };
  } finally {
    await Deno.remove(staging, { recursive: true }).catch(() => {});
  }
}

async function runBundler(outDir: string, entries: string[], minify: boolean): Promise<void> {
  const args = [
    "bundle",
    "--quiet",
    "--platform",
    "browser",
    "--code-splitting",
    "--config",
    `${ROOT}deno.json`,
    ...(minify ? ["--minify"] : []),
    "--outdir",
    outDir,
    ...entries,
  ];
  const output = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" },
  }).output();
  const stderr = new TextDecoder().decode(output.stderr).trim();
  if (!output.success) {
    const why = stderr.split("\n").slice(-15).join("\n");
    throw new BundleError(`building the portal's islands failed (deno ${args.join(" ")}):\n${why}`);
  }
  // Warnings (an import that will be undefined, say) may mean an island broken in the browser: say so.
  const warnings = stderr.split("\n").filter((line) => !/deno bundle.* is experimental/.test(line)).join(
    "\n",
  );
  if (warnings.trim()) log.warn(`the islands' bundler warned:\n${warnings}`);
}
