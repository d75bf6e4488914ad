/** Server side of an island: its markup now, and the marker and props the browser hydrates it from. */
import { type ComponentProps, createContext } from "preact";
import { useContext } from "preact/hooks";
import { type IslandName, ISLANDS } from "../islands/mod.ts";

/** The islands a page renders, collected for the page's scripts (web/components/Layout.tsx). */
export const IslandsOnPage = createContext<Set<string> | undefined>(undefined);

export function Island<N extends IslandName>(
  { name, props }: { name: N; props: ComponentProps<(typeof ISLANDS)[N]> },
) {
  useContext(IslandsOnPage)?.add(name);
  // deno-lint-ignore no-explicit-any
  const Component = ISLANDS[name] as any;
  // The props travel in an attribute, which the renderer escapes, so no text can break out of it.
  return (
    <div class="island" data-island={name} data-props={JSON.stringify(props)}>
      <Component {...(props as Record<string, unknown>)} />
    </div>
  );
}
