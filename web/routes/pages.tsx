/** The portal's pages, rendered on the server; islands take over in the browser. */
import { type Context, Hono } from "hono";
import { renderToString } from "preact-render-to-string";
import type { VNode } from "preact";
import type { CsmsReads } from "../../shared/queries.ts";
import { isActionName } from "../audit/entry.ts";
import type { AuditLog } from "../audit/log.ts";
import type { AppEnv } from "../auth/http.ts";
import { allows } from "../auth/roles.ts";
import type { Auth } from "../auth/service.ts";
import { AuditTable } from "../components/AuditTable.tsx";
import { Island } from "../components/Island.tsx";
import { type AssetUrls, Layout, type PageUser } from "../components/Layout.tsx";
import { FLEET_STATUSES, type FleetStatus, queryFleet } from "../lib/fleet.ts";
import type { FleetState } from "../lib/fleet_state.ts";
import type { ChargerSnapshot } from "../lib/protocol.ts";
import type { FleetHistory } from "../lib/fleet_series.ts";
import { CHARGER_ID_RULE, isChargerId } from "../../shared/identifiers.ts";
import { transactionsPageHref } from "../lib/transactions.ts";
import {
  lastDays,
  MAX_ENERGY_DAYS,
  MAX_SESSION_DAYS,
  parseStatsRange,
  rangeDays,
} from "../../shared/stats.ts";

export interface PageDeps {
  fleet: FleetState;
  reads: CsmsReads;
  auth: Auth;
  audit: AuditLog;
  assets: AssetUrls;
  chargerSnapshot(id: string): Promise<ChargerSnapshot>;
  /** The fleet's last hour, which the fleet page's charts start from. */
  fleetHistory(): FleetHistory;
  /** Where chargers connect, shown on the empty fleet page. */
  ocppUrl?: string;
}

export function renderPage(page: VNode): string {
  return "<!DOCTYPE html>" + renderToString(page);
}

const FLEET_PAGE_SIZE = 50;
const TX_PAGE_SIZE = 50;
const AUDIT_PAGE_SIZE = 50;
const EVENTS_PAGE_SIZE = 100;
/** The history page's first view: the last week. */
const HISTORY_DAYS = 7;

function positiveInt(raw: string | undefined, fallback: number): number {
  const n = Number(raw);
  return Number.isInteger(n) && n >= 1 ? n : fallback;
}

/** The signed-in person a page is for (pages run behind pageGuard, so there is one). */
export function pageUser(c: Context<AppEnv>): PageUser | undefined {
  const p = c.get("principal");
  return p?.kind === "session" ? { name: p.name, role: p.role, csrfToken: p.csrfToken } : undefined;
}

export function notFoundPage(
  assets: AssetUrls,
  message: string,
  user?: PageUser,
  title = "Not found",
): string {
  return renderPage(
    <Layout title={title} section="none" assets={assets} user={user}>
      <section class="card narrow">
        <h1>{title}</h1>
        <p class="muted">{message}</p>
        <p>
          <a href="/">Back to the fleet</a>
        </p>
      </section>
    </Layout>,
  );
}

