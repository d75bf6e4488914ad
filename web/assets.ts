/**
 * The portal's static files, read once at start-up and served from memory with an ETag: the stylesheet,
 * the icon, uPlot's stylesheet from its npm package, and the islands' build (web/bundle.ts). The
 * file-system middlewares resolve paths against the working directory, which `deno task dev` does not fix.
 * Nothing is loaded from outside.
 *
 * The build's files have a hash of their content in their names, so they are `immutable`: a browser keeps
 * them for a year and never asks again, and a new build has new names. The others keep their names and are
 * revalidated (`no-cache`, with a version in the URL the pages use).
 */
import { fileURLToPath } from "node:url";
import type { AssetUrls } from "./components/Layout.tsx";
import type { IslandBuild } from "./bundle.ts";
import { pageScripts } from "./bundle_manifest.ts";

export interface Asset {
  body: Uint8Array;
  type: string;
  etag: string;
  /** Named by its content: the same URL never serves anything else. */
  immutable: boolean;
}

export interface AssetTable {
  get(path: string): Asset | undefined;
  urls: AssetUrls;
}

export const BUILD_PATH = "/static/build/";

async function etagOf(body: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", body as Uint8Array<ArrayBuffer>));
  return [...digest.slice(0, 8)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** Without a build (tests of routes and pages that run no browser), pages name no scripts. */
export async function loadAssets(build?: Pick<IslandBuild, "manifest" | "files">): Promise<AssetTable> {
  const files: Array<[string, Uint8Array, string, boolean]> = [
    [
      "/static/styles.css",
      await Deno.readFile(here("./static/styles.css")),
      "text/css; charset=utf-8",
      false,
    ],
    ["/static/favicon.svg", await Deno.readFile(here("./static/favicon.svg")), "image/svg+xml", false],
    [
      "/static/vendor/uplot.min.css",
      await Deno.readFile(here("../node_modules/uplot/dist/uPlot.min.css")),
      "text/css; charset=utf-8",
      false,
    ],
  ];
  for (const [name, body] of build?.files ?? []) {
    files.push([`${BUILD_PATH}${name}`, body, "text/javascript; charset=utf-8", true]);
  }
  const table = new Map<string, Asset>();
  for (const [path, body, type, immutable] of files) {
    table.set(path, { body, type, etag: await etagOf(body), immutable });
  }
  // The version in the query string makes a browser fetch the new file after an upgrade.
  const url = (path: string) => `${path}?v=${table.get(path)!.etag}`;
  return {
    get: (path) => table.get(path),
    urls: {
      css: url("/static/styles.css"),
      uplotCss: url("/static/vendor/uplot.min.css"),
      islands(names) {
        if (!build) return { scripts: [], preloads: [] };
        const { scripts, preloads } = pageScripts(build.manifest, names);
        return {
          scripts: scripts.map((f) => `${BUILD_PATH}${f}`),
          preloads: preloads.map((f) => `${BUILD_PATH}${f}`),
        };
      },
    },
  };
}
