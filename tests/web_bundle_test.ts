/**
 * The islands' build (web/bundle.ts) through its real bundler: one entry per island with shared chunks and
 * uPlot only where a chart is, the same hashes from the same inputs, built once per set of inputs (starts
 * that find it read it, starts racing on a cold directory wait for one build), and a stale or damaged
 * build built again.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { buildIslands, ensureIslands, inputHash } from "../web/bundle.ts";
import { MANIFEST_FILE } from "../web/bundle_manifest.ts";
import { ISLANDS } from "../web/islands/mod.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

async function tempDir(): Promise<string> {
  return `${await Deno.makeTempDir({ prefix: "chargewire_bundle_" })}/`;
}

async function listing(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for await (const e of Deno.readDir(dir)) {
    if (e.isFile && e.name !== ".lock") out.set(e.name, await Deno.readTextFile(`${dir}${e.name}`));
  }
  return out;
}

/** Whether the island's module graph reaches the uplot package (deno info: the module graph, no bundler). */
async function drawsChart(name: string): Promise<boolean> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", `${ROOT}web/islands/${name}.tsx`],
    cwd: ROOT,
    stdout: "piped",
    stderr: "inherit",
  }).output();
  assert.ok(out.success);
  const info = JSON.parse(new TextDecoder().decode(out.stdout));
  return JSON.stringify(info.modules.map((m: { specifier: string }) => m.specifier)).includes("uplot@");
}

