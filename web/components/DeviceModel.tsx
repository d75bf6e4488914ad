/**
 * An OCPP 2.0.1 charger's device model on its page: components and their variables as the charger last
 * reported them (GET /api/v1/chargers/{id}/variables), filterable, with in-place editing of writable values
 * (SetVariables over the command path, showing the charger's attributeStatus) and "Refresh report"
 * (GetBaseReport FullInventory). The page's island counts the events after which the stored model may
 * have changed (`changes`); each new count re-reads it.
 */
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import type { DeviceVariable } from "../../shared/domain.ts";
import { api, apiError } from "../client/api.ts";
import { describe, type Outcome, pending, sendCommand } from "../client/commands.ts";
import {
  fullReportCommand,
  groupVariables,
  isWritable,
  reportRequestId,
  setVariableCommand,
  setVariableStatus,
  variableKey,
  variableTitle,
} from "../lib/device_model.ts";
import { formatDateTime } from "../lib/format.ts";
import { CommandOutcome } from "./CommandOutcome.tsx";

/** A report comes in many NotifyReport parts: one re-read for a burst of them. */
const REREAD_DELAY_MS = 300;

interface RowState {
  /** What the operator typed; undefined shows the stored value. */
  draft?: string;
  busy: boolean;
  /** The charger's attributeStatus (or why there is none). */
  result?: { tone: "ok" | "warn" | "err"; text: string };
}

export function DeviceModel(
  { chargerId, canCommand, changes }: { chargerId: string; canCommand: boolean; changes: number },
) {
  const variables = useSignal<DeviceVariable[] | null>(null);
  const loadError = useSignal<string | null>(null);
  const filter = useSignal("");
  const rows = useSignal<Record<string, RowState>>({});
  const report = useSignal<Outcome | null>(null);

  async function load() {
    const res = await api(`/api/v1/chargers/${encodeURIComponent(chargerId)}/variables`);
    if (res.ok) {
      variables.value = (await res.json()).items;
      loadError.value = null;
    } else loadError.value = await apiError(res);
  }

  useEffect(() => {
    // The first read at once; later ones after a burst of changes has settled.
    const timer = setTimeout(load, changes === 0 ? 0 : REREAD_DELAY_MS);
    return () => clearTimeout(timer);
  }, [changes]);

  const setRow = (key: string, next: Partial<RowState>) => {
    const current = rows.value[key] ?? { busy: false };
    rows.value = { ...rows.value, [key]: { ...current, ...next } };
  };

  async function save(v: DeviceVariable, e: Event) {
    e.preventDefault();
    const key = variableKey(v);
    const value = rows.value[key]?.draft ?? v.value ?? "";
    const command = setVariableCommand(v, value);
    setRow(key, { busy: true, result: undefined });
    const answer = await sendCommand(chargerId, command.action, command.payload);
    if (!answer.ok) {
      setRow(key, { busy: false, result: { tone: "err", text: describe(command.action, answer).label } });
      return;
    }
    const status = setVariableStatus(answer.response);
    setRow(key, {
      busy: false,
      draft: undefined,
      result: status
        ? {
          tone: status.status === "Accepted" ? "ok" : "warn",
          text: status.reason ? `${status.status} (${status.reason})` : status.status,
        }
        : { tone: "warn", text: "Answered" },
    });
  }

  async function refresh() {
    const command = fullReportCommand(reportRequestId(Date.now()));
    report.value = pending(command.action);
    report.value = describe(command.action, await sendCommand(chargerId, command.action, command.payload));
  }

  const groups = variables.value ? groupVariables(variables.value, filter.value) : [];
  return (
    <div class="device-model" data-testid="device-model">
      <div class="form-row">
        <label class="field">
          <span>Filter</span>
          <input
            type="search"
            value={filter.value}
            placeholder="component, variable, value or unit"
            data-testid="device-model-filter"
            onInput={(e) => filter.value = (e.target as HTMLInputElement).value}
          />
        </label>
        {canCommand && (
          <button
            type="button"
            class="btn"
            data-testid="device-model-refresh"
            disabled={report.value?.tone === "pending"}
            onClick={refresh}
          >
            Refresh report
          </button>
        )}
      </div>
      <CommandOutcome outcome={report.value} testid="device-model-report" />
      {loadError.value && <p class="err small">Could not read the device model: {loadError.value}</p>}
      {variables.value === null
        ? <p class="muted small">Reading the device model…</p>
        : variables.value.length === 0
        ? (
          <p class="muted small" data-testid="device-model-empty">
            The charger has not reported its device model yet{canCommand
              ? ": Refresh report asks for it."
              : "."}
          </p>
        )
        : groups.length === 0
        ? <p class="muted small">No variable matches the filter.</p>
        : (
          <table class="table compact" data-testid="device-model-table">
            <caption class="visually-hidden">The charger's device model, by component</caption>
            <thead>
              <tr>
                <th scope="col">Variable</th>
                <th scope="col">Value</th>
                <th scope="col">Unit</th>
                <th scope="col">Mutability</th>
                <th scope="col">Updated</th>
              </tr>
            </thead>
            {groups.map((g) => (
              <tbody key={g.key} data-component={g.title}>
                <tr class="group-head">
                  <th colSpan={5} scope="rowgroup" class="mono small">{g.title}</th>
                </tr>
                {g.variables.map((v) => {
                  const key = variableKey(v);
                  const row = rows.value[key];
                  const editable = canCommand && isWritable(v);
                  return (
                    <tr key={key} data-variable={variableTitle(v)} data-mutability={v.mutability ?? ""}>
                      <td class="mono small">{variableTitle(v)}</td>
                      <td class="mono small">
                        {editable
                          ? (
                            <form class="inline-edit" onSubmit={(e) => save(v, e)}>
                              <input
                                aria-label={`New value of ${g.title} ${variableTitle(v)}`}
                                data-testid="variable-value"
                                value={row?.draft ?? v.value ?? ""}
                                onInput={(e) => setRow(key, { draft: (e.target as HTMLInputElement).value })}
                              />
                              <button type="submit" class="btn btn-small" disabled={row?.busy}>Set</button>
                              {row?.result && (
                                <span class={`small tone-${row.result.tone}`} data-testid="attribute-status">
                                  {row.result.text}
                                </span>
                              )}
                            </form>
                          )
                          : (v.value ?? <span class="muted">—</span>)}
                      </td>
                      <td class="small">{v.unit ?? ""}</td>
                      <td class="small muted">{v.mutability ?? ""}</td>
                      <td class="small muted">{formatDateTime(v.updatedAt)}</td>
                    </tr>
                  );
                })}
              </tbody>
            ))}
          </table>
        )}
    </div>
  );
}
