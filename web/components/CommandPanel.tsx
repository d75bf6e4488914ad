/**
 * The CSMS's other commands in one compact form: pick a command, fill in its
 * few fields, send, and read the charger's answer (a configuration table for
 * GetConfiguration, a step chart for GetCompositeSchedule, the response otherwise).
 */
import { useSignal } from "@preact/signals";
import { describe, type Outcome, pending, sendCommand } from "../client/commands.ts";
import type { Protocol } from "../../shared/domain.ts";
import { buildPayload, formActions, formFields, initialValues } from "../lib/command_forms.ts";
import { CommandOutcome } from "./CommandOutcome.tsx";
import { CompositeScheduleChart } from "./CompositeScheduleChart.tsx";

interface ConfigurationKey {
  key: string;
  readonly: boolean;
  value?: string;
}

function Response({ outcome }: { outcome: Outcome }) {
  const result = outcome.result;
  if (!result?.ok) return null;
  const response = result.response as Record<string, unknown> | undefined;
  if (outcome.action === "GetConfiguration" && Array.isArray(response?.configurationKey)) {
    const keys = response.configurationKey as ConfigurationKey[];
    const unknown = (response.unknownKey as string[] | undefined) ?? [];
    return (
      <div class="config-table">
        <table class="table compact" data-testid="configuration">
          <caption class="visually-hidden">The charger's configuration keys</caption>
          <thead>
            <tr>
              <th scope="col">Key</th>
              <th scope="col">Value</th>
              <th scope="col">
                <span class="visually-hidden">Read-only</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {keys.map((k) => (
              <tr key={k.key}>
                <td class="mono small">{k.key}</td>
                <td class="mono small">{k.value ?? <span class="muted">—</span>}</td>
                <td class="muted small">{k.readonly ? "read-only" : ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {unknown.length > 0 && <p class="muted small">Unknown keys: {unknown.join(", ")}</p>}
      </div>
    );
  }
  return (
    <>
      {outcome.action === "GetCompositeSchedule" && (
        <CompositeScheduleChart response={response} answeredAt={outcome.at} />
      )}
      <pre
        class="response mono small"
        tabIndex={0}
        aria-label="The charger's answer"
      >{JSON.stringify(response, null, 2)}</pre>
    </>
  );
}

/** The charger's protocol's commands; a charger that never said which it speaks is taken for OCPP 1.6. */
export function CommandPanel(
  { chargerId, protocol = "ocpp1.6" }: { chargerId: string; protocol?: Protocol },
) {
  const actions = formActions(protocol);
  const first = actions.includes("GetConfiguration") ? "GetConfiguration" : actions[0] ?? "";
  const action = useSignal<string>(first);
  const values = useSignal<Record<string, string>>(initialValues(protocol, first));
  const outcome = useSignal<Outcome | null>(null);
  const busy = useSignal(false);

  async function submit(e: Event) {
    e.preventDefault();
    const built = buildPayload(protocol, action.value, values.value);
    if (!built.ok) {
      outcome.value = {
        action: action.value,
        tone: "err",
        label: "Check the form",
        detail: built.message,
        at: Date.now(),
      };
      return;
    }
    const sent = action.value;
    busy.value = true;
    outcome.value = pending(sent);
    const result = await sendCommand(chargerId, sent, built.payload);
    outcome.value = describe(sent, result);
    busy.value = false;
  }

  return (
    <form class="command-form" onSubmit={submit} data-testid="command-panel">
      <div class="form-row">
        <label class="field">
          <span>Command</span>
          <select
            value={action.value}
            data-testid="command-action"
            onChange={(e) => {
              const next = (e.target as HTMLSelectElement).value;
              action.value = next;
              values.value = initialValues(protocol, next);
            }}
          >
            {actions.map((a) => <option key={a} value={a}>{a}</option>)}
          </select>
        </label>
        {formFields(protocol, action.value).map((f) => {
          const set = (value: string) => values.value = { ...values.value, [f.name]: value };
          const choices = f.kind === "bool" ? ["true", "false"] : f.options;
          return (
            <label class={`field${f.multiline ? " field-wide" : ""}`} key={`${action.value}.${f.name}`}>
              <span>{f.label}</span>
              {f.kind === "select" || f.kind === "bool"
                ? (
                  <select
                    name={f.name}
                    value={values.value[f.name]}
                    onChange={(e) => set((e.target as HTMLSelectElement).value)}
                  >
                    {!f.required && <option value="">—</option>}
                    {choices!.map((o) => <option key={o} value={o}>{o}</option>)}
                  </select>
                )
                : f.multiline
                ? (
                  <textarea
                    name={f.name}
                    rows={4}
                    placeholder={f.placeholder}
                    value={values.value[f.name]}
                    onInput={(e) => set((e.target as HTMLTextAreaElement).value)}
                  />
                )
                : (
                  <input
                    name={f.name}
                    inputMode={f.kind === "int" ? "numeric" : f.kind === "number" ? "decimal" : undefined}
                    placeholder={f.placeholder}
                    value={values.value[f.name]}
                    onInput={(e) => set((e.target as HTMLInputElement).value)}
                  />
                )}
            </label>
          );
        })}
        <button type="submit" class="btn btn-primary" disabled={busy.value} data-testid="command-send">
          Send
        </button>
      </div>
      <CommandOutcome outcome={outcome.value} testid="command-outcome" />
      {outcome.value && <Response outcome={outcome.value} />}
    </form>
  );
}
