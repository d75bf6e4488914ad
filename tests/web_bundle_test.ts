/**
 * The islands bundle is built once per set of sources: starts that find it read it, and starts racing on a
 * cold cache wait for one build instead of each running `deno bundle`.
 */
import assert from "node:assert/strict";
import { bundleIslands, sourceHash } from "../web/bundle.ts";

Deno.test("bundle: parallel starts on a cold cache share one build; later starts read it", async () => {
  const dir = `${await Deno.makeTempDir({ prefix: "chargewire_bundle_" })}/`;
  try {
    await Deno.writeTextFile(`${dir}islands.0123456789abcdef0123.js`, "a bundle of sources that are gone");
    let builds = 0;
    const onBuild = () => builds++;
    const texts = await Promise.all([1, 2, 3].map(() => bundleIslands({ buildDir: dir, onBuild })));
    assert.equal(builds, 1, "one of the three built it");
    assert.ok(texts[0].length > 10_000, "a real bundle");
    assert.ok(texts.every((t) => t === texts[0]));
    const files = [];
    for await (const e of Deno.readDir(dir)) files.push(e.name);
    const hash = await sourceHash(true);
    assert.deepEqual(
      files,
      [`islands.${hash}.js`],
      "one bundle, no lock or temporary file, the old one gone",
    );

    const before = (await Deno.stat(`${dir}${files[0]}`)).mtime?.getTime();
    assert.equal(await bundleIslands({ buildDir: dir, onBuild }), texts[0]);
    assert.equal(builds, 1, "a later start reads it");
    assert.equal((await Deno.stat(`${dir}${files[0]}`)).mtime?.getTime(), before, "read, not built again");
    assert.notEqual(await sourceHash(false), hash, "an unminified bundle is another bundle");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("bundle: a builder killed while it held the lock does not hold up the next start", async () => {
  const dir = `${await Deno.makeTempDir({ prefix: "chargewire_bundle_" })}/`;
  try {
    const lockPath = `${dir}islands.${await sourceHash(true)}.js.lock`;
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
    let builds = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const text = await Promise.race([
      bundleIslands({ buildDir: dir, onBuild: () => builds++ }),
      new Promise<never>((_, reject) =>
        timer = setTimeout(() => reject(new Error("still waiting for a dead builder's lock")), 60_000)
      ),
    ]).finally(() => clearTimeout(timer));
    assert.ok(text.length > 10_000);
    assert.equal(builds, 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
