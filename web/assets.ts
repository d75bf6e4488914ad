/**
 * The portal's static files, read once at start-up and served from memory with
 * an ETag: there are only a handful (stylesheet, icon, the island bundle,
 * uPlot's stylesheet from its npm package), and the file-system middlewares
 * resolve paths against the working directory, which `deno task dev` does not
 * fix. Nothing is loaded from outside.
 */
import { fileURLToPath } from "node:url";
import type { AssetUrls } from "./components/Layout.tsx";

export interface Asset {
  body: Uint8Array;
  type: string;
  etag: string;
}

export interface AssetTable {
  get(path: string): Asset | undefined;
  urls: AssetUrls;
}

async function etagOf(body: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", body as Uint8Array<ArrayBuffer>));
  return [...digest.slice(0, 8)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export async function loadAssets(bundle: string): Promise<AssetTable> {
  const files: Array<[string, Uint8Array, string]> = [
    ["/static/styles.css", await Deno.readFile(here("./static/styles.css")), "text/css; charset=utf-8"],
    ["/static/favicon.svg", await Deno.readFile(here("./static/favicon.svg")), "image/svg+xml"],
    ["/static/build/islands.js", new TextEncoder().encode(bundle), "text/javascript; charset=utf-8"],
    [
      "/static/vendor/uplot.min.css",
      await Deno.readFile(here("../node_modules/uplot/dist/uPlot.min.css")),
      "text/css; charset=utf-8",
    ],
  ];
  const table = new Map<string, Asset>();
  for (const [path, body, type] of files) table.set(path, { body, type, etag: await etagOf(body) });
  // The version in the query string makes a browser fetch a new bundle after an upgrade.
  const url = (path: string) => `${path}?v=${table.get(path)!.etag}`;
  return {
    get: (path) => table.get(path),
    urls: {
      css: url("/static/styles.css"),
      js: url("/static/build/islands.js"),
      uplotCss: url("/static/vendor/uplot.min.css"),
    },
  };
}
