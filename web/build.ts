/**
 * `deno task build`: builds the portal's islands into web/static/build/ (web/bundle.ts) and says what each
 * page's island loads. `deno task dev` and `deno task web` build by themselves when the build is missing or
 * stale, so this is for building ahead: in an image, or before a deployment starts many nodes.
 */
import { BUILD_DIR, buildIslands, BundleError } from "./bundle.ts";

const kb = (n: number) => `${(n / 1024).toFixed(1)} kB`;

if (import.meta.main) {
  const started = performance.now();
  try {
    const { manifest, files } = await buildIslands();
    const size = (names: string[]) => names.reduce((n, f) => n + files.get(f)!.length, 0);
    console.log(
      `Built the portal's islands into ${BUILD_DIR} in ${
        ((performance.now() - started) / 1000).toFixed(1)
      } s (inputs ${manifest.inputs}):`,
    );
    for (const [name, { entry, chunks }] of Object.entries(manifest.islands)) {
      console.log(
        `  ${name.padEnd(20)} ${entry.padEnd(32)} ${kb(size([entry])).padStart(9)}` +
          `  + ${chunks.length} chunks ${kb(size(chunks)).padStart(9)}`,
      );
    }
    console.log(`${manifest.files.length} files, ${kb(size(manifest.files))} in all.`);
  } catch (err) {
    if (!(err instanceof BundleError)) throw err;
    console.error(`build: ${err.message}`);
    Deno.exit(1);
  }
}
