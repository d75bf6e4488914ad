/**
 * The islands build's manifest and what is derived from it, free of I/O: which chunks an entry needs
 * (read from the import statements of the bundler's output), content-hashed names, and the scripts and
 * preloads a page with some islands loads. web/bundle.ts writes it, web/assets.ts serves what it names.
 */

export const MANIFEST_FILE = "manifest.json";

export interface IslandFiles {
  /** The island's entry module: a module script of every page the island is on. */
  entry: string;
  /** Every chunk the entry imports, directly or through other chunks: preloaded with it. */
  chunks: string[];
}

export interface BuildManifest {
  /** The hash of everything that can change the output (web/bundle.ts inputHash): equal means up to date. */
  inputs: string;
  islands: Record<string, IslandFiles>;
  /** Every file of the build (entries and chunks), sorted: what is served, and all that is kept. */
  files: string[];
}

/**
 * The sibling files a module imports statically. The bundler writes chunk imports as `from"./x.js"` or
 * `import"./x.js"` (minified or not); dynamic imports load lazily and are not preloaded.
 */
export function chunkImports(code: string): string[] {
  const found = new Set<string>();
  for (const m of code.matchAll(/(?:\bfrom|\bimport)\s*(["'])\.\/([\w.-]+\.js)\1/g)) found.add(m[2]);
  return [...found];
}

/** Every chunk `entry` needs, in a stable order (first reached first), itself excluded. */
export function chunkClosure(entry: string, importsOf: (file: string) => readonly string[]): string[] {
  const seen = new Set<string>([entry]);
  const order: string[] = [];
  const visit = (file: string) => {
    for (const dep of importsOf(file)) {
      if (seen.has(dep)) continue;
      seen.add(dep);
      order.push(dep);
      visit(dep);
    }
  };
  visit(entry);
  return order;
}

/** A file name with a hash of its content: "FleetTable.js" → "FleetTable-0123456789.js". */
export async function hashedName(name: string, content: Uint8Array): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", content as Uint8Array<ArrayBuffer>),
  );
  const hash = [...digest.slice(0, 5)].map((b) => b.toString(16).padStart(2, "0")).join("");
  return name.replace(/\.js$/, `-${hash}.js`);
}

export class UnknownIslandError extends Error {
  override name = "UnknownIslandError";
}

/**
 * What a page with these islands loads: each island's entry as a module script (in the order given), and
 * the chunks they need, each once, as modulepreload links, so the browser fetches them at once instead of
 * finding them one import at a time.
 */
export function pageScripts(
  manifest: BuildManifest,
  islands: Iterable<string>,
): { scripts: string[]; preloads: string[] } {
  const scripts: string[] = [];
  const preloads = new Set<string>();
  for (const name of islands) {
    const files = Object.hasOwn(manifest.islands, name) ? manifest.islands[name] : undefined;
    if (!files) throw new UnknownIslandError(`island ${name} is not in the build (web/islands/mod.ts)`);
    if (!scripts.includes(files.entry)) scripts.push(files.entry);
    for (const chunk of files.chunks) preloads.add(chunk);
  }
  for (const s of scripts) preloads.delete(s);
  return { scripts, preloads: [...preloads] };
}

/** The manifest as read back: its shape checked, so a damaged or foreign file means "build again". */
export function parseManifest(text: string): BuildManifest | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const m = value as BuildManifest;
  const isNames = (v: unknown) => Array.isArray(v) && v.every((s) => typeof s === "string");
  if (
    typeof m !== "object" || m === null || typeof m.inputs !== "string" || !isNames(m.files) ||
    typeof m.islands !== "object" || m.islands === null
  ) return undefined;
  for (const files of Object.values(m.islands)) {
    if (typeof files?.entry !== "string" || !isNames(files.chunks)) return undefined;
  }
  return m;
}