Deno.test("bundle: one entry per island, shared chunks, uPlot only in the files of islands with a chart", async () => {
  const dir = await tempDir();
  try {
    const { manifest, files, built } = await ensureIslands({ buildDir: dir });
    assert.equal(built, true);
    assert.deepEqual(Object.keys(manifest.islands).sort(), Object.keys(ISLANDS).sort(), "every island");
    assert.deepEqual([...(await listing(dir)).keys()].sort(), [...manifest.files, MANIFEST_FILE].sort());
    for (const [name, { entry, chunks }] of Object.entries(manifest.islands)) {
      assert.match(entry, new RegExp(`^${name}-[0-9a-f]{10}\\.js$`), "an entry named by its content");
      for (const chunk of chunks) assert.match(chunk, /^chunk-[0-9A-Z]+\.js$/);
      assert.ok(manifest.files.includes(entry) && chunks.every((c) => manifest.files.includes(c)));
    }
    // Preact is in a chunk that every island imports, not in each island's file.
    const shared = Object.values(manifest.islands).map((f) => new Set(f.chunks));
    assert.ok(
      [...shared[0]].some((c) => shared.every((s) => s.has(c))),
      "a chunk every island shares",
    );

    // uPlot's own code (a property it exports), in the files of exactly the islands whose modules import it.
    const marker = "pxRatio";
    const uplotSource = await Deno.readTextFile(`${ROOT}node_modules/uplot/dist/uPlot.esm.js`);
    assert.ok(uplotSource.includes(`uPlot.${marker}`));
    const text = (f: string) => new TextDecoder().decode(files.get(f));
    const charts = [];
    for (const [name, { entry, chunks }] of Object.entries(manifest.islands)) {
      const hasUplot = [entry, ...chunks].some((f) => text(f).includes(marker));
      assert.equal(hasUplot, await drawsChart(name), `${name}: uPlot in its files iff it draws a chart`);
      if (hasUplot) charts.push(name);
    }
    assert.ok(charts.includes("ChargerDetail"), "the charger page's chart");
    assert.ok(!charts.includes("ConnectionStatus"), "the header's island, on every page, has no chart");
    assert.ok(charts.length < Object.keys(manifest.islands).length);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("bundle: the same inputs build the same files with the same names", async () => {
  const [a, b] = [await tempDir(), await tempDir()];
  try {
    await buildIslands({ buildDir: a });
    await buildIslands({ buildDir: b });
    const [filesA, filesB] = [await listing(a), await listing(b)];
    assert.ok(filesA.size > Object.keys(ISLANDS).length);
    assert.deepEqual([...filesA.keys()].sort(), [...filesB.keys()].sort());
    for (const [name, body] of filesA) assert.equal(filesB.get(name), body, `${name} is the same`);
  } finally {
    await Deno.remove(a, { recursive: true });
    await Deno.remove(b, { recursive: true });
  }
});

Deno.test("bundle: parallel starts on a cold directory share one build; later starts read it", async () => {
  const dir = await tempDir();
  try {
    await Deno.writeTextFile(`${dir}islands.0123456789abcdef0123.js`, "what an older build left");
    const results = await Promise.all([1, 2, 3].map(() => ensureIslands({ buildDir: dir })));
    assert.equal(results.filter((r) => r.built).length, 1, "one of the three built it");
    assert.ok(results.every((r) => JSON.stringify(r.manifest) === JSON.stringify(results[0].manifest)));
    const manifest = results[0].manifest;
    assert.equal(manifest.inputs, await inputHash());
    assert.deepEqual(
      [...(await listing(dir)).keys()].sort(),
      [...manifest.files, MANIFEST_FILE].sort(),
      "the build and its manifest, no staging left, the older file gone",
    );

    const before = (await Deno.stat(`${dir}${MANIFEST_FILE}`)).mtime?.getTime();
    const again = await ensureIslands({ buildDir: dir });
    assert.equal(again.built, false, "a later start reads it");
    assert.deepEqual(again.manifest, manifest);
    assert.equal((await Deno.stat(`${dir}${MANIFEST_FILE}`)).mtime?.getTime(), before, "not written again");
    assert.notEqual(await inputHash(false), manifest.inputs, "an unminified build is another build");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("bundle: a build of other inputs, or one missing a file, is built again", async () => {
  const dir = await tempDir();
  try {
    const first = await ensureIslands({ buildDir: dir });
    const stale = { ...first.manifest, inputs: "00000000000000000000" };
    await Deno.writeTextFile(`${dir}${MANIFEST_FILE}`, JSON.stringify(stale));
    const rebuilt = await ensureIslands({ buildDir: dir });
    assert.equal(rebuilt.built, true, "the manifest's inputs are not the sources'");
    assert.deepEqual(rebuilt.manifest, first.manifest);

    await Deno.remove(`${dir}${first.manifest.files[0]}`);
    assert.equal((await ensureIslands({ buildDir: dir })).built, true, "a file of the build is gone");
    await Deno.writeTextFile(`${dir}${MANIFEST_FILE}`, "{ not json");
    assert.equal((await ensureIslands({ buildDir: dir })).built, true, "a damaged manifest");
    assert.equal((await ensureIslands({ buildDir: dir })).built, false);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("bundle: a builder killed while it held the lock does not hold up the next start", async () => {
  const dir = await tempDir();
  try {
    const lockPath = `${dir}.lock`;
    // A process that takes the lock as a builder does, says so, and is then killed mid-"build".
    const holder = new Deno.Command(Deno.execPath(), {
      args: [
        "eval",
        `const f = await Deno.open(${JSON.stringify(lockPath)}, { create: true, write: true });
         await f.lock(true); console.log("locked"); await new Promise(() => setInterval(() => {}, 1000));`,
      ],
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const reader = holder.stdout.pipeThrough(new TextDecoderStream()).getReader();
    assert.match((await reader.read()).value ?? "", /locked/);
    holder.kill("SIGKILL");
    await holder.status;
    await reader.cancel();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const build = await Promise.race([
      ensureIslands({ buildDir: dir }),
      new Promise<never>((_, reject) =>
        timer = setTimeout(() => reject(new Error("still waiting for a dead builder's lock")), 60_000)
      ),
    ]).finally(() => clearTimeout(timer));
    assert.equal(build.built, true);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
