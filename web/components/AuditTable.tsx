/**
 * The audit page's body, rendered on the server (it needs no script): a filter form (GET, so a filtered
 * page has its own address), the entries newest first, and pages.
 */
import { AUDIT_ACTIONS, type AuditEntry } from "../audit/entry.ts";
import { formatDateTime, formatDetail } from "../lib/format.ts";

export interface AuditFilter {
  actor: string;
  action: string;
  target: string;
}

export interface AuditTableProps {
  filter: AuditFilter;
  items: AuditEntry[];
  total: number;
  page: number;
  pageSize: number;
  /** Why the filter was not applied, when it was not. */
  problem?: string;
}

function pageHref(filter: AuditFilter, page: number): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(filter)) if (v) q.set(k, v);
  if (page > 1) q.set("page", String(page));
  const s = q.toString();
  return s ? `/audit?${s}` : "/audit";
}

function who(e: AuditEntry) {
  if (e.actorKind === "anonymous") return <span class="muted">not signed in</span>;
  return (
    <span>
      <span class="mono">{e.actor}</span>
      {e.actorKind !== "user" && <span class="muted small">({e.actorKind})</span>}
    </span>
  );
}

export function AuditTable({ filter, items, total, page, pageSize, problem }: AuditTableProps) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  return (
    <section class="card" data-testid="audit">
      <form class="form-row" method="get" action="/audit" data-testid="audit-filter">
        <label class="field">
          <span>User or token</span>
          <input name="actor" maxLength={64} value={filter.actor} autocomplete="off" />
        </label>
        <label class="field">
          <span>Action (or family, e.g. user)</span>
          <input name="action" maxLength={64} value={filter.action} list="audit-actions" autocomplete="off" />
          <datalist id="audit-actions">
            {AUDIT_ACTIONS.map((a) => <option key={a} value={a} />)}
          </datalist>
        </label>
        <label class="field">
          <span>Target</span>
          <input name="target" maxLength={200} value={filter.target} autocomplete="off" />
        </label>
        <button type="submit" class="btn btn-primary">Filter</button>
        {(filter.actor || filter.action || filter.target) && <a class="btn" href="/audit">All entries</a>}
      </form>
      {problem && <div class="outcome outcome-err" role="alert">{problem}</div>}
      <div class="table-wrap">
        <table class="table">
          <caption class="visually-hidden">Audit log entries</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">Role</th>
              <th scope="col">Action</th>
              <th scope="col">Target</th>
              <th scope="col">Detail</th>
              <th scope="col">From</th>
            </tr>
          </thead>
          <tbody>
            {items.map((e) => (
              <tr key={e.id} data-audit={e.id} data-action={e.action}>
                <td data-label="When" class="small">
                  <time dateTime={e.at} title={e.at}>{formatDateTime(e.at)}</time>
                </td>
                <td data-label="Who">{who(e)}</td>
                <td data-label="Role" class="small">{e.role ?? "—"}</td>
                <td data-label="Action" class="mono small">{e.action}</td>
                <td data-label="Target" class="mono small">{e.target ?? "—"}</td>
                <td data-label="Detail" class="small">{formatDetail(e.detail)}</td>
                <td data-label="From" class="mono small">{e.address ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {items.length === 0 && <div class="empty muted">No entries.</div>}
      </div>
      <nav class="pager" aria-label="Pages">
        {page > 1 ? <a class="btn" href={pageHref(filter, page - 1)}>‹ Newer</a> : <span />}
        <span class="muted small" data-testid="audit-range">
          Page {page} of {pages} · {total.toLocaleString("en")} entries
        </span>
        {page < pages ? <a class="btn" href={pageHref(filter, page + 1)}>Older ›</a> : <span />}
      </nav>
    </section>
  );
}
