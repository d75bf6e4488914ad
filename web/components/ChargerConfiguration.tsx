/**
 * A 1.6 charger's last known configuration (GET /api/v1/chargers/{id}/configuration), and for operators
 * "Read from charger": a GetConfiguration of every key, whose answer the CSMS stores before it answers.
 */
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import type { ConfigurationKey } from "../../shared/domain.ts";
import { api, apiError } from "../client/api.ts";
import { describe, type Outcome, pending, sendCommand } from "../client/commands.ts";
import { formatDateTime } from "../lib/format.ts";
import { CommandOutcome } from "./CommandOutcome.tsx";

export function ChargerConfiguration({ chargerId, canCommand }: { chargerId: string; canCommand: boolean }) {
  const keys = useSignal<ConfigurationKey[] | null>(null);
  const error = useSignal<string | null>(null);
  const outcome = useSignal<Outcome | null>(null);

  async function load() {
    const res = await api(`/api/v1/chargers/${encodeURIComponent(chargerId)}/configuration`);
    if (res.ok) {
      keys.value = (await res.json()).items;
      error.value = null;
    } else error.value = await apiError(res);
  }

  async function readFromCharger() {
    outcome.value = pending("GetConfiguration");
    outcome.value = describe("GetConfiguration", await sendCommand(chargerId, "GetConfiguration", {}));
    await load();
  }

  useEffect(() => void load(), []);

  return (
    <div data-testid="configuration">
      {canCommand && (
        <p>
          <button type="button" onClick={readFromCharger} data-testid="read-configuration">
            Read from charger
          </button>
        </p>
      )}
      <CommandOutcome outcome={outcome.value} testid="configuration-outcome" />
      {error.value && <p class="err small">{error.value}</p>}
      {keys.value && keys.value.length === 0 && (
        <p class="muted small">Not known yet: a GetConfiguration answer is kept here.</p>
      )}
      {keys.value && keys.value.length > 0 && (
        <table class="table">
          <thead>
            <tr>
              <th>Key</th>
              <th>Value</th>
              <th>Access</th>
              <th>Known since</th>
            </tr>
          </thead>
          <tbody>
            {keys.value.map((k) => (
              <tr key={k.key} data-key={k.key}>
                <td class="mono small">{k.key}</td>
                <td class="mono small" data-testid="configuration-value">{k.value ?? "—"}</td>
                <td class="small">{k.readonly ? "read-only" : "read-write"}</td>
                <td class="small">{formatDateTime(k.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
