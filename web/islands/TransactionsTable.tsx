/**
 * Transaction history, one page at a time, with energy, duration, tag and
 * charger. It refreshes itself when a transaction starts or stops anywhere.
 */
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import type { TransactionRecord } from "../../shared/queries.ts";
import { api } from "../client/api.ts";
import { useNow } from "../client/hooks.ts";
import { watch } from "../client/socket.ts";
import { durationBetween, formatDateTime, formatKwh } from "../lib/format.ts";

export interface TransactionsTableProps {
  items: TransactionRecord[];
  total: number;
  page: number;
  pageSize: number;
  chargerId: string | null;
  renderedAt: number;
}

function pageHref(page: number, chargerId: string | null): string {
  const q = new URLSearchParams();
  if (chargerId) q.set("charger", chargerId);
  if (page > 1) q.set("page", String(page));
  const s = q.toString();
  return s ? `/transactions?${s}` : "/transactions";
}

export default function TransactionsTable(props: TransactionsTableProps) {
  const items = useSignal(props.items);
  const total = useSignal(props.total);
  const now = useNow(props.renderedAt);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const refresh = async () => {
      const q = new URLSearchParams({
        limit: String(props.pageSize),
        offset: String((props.page - 1) * props.pageSize),
      });
      if (props.chargerId) q.set("chargerId", props.chargerId);
      const res = await api(`/api/v1/transactions?${q}`);
      if (!res.ok) return;
      const body = await res.json() as { total: number; items: TransactionRecord[] };
      items.value = body.items;
      total.value = body.total;
    };
    // Many chargers stopping at once make one refresh, not one each.
    const onTransaction = () => {
      clearTimeout(timer);
      timer = setTimeout(() => refresh().catch(() => {}), 300);
    };
    const socket = watch({});
    socket.on("transaction", onTransaction);
    socket.on("connect", onTransaction);
    return () => {
      clearTimeout(timer);
      socket.off("transaction", onTransaction);
      socket.off("connect", onTransaction);
    };
  }, []);

  const pages = Math.max(1, Math.ceil(total.value / props.pageSize));
  return (
    <section data-testid="transactions">
      <div class="table-wrap">
        <table class="table tx-table">
          <thead>
            <tr>
              <th>#</th>
              <th>Charger</th>
              <th>Connector</th>
              <th>idTag</th>
              <th>Started</th>
              <th>Duration</th>
              <th class="num">Energy</th>
              <th>Ended</th>
            </tr>
          </thead>
          <tbody>
            {items.value.map((t) => (
              <tr key={t.id} data-transaction={t.id} data-state={t.stoppedAt ? "stopped" : "active"}>
                <td data-label="#" class="mono">{t.id}</td>
                <td data-label="Charger">
                  <a href={`/chargers/${encodeURIComponent(t.chargerId)}`}>{t.chargerId}</a>
                </td>
                <td data-label="Connector">{t.connectorId}</td>
                <td data-label="idTag" class="mono small">{t.idTag}</td>
                <td data-label="Started" class="small">{formatDateTime(t.startedAt)}</td>
                <td data-label="Duration" class="small">
                  {durationBetween(t.startedAt, t.stoppedAt ?? now.value)}
                </td>
                <td data-label="Energy" class="num">{formatKwh(t.energyWh)}</td>
                <td data-label="Ended" class="small">
                  {t.stoppedAt
                    ? (
                      <span>
                        {formatDateTime(t.stoppedAt)} <span class="muted">· {t.stopReason ?? "—"}</span>
                      </span>
                    )
                    : <span class="live-pill">in progress</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {items.value.length === 0 && <div class="empty muted">No transactions yet.</div>}
      </div>
      <nav class="pager" aria-label="Pages">
        {props.page > 1
          ? <a class="btn" href={pageHref(props.page - 1, props.chargerId)}>‹ Newer</a>
          : <span />}
        <span class="muted small">
          Page {props.page} of {pages} · {total.value.toLocaleString("en")} transactions
        </span>
        {props.page < pages
          ? <a class="btn" href={pageHref(props.page + 1, props.chargerId)}>Older ›</a>
          : <span />}
      </nav>
    </section>
  );
}
