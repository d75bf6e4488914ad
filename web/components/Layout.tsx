/**
 * The page shell: header with navigation, the signed-in user and the live-connection indicator, content,
 * and the scripts of the islands on the page (only those). `bare` is the sign-in page's shell: no
 * navigation, no live connection, no island, so no script.
 */
import type { ComponentChildren } from "preact";
import type { Role } from "../auth/roles.ts";
import { Island, IslandsOnPage } from "./Island.tsx";

export interface AssetUrls {
  css: string;
  uplotCss: string;
  /** The module scripts of these islands and the chunks they import (web/assets.ts). */
  islands(names: Iterable<string>): { scripts: string[]; preloads: string[] };
}

export type NavSection =
  | "fleet"
  | "transactions"
  | "history"
  | "events"
  | "tags"
  | "users"
  | "registrations"
  | "audit"
  | "account"
  | "none";

/** Who the page is for: shown in the header, and the CSRF token the page's scripts send with writes. */
export interface PageUser {
  name: string;
  role: Role;
  csrfToken: string;
}

export function Layout(
  { title, section, assets, children, chart = false, user, bare = false }: {
    title: string;
    section: NavSection;
    assets: AssetUrls;
    children: ComponentChildren;
    /** The page draws a uPlot chart and needs its stylesheet. */
    chart?: boolean;
    user?: PageUser;
    bare?: boolean;
  },
) {
  const link = (href: string, label: string, s: NavSection) => (
    <a
      href={href}
      class={section === s ? "is-current" : undefined}
      aria-current={section === s ? "page" : undefined}
    >
      {label}
    </a>
  );
  // Every Island rendered below adds its name; IslandScripts, rendered after them, reads the set.
  const onPage = new Set<string>();
  return (
    <IslandsOnPage.Provider value={onPage}>
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="color-scheme" content="light" />
          <title>{`${title} · Chargewire`}</title>
          <link rel="icon" href="/static/favicon.svg" type="image/svg+xml" />
          <link rel="stylesheet" href={assets.css} />
          {chart && <link rel="stylesheet" href={assets.uplotCss} />}
          {user && <meta name="csrf-token" content={user.csrfToken} />}
        </head>
        <body>
          <header class="topbar">
            <a class="brand" href="/">
              <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
                <path d="M13 2 4 14h7l-1 8 9-12h-7l1-8z" fill="currentColor" />
              </svg>
              Chargewire
            </a>
            {!bare && (
              <nav class="nav">
                {link("/", "Fleet", "fleet")}
                {link("/transactions", "Transactions", "transactions")}
                {link("/history", "History", "history")}
                {link("/id-tags", "Id tags", "tags")}
                {link("/events", "Events", "events")}
                {user?.role === "admin" && link("/registrations", "Registrations", "registrations")}
                {user?.role === "admin" && link("/users", "Users", "users")}
                {user?.role === "admin" && link("/audit", "Audit", "audit")}
                <a href="/api/v1/openapi.json">API</a>
              </nav>
            )}
            {!bare && <Island name="ConnectionStatus" props={{}} />}
            {user && (
              <form class="whoami" method="post" action="/logout" data-testid="whoami">
                <span class="small">
                  <a
                    href="/account"
                    class="mono account-link"
                    title="Your account: change your password"
                    aria-current={section === "account" ? "page" : undefined}
                    data-testid="account-link"
                  >
                    {user.name}
                  </a>{" "}
                  <span class="role-pill">{user.role}</span>
                </span>
                <input type="hidden" name="_csrf" value={user.csrfToken} />
                <button type="submit" class="btn btn-small btn-ghost" data-testid="logout">Sign out</button>
              </form>
            )}
          </header>
          <main class="main">{children}</main>
          <IslandScripts assets={assets} names={onPage} />
        </body>
      </html>
    </IslandsOnPage.Provider>
  );
}

/**
 * The entries of the page's islands as module scripts ('self' files: the CSP holds), with their chunks as
 * modulepreload links so the browser fetches them together. Rendered last, after the islands it names.
 */
function IslandScripts({ assets, names }: { assets: AssetUrls; names: ReadonlySet<string> }) {
  const { scripts, preloads } = assets.islands(names);
  return (
    <>
      {preloads.map((href) => <link key={href} rel="modulepreload" href={href} />)}
      {scripts.map((src) => <script key={src} type="module" src={src} />)}
    </>
  );
}
