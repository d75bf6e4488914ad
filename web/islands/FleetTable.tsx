/**
 * The fleet overview: counts by status, search and status filter, and one page
 * of chargers at a time. The server sends every charger's compact row once on
 * connect and then coalesced changes; filtering and paging happen here, so a
 * fleet of 10,000 renders only the 50 rows in view.
 */
import { useComputed, useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { watch } from "../client/socket.ts";
import { useNow } from "../client/hooks.ts";
import {
  compareIds,
  FLEET_STATUSES,
  type FleetPage,
  type FleetRow,
  type FleetStatus,
  queryFleet,
  type StatusCounts,
} from "../lib/fleet.ts";
import { durationBetween, formatAgo, formatKw, formatKwh, formatPercent } from "../lib/format.ts";
import type { FleetSnapshot, FleetUpdate } from "../lib/protocol.ts";
import { ConnectorDot, StatusBadge, statusLabel } from "../components/StatusBadge.tsx";
import { FleetCharts } from "../components/FleetCharts.tsx";
import type { FleetHistory } from "../lib/fleet_series.ts";

export interface FleetTableProps {
  /** The page the server rendered, shown until the live snapshot arrives. */
  initialPage: FleetPage;
  counts: StatusCounts;
  search: string;
  status: FleetStatus | null;
  pageSize: number;
  renderedAt: number;
  /** Where chargers connect, for the empty fleet's hint. */
  ocppUrl?: string;
  /** The fleet's last hour as the server kept it, for the charts to start from. */
  history: FleetHistory;
}

function chargerHref(id: string): string {
  return `/chargers/${encodeURIComponent(id)}`;
}

function Row({ row, now }: { row: FleetRow; now: number }) {
  const tx = row.transactions[0];
  return (
    <tr data-charger={row.id} class={row.online ? "" : "is-offline"}>
      <td data-label="Charger">
        <a class="charger-link" href={chargerHref(row.id)}>{row.id}</a>
        <div class="muted small">{[row.vendor, row.model].filter(Boolean).join(" · ") || "—"}</div>
      </td>
      <td data-label="Status">
        <StatusBadge status={row.status} />
      </td>
      <td data-label="Connectors">
        {row.connectors.length === 0 ? <span class="muted">—</span> : (
          <span class="dots">
            {row.connectors.map((c) => (
              <ConnectorDot
                key={c.evseId}
                evseId={c.evseId}
                status={row.online ? c.status : "Offline"}
                original={c.original}
                errorCode={c.errorCode}
              />
            ))}
          </span>
        )}
      </td>
      <td data-label="Power" class="num">
        {row.powerW > 0 ? formatKw(row.powerW) : <span class="muted">0 kW</span>}
      </td>
      <td data-label="SoC">
        {row.socPercent === undefined ? <span class="muted">—</span> : (
          <span class="soc">
            {/* A meter, not a sized span: the page's CSP refuses style attributes. */}
            <meter class="soc-bar" min={0} max={100} value={row.socPercent} aria-label="State of charge" />
            <span class="num">{formatPercent(row.socPercent)}</span>
          </span>
        )}
      </td>
      <td data-label="Session">
        {tx
          ? (
            <span>
              <span class="mono">#{tx.id}</span> · {tx.idTag}
              <div class="muted small">
                {formatKwh(tx.energyWh)} · {durationBetween(tx.startedAt, now)}
                {row.transactions.length > 1 ? ` · +${row.transactions.length - 1} more` : ""}
              </div>
            </span>
          )
          : <span class="muted">—</span>}
      </td>
      <td data-label="Last seen" class="muted small">
        {row.online ? formatAgo(row.lastSeenAt, now) : `offline · ${formatAgo(row.lastSeenAt, now)}`}
      </td>
    </tr>
  );
}

export default function FleetTable(props: FleetTableProps) {
  const all = useSignal<FleetRow[] | null>(null);
  const counts = useSignal(props.counts);
  const search = useSignal(props.search);
  const status = useSignal<FleetStatus | null>(props.status);
  const page = useSignal(props.initialPage.page);
  const now = useNow(props.renderedAt, 5000);

  useEffect(() => {
    const index = new Map<string, number>();
    const reindex = (rows: FleetRow[]) => {
      index.clear();
      rows.forEach((r, i) => index.set(r.id, i));
    };
    const onSnapshot = (snapshot: FleetSnapshot) => {
      reindex(snapshot.rows);
      all.value = snapshot.rows;
      counts.value = snapshot.counts;
    };
    const onUpdate = (update: FleetUpdate) => {
      counts.value = update.counts;
      if (!all.value) return;
      const next = all.value.slice();
      let added = false;
      for (const row of update.rows) {
        const i = index.get(row.id);
        if (i === undefined) {
          next.push(row);
          added = true;
        } else next[i] = row;
      }
      if (added) {
        next.sort((a, b) => compareIds(a.id, b.id));
        reindex(next);
      }
      all.value = next;
    };
    const socket = watch({ fleet: true });
    socket.on("fleet:snapshot", onSnapshot);
    socket.on("fleet:update", onUpdate);
    return () => {
      socket.off("fleet:snapshot", onSnapshot);
      socket.off("fleet:update", onUpdate);
    };
  }, []);

  // Keep the address bar in step, so a reload or a shared link shows the same view.
  useEffect(() => {
    const url = new URL(location.href);
    const set = (k: string, v: string | null) => v ? url.searchParams.set(k, v) : url.searchParams.delete(k);
    set("q", search.value.trim() || null);
    set("status", status.value);
    set("page", page.value > 1 ? String(page.value) : null);
    if (url.href !== location.href) history.replaceState(null, "", url);
  }, [search.value, status.value, page.value]);

  const view = useComputed(() =>
    all.value
      ? queryFleet(all.value, {
        search: search.value,
        status: status.value ?? undefined,
        page: page.value,
        pageSize: props.pageSize,
      })
      : props.initialPage
  );
  const v = view.value;
  const c = counts.value;
  const from = v.matching === 0 ? 0 : (v.page - 1) * props.pageSize + 1;
  const to = Math.min(v.matching, v.page * props.pageSize);
  const chip = (s: FleetStatus | null, label: string, n: number) => (
    <button
      type="button"
      class={`chip ${s ? `status-${s}` : "chip-all"} ${status.value === s ? "is-active" : ""}`}
      aria-pressed={status.value === s}
      data-chip={s ?? "all"}
      onClick={() => {
        status.value = status.value === s ? null : s;
        page.value = 1;
      }}
    >
      <span class="chip-count">{n.toLocaleString("en")}</span>
      <span class="chip-label">{label}</span>
    </button>
  );

  return (
    <section class="fleet" data-testid="fleet" data-live={all.value ? "yes" : "no"}>
      <div class="chips" role="group" aria-label="Filter by status">
        {chip(null, "Chargers", c.total)}
        <span class="chip chip-static" title="Connected to the CSMS now">
          <span class="chip-count">{c.online.toLocaleString("en")}</span>
          <span class="chip-label">Online</span>
        </span>
        {FLEET_STATUSES.filter((s) =>
          (c[s] ?? 0) > 0 || s === "Charging" || s === "Available" || s === "Offline"
        )
          .map((s) => chip(s, statusLabel(s), c[s] ?? 0))}
      </div>
      <FleetCharts rows={all} history={props.history} />
      <div class="toolbar">
        <input
          type="search"
          class="search"
          placeholder="Search charger, vendor, model or idTag"
          aria-label="Search chargers"
          value={search.value}
          onInput={(e) => {
            search.value = (e.target as HTMLInputElement).value;
            page.value = 1;
          }}
        />
        <span class="muted small" data-testid="fleet-range">
          {v.matching === 0
            ? "No chargers match"
            : `${from.toLocaleString("en")}–${to.toLocaleString("en")} of ${v.matching.toLocaleString("en")}`}
        </span>
      </div>
      <div class="table-wrap">
        <table class="table fleet-table">
          <caption class="visually-hidden">Chargers</caption>
          <thead>
            <tr>
              <th scope="col">Charger</th>
              <th scope="col">Status</th>
              <th scope="col">Connectors</th>
              <th scope="col" class="num">Power</th>
              <th scope="col">SoC</th>
              <th scope="col">Session</th>
              <th scope="col">Last seen</th>
            </tr>
          </thead>
          <tbody>
            {v.rows.map((row) => <Row key={row.id} row={row} now={now.value} />)}
          </tbody>
        </table>
        {c.total === 0 && (
          <div class="empty">
            <p>No charger has connected yet.</p>
            <p class="muted small">
              Start a simulated one:{" "}
              <code>deno task charger --id CP-001 --url {props.ocppUrl ?? "ws://127.0.0.1:9000/ocpp"}</code>
            </p>
          </div>
        )}
      </div>
      {v.pages > 1 && (
        <nav class="pager" aria-label="Pages">
          <button type="button" disabled={v.page <= 1} onClick={() => page.value = 1}>« First</button>
          <button type="button" disabled={v.page <= 1} onClick={() => page.value = v.page - 1}>‹ Prev</button>
          <span class="muted">Page {v.page} of {v.pages}</span>
          <button type="button" disabled={v.page >= v.pages} onClick={() => page.value = v.page + 1}>
            Next ›
          </button>
          <button type="button" disabled={v.page >= v.pages} onClick={() => page.value = v.pages}>
            Last »
          </button>
        </nav>
      )}
    </section>
  );
}
