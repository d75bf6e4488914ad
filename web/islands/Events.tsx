/**
 * The persisted event log, newest first: filter by charger and type (security events among them), page
 * back with "Older", and security events arrive live over Socket.IO while the filter shows them.
 */
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import type { SecurityEventReceived } from "../../shared/events.ts";
import type { EventLogEntry } from "../../shared/queries.ts";
import { api, apiError } from "../client/api.ts";
import { watch } from "../client/socket.ts";
import {
  EVENT_TYPE_CHOICES,
  type EventLogFilter,
  eventsQuery,
  liveEntry,
  matchesFilter,
  summarize,
} from "../lib/event_log.ts";
import { formatDateTime } from "../lib/format.ts";

export interface EventsProps {
  /** The first page, oldest first as the API gives it. */
  items: EventLogEntry[];
  filter: EventLogFilter;
  pageSize: number;
}

export default function Events(props: EventsProps) {
  // Newest first on screen.
  const items = useSignal([...props.items].reverse());
  const more = useSignal(props.items.length === props.pageSize);
  const error = useSignal<string | null>(null);
  const filter = props.filter;

  useEffect(() => {
    let liveId = 0;
    const onSecurity = (event: SecurityEventReceived) => {
      const entry = liveEntry(event, --liveId);
      if (matchesFilter(entry, filter)) items.value = [entry, ...items.value];
    };
    const socket = watch({});
    socket.on("security", onSecurity);
    return () => {
      socket.off("security", onSecurity);
    };
  }, []);

  async function older() {
    const oldest = items.value.filter((e) => e.id > 0).at(-1);
    const res = await api(`/api/v1/events?${eventsQuery(filter, props.pageSize, oldest?.id)}`);
    if (!res.ok) {
      error.value = await apiError(res);
      return;
    }
    const page: EventLogEntry[] = (await res.json()).items;
    items.value = [...items.value, ...page.reverse()];
    more.value = page.length === props.pageSize;
  }

  return (
    <div class="card">
      <form class="filters" method="get" action="/events">
        <label>
          Charger <input name="chargerId" value={filter.chargerId ?? ""} placeholder="all" size={16} />
        </label>
        <label>
          Type{" "}
          <select name="type" data-testid="event-type">
            {EVENT_TYPE_CHOICES.map(([value, label]) => (
              <option key={value} value={value} selected={value === (filter.type ?? "")}>{label}</option>
            ))}
          </select>
        </label>
        <button type="submit">Filter</button>
      </form>
      <table class="table" data-testid="event-log">
        <thead>
          <tr>
            <th>Time</th>
            <th>Charger</th>
            <th>Type</th>
            <th>Details</th>
          </tr>
        </thead>
        <tbody>
          {items.value.map((e) => (
            <tr key={e.id} data-type={e.type}>
              <td class="small">{formatDateTime(e.at)}</td>
              <td class="mono small">
                <a href={`/chargers/${encodeURIComponent(e.chargerId)}`}>{e.chargerId}</a>
              </td>
              <td class="mono small">{e.type}</td>
              <td class="small">{summarize(e)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {items.value.length === 0 && <p class="muted small">No events match.</p>}
      {error.value && <p class="err small">{error.value}</p>}
      {more.value && <button type="button" onClick={older} data-testid="older">Older</button>}
    </div>
  );
}
