/**
 * The live OCPP log of one charger: every frame in and out with its time,
 * direction, type and action. Filter by action or direction, pause to read
 * (new frames keep being collected, and are counted), expand a row for the
 * whole frame. Holds at most DETAIL_LIMITS.frames frames.
 */
import { type ReadonlySignal, useComputed, useSignal } from "@preact/signals";
import { formatClock } from "../lib/format.ts";
import type { FrameRecord } from "../lib/protocol.ts";

const TYPE_LABEL: Record<number, string> = { 0: "UNREADABLE", 2: "CALL", 3: "RESULT", 4: "ERROR" };
const SHOWN = 200;

function pretty(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** The payload part of a frame, for the one-line view. */
function summary(text: string): string {
  try {
    const frame = JSON.parse(text);
    if (Array.isArray(frame)) {
      const body = frame[0] === 2 ? frame[3] : frame[0] === 3 ? frame[2] : frame.slice(2);
      return JSON.stringify(body);
    }
  } catch {
    // a cut or broken frame is shown as it is
  }
  return text;
}

export function EventLog({ frames }: { frames: ReadonlySignal<FrameRecord[]> }) {
  const action = useSignal("");
  const direction = useSignal<"" | "in" | "out">("");
  const paused = useSignal<FrameRecord[] | null>(null);
  const open = useSignal<string | null>(null);

  const actions = useComputed(() => [...new Set(frames.value.flatMap((f) => f.action ?? []))].sort());
  const source = paused.value ?? frames.value;
  const waiting = paused.value ? Math.max(0, frames.value.length - paused.value.length) : 0;
  const filtered = source.filter((f) =>
    (!action.value || f.action === action.value) && (!direction.value || f.direction === direction.value)
  );
  const rows = filtered.slice(-SHOWN).reverse();

  return (
    <div class="log" data-testid="event-log">
      <div class="log-toolbar">
        <select
          aria-label="Filter by action"
          value={action.value}
          onChange={(e) => action.value = (e.target as HTMLSelectElement).value}
        >
          <option value="">All actions</option>
          {actions.value.map((a) => <option key={a} value={a}>{a}</option>)}
        </select>
        <select
          aria-label="Filter by direction"
          value={direction.value}
          onChange={(e) => direction.value = (e.target as HTMLSelectElement).value as "" | "in" | "out"}
        >
          <option value="">Both directions</option>
          <option value="in">Charger → CSMS</option>
          <option value="out">CSMS → charger</option>
        </select>
        <button
          type="button"
          class={paused.value ? "btn btn-warn" : "btn"}
          data-testid="log-pause"
          onClick={() => paused.value = paused.value ? null : frames.value}
        >
          {paused.value ? `Resume${waiting > 0 ? ` (${waiting} new)` : ""}` : "Pause"}
        </button>
        <span class="muted small">{filtered.length} of {source.length} frames</span>
      </div>
      {/* Focusable: a keyboard user scrolls the log too (axe: scrollable-region-focusable). */}
      <div class="log-body" tabIndex={0} role="region" aria-label="OCPP frames">
        <table class="table log-table">
          <caption class="visually-hidden">Events and OCPP frames, oldest first</caption>
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">
                <span class="visually-hidden">Direction</span>
              </th>
              <th scope="col">Type</th>
              <th scope="col">Action</th>
              <th scope="col">Payload</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((f) => {
              const key = `${f.direction}:${f.messageType}:${f.messageId}:${f.at}`;
              const expanded = open.value === key;
              return (
                <tr
                  key={key}
                  class={`frame frame-${f.direction} frame-t${f.messageType}`}
                  data-action={f.action ?? ""}
                  onClick={() => open.value = expanded ? null : key}
                >
                  <td class="mono small nowrap">{formatClock(f.at)}</td>
                  <td class="dir" title={f.direction === "in" ? "charger → CSMS" : "CSMS → charger"}>
                    {f.direction === "in" ? "→" : "←"}
                  </td>
                  <td>
                    <span class={`ftype ftype-${f.messageType}`}>{TYPE_LABEL[f.messageType] ?? "?"}</span>
                  </td>
                  <td class="nowrap">{f.action ?? <span class="muted">—</span>}</td>
                  <td class="mono small payload">
                    {expanded ? <pre>{pretty(f.text)}</pre> : <span class="ellipsis">{summary(f.text)}</span>}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        {rows.length === 0 && <div class="empty muted small">No frames yet.</div>}
      </div>
    </div>
  );
}
