/**
 * The browser entry, bundled by `deno bundle --platform browser` at start-up:
 * hydrates every island the server rendered, with the props it rendered it with.
 */
import { h, hydrate } from "preact";
import { type IslandName, ISLANDS } from "../islands/mod.ts";

for (const el of document.querySelectorAll<HTMLElement>("[data-island]")) {
  const name = el.dataset.island as IslandName;
  const component = ISLANDS[name] as (props: Record<string, unknown>) => unknown;
  if (!component) {
    console.error(`unknown island ${name}`);
    continue;
  }
  const props = JSON.parse(el.dataset.props ?? "{}");
  // deno-lint-ignore no-explicit-any
  hydrate(h(component as any, props), el);
  el.dataset.hydrated = "true";
}
