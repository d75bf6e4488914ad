/**
 * Transaction history, one page at a time, with energy, duration, tag and
 * charger. It refreshes itself when a transaction starts or stops anywhere.
 * Stale transactions (charger offline, connector Available) are marked, and
 * operators may close an active one by hand, with a reason.
 */
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { MAX_CLOSE_REASON_LENGTH, type TransactionRecord } from "../../shared/queries.ts";
import { api, jsonBody, type Notice, noticeOf } from "../client/api.ts";
import { useNow } from "../client/hooks.ts";
import { watch } from "../client/socket.ts";
import { NoticeLine } from "../components/NoticeLine.tsx";
import { durationBetween, formatDateTime, formatKwh } from "../lib/format.ts";
import {
  describeEnd,
  describeReportedStop,
  describeStale,
  transactionsPageHref,
} from "../lib/transactions.ts";

export interface TransactionsTableProps {
  items: TransactionRecord[];
  total: number;
  page: number;
  pageSize: number;
  chargerId: string | null;
  /** Only the stale ones. */
  staleOnly: boolean;
  /** Operators and admins may close a transaction by hand; viewers only read. */
  canClose: boolean;
  renderedAt: number;
}

export default function TransactionsTable(props: TransactionsTableProps) {
  const items = useSignal(props.items);
  const total = useSignal(props.total);
  const now = useNow(props.renderedAt);
  /** The transaction whose close form is open, and the reason typed so far. */
  const closing = useSignal<{ id: number; reason: string } | null>(null);
  const busy = useSignal(false);
  const message = useSignal<Notice | null>(null);

  const refresh = async () => {
    const q = new URLSearchParams({
      limit: String(props.pageSize),
      offset: String((props.page - 1) * props.pageSize),
    });
    if (props.chargerId) q.set("chargerId", props.chargerId);
    if (props.staleOnly) q.set("stale", "true");
    const res = await api(`/api/v1/transactions?${q}`);
    if (!res.ok) return;
    const body = await res.json() as { total: number; items: TransactionRecord[] };
    items.value = body.items;
    total.value = body.total;
  };

  async function close(e: Event) {
    e.preventDefault();
    const form = closing.value;
    if (!form) return;
    const reason = form.reason.trim();
    if (reason === "") {
      message.value = { tone: "err", text: "Say why the transaction is closed by hand." };
      return;
    }
    busy.value = true;
    try {
      const res = await api(`/api/v1/transactions/${form.id}/close`, {
        method: "POST",
        ...jsonBody({ reason }),
      });
      message.value = await noticeOf(res, `Transaction #${form.id} closed.`, `#${form.id} not closed`);
      if (res.ok) closing.value = null;
      await refresh();
    } finally {
      busy.value = false;
    }
  }

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
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
      <NoticeLine notice={message.value} testid="close-outcome" />
      <div class="table-wrap">
        <table class="table tx-table">
          <caption class="visually-hidden">Transactions</caption>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col" title="The charger's own id for the transaction">Charger's id</th>
              <th scope="col">Charger</th>
              <th scope="col">EVSE</th>
              <th scope="col">idTag</th>
              <th scope="col">Started</th>
              <th scope="col">Duration</th>
              <th scope="col" class="num">Energy</th>
              <th scope="col">Ended</th>
            </tr>
          </thead>
          <tbody>
            {items.value.map((t) => (
              <tr
                key={t.id}
                data-transaction={t.id}
                data-state={t.stoppedAt ? "stopped" : "active"}
                data-stale={t.stale ? t.stale.cause : undefined}
              >
                <td data-label="#" class="mono">{t.id}</td>
                <td data-label="Charger's id" class="mono small" data-testid="charger-transaction-id">
                  {t.chargerTransactionId}
                </td>
                <td data-label="Charger">
                  <a href={`/chargers/${encodeURIComponent(t.chargerId)}`}>{t.chargerId}</a>
                </td>
                <td data-label="EVSE" title={`EVSE ${t.evseId}, connector ${t.connectorId}`}>{t.evseId}</td>
                <td data-label="idTag" class="mono small">{t.idTag}</td>
                <td data-label="Started" class="small">{formatDateTime(t.startedAt)}</td>
                <td data-label="Duration" class="small">
                  {durationBetween(t.startedAt, t.stoppedAt ?? now.value)}
                </td>
                <td data-label="Energy" class="num">{formatKwh(t.energyWh)}</td>
                <td data-label="Ended" class="small">
                  {t.stoppedAt
                    ? (
                      <span data-testid="ended">
                        {formatDateTime(t.stoppedAt)} <span class="muted">· {describeEnd(t)}</span>
                        {t.reportedStop && <span class="muted block">{describeReportedStop(t)}</span>}
                      </span>
                    )
                    : (
                      <span class="tx-active">
                        {t.stale
                          ? (
                            <span
                              class="stale-pill"
                              data-testid="stale"
                              title={`since ${formatDateTime(t.stale.since)}`}
                            >
                              stale · {describeStale(t, now.value)}
                            </span>
                          )
                          : <span class="live-pill">in progress</span>}
                        {props.canClose && closing.value?.id !== t.id && (
                          <button
                            type="button"
                            class={`btn btn-small ${t.stale ? "btn-warn" : ""}`}
                            data-testid="close-open"
                            onClick={() => {
                              message.value = null;
                              closing.value = { id: t.id, reason: "" };
                            }}
                          >
                            Close…
                          </button>
                        )}
                      </span>
                    )}
                  {closing.value?.id === t.id && (
                    <form class="form-row close-form" data-testid="close-form" onSubmit={close}>
                      <label class="field">
                        <span>Why close #{t.id} by hand?</span>
                        <input
                          name="reason"
                          required
                          maxLength={MAX_CLOSE_REASON_LENGTH}
                          value={closing.value.reason}
                          onInput={(e) =>
                            closing.value = { id: t.id, reason: (e.target as HTMLInputElement).value }}
                        />
                      </label>
                      <button type="submit" class="btn btn-small btn-danger" disabled={busy.value}>
                        Close transaction
                      </button>
                      <button
                        type="button"
                        class="btn btn-small"
                        onClick={() =>
                          closing.value = null}
                      >
                        Cancel
                      </button>
                    </form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {items.value.length === 0 && (
          <div class="empty muted">{props.staleOnly ? "No stale transactions." : "No transactions yet."}</div>
        )}
      </div>
      <nav class="pager" aria-label="Pages">
        {props.page > 1
          ? (
            <a class="btn" href={transactionsPageHref(props.page - 1, props.chargerId, props.staleOnly)}>
              ‹ Newer
            </a>
          )
          : <span />}
        <span class="muted small">
          Page {props.page} of {pages} · {total.value.toLocaleString("en")} transactions
        </span>
        {props.page < pages
          ? (
            <a class="btn" href={transactionsPageHref(props.page + 1, props.chargerId, props.staleOnly)}>
              Older ›
            </a>
          )
          : <span />}
      </nav>
    </section>
  );
}