export function pageRoutes(deps: PageDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { assets } = deps;
  const forbidden = (c: Context<AppEnv>, what: string) =>
    c.html(notFoundPage(assets, `${what} is for admins.`, pageUser(c), "Not allowed"), 403);

  app.get("/", (c) => {
    const search = c.req.query("q") ?? "";
    const rawStatus = c.req.query("status");
    const status = FLEET_STATUSES.includes(rawStatus as FleetStatus) ? rawStatus as FleetStatus : null;
    const rows = deps.fleet.rows();
    const initialPage = queryFleet(rows, {
      search,
      status: status ?? undefined,
      page: positiveInt(c.req.query("page"), 1),
      pageSize: FLEET_PAGE_SIZE,
    });
    return c.html(renderPage(
      <Layout title="Fleet" section="fleet" assets={assets} chart user={pageUser(c)}>
        <div class="page-head">
          <h1>Fleet</h1>
          <p class="muted small">Every charger, live.</p>
        </div>
        <Island
          name="FleetTable"
          props={{
            initialPage,
            counts: deps.fleet.counts(),
            search,
            status,
            pageSize: FLEET_PAGE_SIZE,
            renderedAt: Date.now(),
            ocppUrl: deps.ocppUrl,
            history: deps.fleetHistory(),
          }}
        />
      </Layout>,
    ));
  });

  app.get("/chargers/:id", async (c) => {
    const id = c.req.param("id");
    if (!isChargerId(id)) {
      return c.html(notFoundPage(assets, `A charger id has ${CHARGER_ID_RULE}.`, pageUser(c)), 404);
    }
    const snapshot = await deps.chargerSnapshot(id);
    return c.html(renderPage(
      <Layout title={id} section="fleet" assets={assets} chart user={pageUser(c)}>
        <nav class="crumbs small">
          <a href="/">Fleet</a> / <span class="mono">{id}</span>
        </nav>
        <Island
          name="ChargerDetail"
          props={{ snapshot, renderedAt: Date.now(), canCommand: allows(pageUser(c)!.role, "operator") }}
        />
      </Layout>,
    ));
  });

  app.get("/transactions", async (c) => {
    const page = positiveInt(c.req.query("page"), 1);
    const charger = c.req.query("charger");
    const chargerId = isChargerId(charger) ? charger : null;
    const staleOnly = c.req.query("stale") !== undefined;
    const { total, items } = await deps.reads.listTransactions({
      chargerId: chargerId ?? undefined,
      ...(staleOnly && { stale: true }),
      limit: TX_PAGE_SIZE,
      offset: (page - 1) * TX_PAGE_SIZE,
    });
    const csvQuery = new URLSearchParams();
    if (chargerId) csvQuery.set("chargerId", chargerId);
    if (staleOnly) csvQuery.set("stale", "true");
    const csv = `/api/v1/transactions.csv${csvQuery.size ? `?${csvQuery}` : ""}`;
    return c.html(renderPage(
      <Layout title="Transactions" section="transactions" assets={assets} user={pageUser(c)}>
        <div class="page-head">
          <h1>
            Transactions{chargerId && <span class="muted">· {chargerId}</span>}
            {staleOnly && <span class="muted">· stale</span>}
          </h1>
          <div class="actions">
            {chargerId && <a class="btn" href="/transactions">All chargers</a>}
            {staleOnly
              ? <a class="btn" href={transactionsPageHref(1, chargerId, false)}>All transactions</a>
              : (
                <a class="btn" href={transactionsPageHref(1, chargerId, true)} data-testid="stale-only">
                  Stale only
                </a>
              )}
            <a class="btn" href={csv} download data-testid="csv-export">Export CSV</a>
          </div>
        </div>
        <Island
          name="TransactionsTable"
          props={{
            items,
            total,
            page,
            pageSize: TX_PAGE_SIZE,
            chargerId,
            staleOnly,
            canClose: allows(pageUser(c)!.role, "operator"),
            renderedAt: Date.now(),
          }}
        />
      </Layout>,
    ));
  });

  app.get("/history", async (c) => {
    const from = c.req.query("from");
    const to = c.req.query("to");
    const asked = from === undefined && to === undefined
      ? undefined
      : parseStatsRange(from, to, MAX_ENERGY_DAYS);
    const range = asked?.ok ? asked.range : lastDays(Date.now(), HISTORY_DAYS);
    const [energy, sessions] = await Promise.all([
      deps.reads.energyByDay(range),
      rangeDays(range).length <= MAX_SESSION_DAYS ? deps.reads.sessionsByHour(range) : null,
    ]);
    return c.html(renderPage(
      <Layout title="History" section="history" assets={assets} chart user={pageUser(c)}>
        <div class="page-head">
          <h1>History</h1>
          <p class="muted small">
            Energy delivered per day and sessions started per hour, in UTC. A transaction's energy counts on
            the day it stopped (still running: the day it started).
          </p>
        </div>
        <Island
          name="History"
          props={{ range, energy, sessions, ...(asked && !asked.ok && { problem: asked.message }) }}
        />
      </Layout>,
    ));
  });

  app.get("/id-tags", async (c) => {
    const tags = await deps.reads.listIdTags();
    return c.html(renderPage(
      <Layout title="Id tags" section="tags" assets={assets} user={pageUser(c)}>
        <div class="page-head">
          <h1>Id tags</h1>
          <p class="muted small">
            Who may charge. Blocked and expired tags are refused at Authorize and StartTransaction.
          </p>
        </div>
        <Island name="IdTags" props={{ tags, canEdit: allows(pageUser(c)!.role, "operator") }} />
      </Layout>,
    ));
  });

  app.get("/events", async (c) => {
    const text = (k: string, max: number) => (c.req.query(k) ?? "").trim().slice(0, max);
    const filter = { chargerId: text("chargerId", 64) || undefined, type: text("type", 64) || undefined };
    const items = await deps.reads.eventLog({
      limit: EVENTS_PAGE_SIZE,
      ...(filter.chargerId && { chargerId: filter.chargerId }),
      ...(filter.type && { typePrefix: filter.type }),
    });
    return c.html(renderPage(
      <Layout title="Events" section="events" assets={assets} user={pageUser(c)}>
        <div class="page-head">
          <h1>Event log</h1>
          <p class="muted small">
            What the CSMS kept of its chargers: connections, boots, statuses, transactions, commands,
            notifications and security events (these live). Newest first.
          </p>
        </div>
        <Island name="Events" props={{ items, filter, pageSize: EVENTS_PAGE_SIZE }} />
      </Layout>,
    ));
  });

  app.get("/users", async (c) => {
    const user = pageUser(c)!;
    if (user.role !== "admin") return forbidden(c, "Managing users and API tokens");
    const [users, tokens] = await Promise.all([deps.auth.listUsers(), deps.auth.listTokens()]);
    return c.html(renderPage(
      <Layout title="Users" section="users" assets={assets} user={user}>
        <div class="page-head">
          <h1>Users and API tokens</h1>
          <p class="muted small">
            Viewers watch; operators also send commands and manage id tags; admins also manage users, tokens
            and charger registrations.
          </p>
        </div>
        <Island
          name="Users"
          props={{ users, tokens, me: user.name }}
        />
      </Layout>,
    ));
  });

  app.get("/registrations", async (c) => {
    const user = pageUser(c)!;
    if (user.role !== "admin") return forbidden(c, "Registering chargers");
    const [registrations, refusals] = await Promise.all([
      deps.reads.listRegistrations(),
      deps.reads.listRefusals(),
    ]);
    return c.html(renderPage(
      <Layout title="Charger registration" section="registrations" assets={assets} user={user}>
        <div class="page-head">
          <h1>Charger registration</h1>
          <p class="muted small">
            Which chargers may connect, and with which OCPP security profile: 1 is HTTP Basic auth with the
            charger's AuthorizationKey, 2 is the same over TLS (wss://). CHARGER_POLICY decides whether
            unknown chargers get in. The boot status answers each charger's BootNotification: Pending holds it
            until you accept it (CHARGER_POLICY=approve registers new chargers as Pending), Rejected keeps it
            out of service.
          </p>
        </div>
        <Island name="Registrations" props={{ registrations, refusals, ocppUrl: deps.ocppUrl }} />
      </Layout>,
    ));
  });

  app.get("/account", (c) => {
    const user = pageUser(c)!;
    return c.html(renderPage(
      <Layout title="Your account" section="account" assets={assets} user={user}>
        <div class="page-head">
          <h1>Your account</h1>
        </div>
        <Island name="Account" props={{ name: user.name, role: user.role }} />
      </Layout>,
    ));
  });

  app.get("/audit", async (c) => {
    const user = pageUser(c)!;
    if (user.role !== "admin") return forbidden(c, "The audit log");
    const text = (k: string, max: number) => (c.req.query(k) ?? "").trim().slice(0, max);
    const filter = { actor: text("actor", 64), action: text("action", 64), target: text("target", 200) };
    const badAction = filter.action !== "" && !isActionName(filter.action);
    const page = positiveInt(c.req.query("page"), 1);
    const { total, items } = badAction ? { total: 0, items: [] } : await deps.audit.list({
      ...filter,
      limit: AUDIT_PAGE_SIZE,
      offset: (page - 1) * AUDIT_PAGE_SIZE,
    });
    return c.html(renderPage(
      <Layout title="Audit log" section="audit" assets={assets} user={user}>
        <div class="page-head">
          <h1>Audit log</h1>
          <p class="muted small">
            Who sent which command, changed which id tag, user, token or registration, signed in or out: when
            and from where. Newest first.
          </p>
        </div>
        <AuditTable
          filter={filter}
          items={items}
          total={total}
          page={page}
          pageSize={AUDIT_PAGE_SIZE}
          problem={badAction
            ? `"${filter.action}" is not an action name: lower-case words joined by dots, e.g. user.delete`
            : undefined}
        />
      </Layout>,
    ));
  });

  return app;
}
