import assert from "node:assert/strict";
import {
  type BuildManifest,
  chunkClosure,
  chunkImports,
  hashedName,
  pageScripts,
  parseManifest,
  UnknownIslandError,
} from "./bundle_manifest.ts";

Deno.test("chunkImports: static imports of sibling files, minified or not, each once; not dynamic ones", () => {
  const minified =
    `import{a as b}from"./chunk-AB12.js";import"./chunk-CD34.js";import{c}from"./chunk-AB12.js";` +
    `const lazy=()=>import("./chunk-LAZY.js");`;
  assert.deepEqual(chunkImports(minified), ["chunk-AB12.js", "chunk-CD34.js"]);
  const plain = `import {\n  h\n} from './chunk-EF56.js';\nimport './chunk-GH78.js';\n`;
  assert.deepEqual(chunkImports(plain), ["chunk-EF56.js", "chunk-GH78.js"]);
  assert.deepEqual(chunkImports(`const s = "from ./chunk-X.js"; // import"../up.js"`), []);
});

Deno.test("chunkClosure: every chunk reached, once, first reached first, without the entry; cycles end", () => {
  const graph: Record<string, string[]> = {
    "E.js": ["a.js", "b.js"],
    "a.js": ["c.js"],
    "b.js": ["c.js", "a.js"],
    "c.js": ["a.js"],
  };
  assert.deepEqual(chunkClosure("E.js", (f) => graph[f] ?? []), ["a.js", "c.js", "b.js"]);
  assert.deepEqual(chunkClosure("lone.js", () => []), []);
});

Deno.test("hashedName: the same content gives the same name, other content another", async () => {
  const a = await hashedName("FleetTable.js", new TextEncoder().encode("one"));
  assert.match(a, /^FleetTable-[0-9a-f]{10}\.js$/);
  assert.equal(await hashedName("FleetTable.js", new TextEncoder().encode("one")), a);
  assert.notEqual(await hashedName("FleetTable.js", new TextEncoder().encode("two")), a);
});

const manifest: BuildManifest = {
  inputs: "x",
  islands: {
    ConnectionStatus: { entry: "ConnectionStatus-1.js", chunks: ["chunk-P.js"] },
    FleetTable: { entry: "FleetTable-2.js", chunks: ["chunk-S.js", "chunk-P.js"] },
    ChargerDetail: { entry: "ChargerDetail-3.js", chunks: ["chunk-S.js", "chunk-P.js", "chunk-U.js"] },
  },
  files: [],
};

Deno.test("pageScripts: the page's islands' entries in order, their chunks preloaded once", () => {
  assert.deepEqual(pageScripts(manifest, ["ConnectionStatus", "FleetTable"]), {
    scripts: ["ConnectionStatus-1.js", "FleetTable-2.js"],
    preloads: ["chunk-P.js", "chunk-S.js"],
  });
  assert.deepEqual(pageScripts(manifest, new Set(["ChargerDetail", "ChargerDetail"])), {
    scripts: ["ChargerDetail-3.js"],
    preloads: ["chunk-S.js", "chunk-P.js", "chunk-U.js"],
  });
  assert.deepEqual(pageScripts(manifest, []), { scripts: [], preloads: [] });
  assert.throws(() => pageScripts(manifest, ["Nope"]), UnknownIslandError);
  assert.throws(() => pageScripts(manifest, ["toString"]), UnknownIslandError);
});

Deno.test("parseManifest: reads back what was written; a damaged or foreign file reads as none", () => {
  assert.deepEqual(parseManifest(JSON.stringify(manifest)), manifest);
  assert.equal(parseManifest("{"), undefined);
  assert.equal(parseManifest("null"), undefined);
  assert.equal(parseManifest(JSON.stringify({ ...manifest, inputs: 1 })), undefined);
  assert.equal(parseManifest(JSON.stringify({ ...manifest, files: [1] })), undefined);
  assert.equal(
    parseManifest(JSON.stringify({ ...manifest, islands: { A: { entry: "a.js" } } })),
    undefined,
  );
});
