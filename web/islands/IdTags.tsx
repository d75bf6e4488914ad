/** The id tag registry: add, block/unblock, set expiry and parent, delete; all through the REST API. */
import { ID_TOKEN_RULE, idTokenProblem } from "../../shared/identifiers.ts";
import { useSignal } from "@preact/signals";
import type { IdTagRecord, IdTagStatus } from "../../shared/queries.ts";
import { api, jsonBody, listItems, type Notice, noticeOf } from "../client/api.ts";
import { NoticeLine } from "../components/NoticeLine.tsx";
import { RowButton } from "../components/RowButton.tsx";
import { formatDateTime } from "../lib/format.ts";

const STATUSES: IdTagStatus[] = ["Accepted", "Blocked", "Expired", "Invalid"];

export interface IdTagsProps {
  tags: IdTagRecord[];
  /** Operators and admins edit; viewers only read. */
  canEdit: boolean;
}

export default function IdTags(props: IdTagsProps) {
  const tags = useSignal(props.tags);
  const message = useSignal<Notice | null>(null);
  const form = useSignal({ idTag: "", status: "Accepted" as IdTagStatus, expiryDate: "", parentIdTag: "" });

  async function reload() {
    const items = await listItems<IdTagRecord>("/api/v1/id-tags");
    if (items) tags.value = items;
  }

  async function save(tag: Omit<IdTagRecord, "createdAt">, verb: string) {
    const { idTag, status, expiryDate, parentIdTag } = tag;
    const body = { status, expiryDate, parentIdTag };
    const res = await api(`/api/v1/id-tags/${encodeURIComponent(idTag)}`, {
      method: "PUT",
      ...jsonBody(body),
    });
    message.value = await noticeOf(res, `${idTag} ${verb}.`, `${idTag} not saved`);
    await reload();
    return res.ok;
  }

  async function add(e: Event) {
    e.preventDefault();
    const f = form.value;
    const idTag = f.idTag.trim();
    if (idTokenProblem(idTag)) {
      message.value = { tone: "err", text: `Enter an idTag (${ID_TOKEN_RULE}).` };
      return;
    }
    const ok = await save({
      idTag,
      status: f.status,
      expiryDate: f.expiryDate ? new Date(f.expiryDate).toISOString() : undefined,
      parentIdTag: f.parentIdTag.trim() || undefined,
    }, "saved");
    if (ok) form.value = { idTag: "", status: "Accepted", expiryDate: "", parentIdTag: "" };
  }

  async function remove(idTag: string) {
    if (!confirm(`Delete id tag ${idTag}?`)) return;
    const res = await api(`/api/v1/id-tags/${encodeURIComponent(idTag)}`, { method: "DELETE" });
    message.value = await noticeOf(res, `${idTag} deleted.`, `${idTag} not deleted`);
    await reload();
  }

  const set = (k: keyof typeof form.value) => (e: Event) =>
    form.value = { ...form.value, [k]: (e.target as HTMLInputElement).value };

  return (
    <section data-testid="id-tags">
      {!props.canEdit && (
        <p class="muted small" data-testid="read-only">
          Read only: changing id tags needs the operator role.
        </p>
      )}
      {props.canEdit && (
        <form class="card form-row tag-form" onSubmit={add}>
          <label class="field">
            <span>idTag</span>
            <input value={form.value.idTag} required onInput={set("idTag")} name="idTag" />
          </label>
          <label class="field">
            <span>Status</span>
            <select value={form.value.status} onChange={set("status")} name="status">
              {STATUSES.map((s) => <option key={s}>{s}</option>)}
            </select>
          </label>
          <label class="field">
            <span>Expires (optional)</span>
            <input type="datetime-local" value={form.value.expiryDate} onInput={set("expiryDate")} />
          </label>
          <label class="field">
            <span>Parent (optional)</span>
            <input value={form.value.parentIdTag} onInput={set("parentIdTag")} />
          </label>
          <button type="submit" class="btn btn-primary">Add or update</button>
        </form>
      )}
      <NoticeLine notice={message.value} />
      <div class="table-wrap">
        <table class="table">
          <caption class="visually-hidden">Id tags</caption>
          <thead>
            <tr>
              <th scope="col">idTag</th>
              <th scope="col">Status</th>
              <th scope="col">Expires</th>
              <th scope="col">Parent</th>
              <th scope="col">Added</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {tags.value.map((t) => (
              <tr key={t.idTag} data-tag={t.idTag}>
                <td data-label="idTag" class="mono">{t.idTag}</td>
                <td data-label="Status">
                  <select
                    aria-label={`Status of ${t.idTag}`}
                    class={`tag-status tag-${t.status}`}
                    value={t.status}
                    disabled={!props.canEdit}
                    onChange={(e) =>
                      save({ ...t, status: (e.target as HTMLSelectElement).value as IdTagStatus }, "updated")}
                  >
                    {STATUSES.map((s) => <option key={s}>{s}</option>)}
                  </select>
                </td>
                <td data-label="Expires" class="small">
                  {t.expiryDate ? formatDateTime(t.expiryDate) : "never"}
                </td>
                <td data-label="Parent" class="mono small">{t.parentIdTag ?? "—"}</td>
                <td data-label="Added" class="small muted">{formatDateTime(t.createdAt)}</td>
                <td>
                  {props.canEdit && <RowButton onClick={() => remove(t.idTag)}>Delete</RowButton>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {tags.value.length === 0 && (
          <div class="empty muted">
            No id tags registered. With AUTH_POLICY=open any tag is accepted and recorded here.
          </div>
        )}
      </div>
    </section>
  );
}
