/** The page shell: header with navigation and the live-connection indicator, content, the island bundle. */
import type { ComponentChildren } from "preact";
import { Island } from "./Island.tsx";

export interface AssetUrls {
  css: string;
  js: string;
  uplotCss: string;
}

export type NavSection = "fleet" | "transactions" | "tags" | "none";

export function Layout(
  { title, section, assets, children, chart = false }: {
    title: string;
    section: NavSection;
    assets: AssetUrls;
    children: ComponentChildren;
    /** The page draws a uPlot chart and needs its stylesheet. */
    chart?: boolean;
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
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light" />
        <title>{`${title} · Chargewire`}</title>
        <link rel="icon" href="/static/favicon.svg" type="image/svg+xml" />
        <link rel="stylesheet" href={assets.css} />
        {chart && <link rel="stylesheet" href={assets.uplotCss} />}
      </head>
      <body>
        <header class="topbar">
          <a class="brand" href="/">
            <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
              <path d="M13 2 4 14h7l-1 8 9-12h-7l1-8z" fill="currentColor" />
            </svg>
            Chargewire
          </a>
          <nav class="nav">
            {link("/", "Fleet", "fleet")}
            {link("/transactions", "Transactions", "transactions")}
            {link("/id-tags", "Id tags", "tags")}
            <a href="/api/v1/openapi.json">API</a>
          </nav>
          <Island name="ConnectionStatus" props={{}} />
        </header>
        <main class="main">{children}</main>
        <script type="module" src={assets.js} />
      </body>
    </html>
  );
}
