/**
 * The event-log page's rules: which entries a filter shows, a live security event as a log entry, and how
 * an entry reads in one line. Pure.
 */
import type { SecurityEventReceived } from "../../shared/events.ts";
import type { EventLogEntry } from "../../shared/queries.ts";

export interface EventLogFilter {
  chargerId?: string;
  /** A type prefix: "security." for security events; empty for all. */
  type?: string;
}

/** The page's type choices: the prefix and its label. */
export const EVENT_TYPE_CHOICES: readonly (readonly [string, string])[] = [
  ["", "All events"],
  ["security.", "Security events"],
  ["charger.", "Connections and boots"],
  ["connector.", "Statuses"],
  ["transaction.", "Transactions"],
  ["command.", "Commands"],
  ["firmware.", "Firmware"],
  ["diagnostics.", "Diagnostics"],
  ["data.", "Data transfers"],
];

export function matchesFilter(e: Pick<EventLogEntry, "chargerId" | "type">, f: EventLogFilter): boolean {
  return (!f.chargerId || e.chargerId === f.chargerId) && (!f.type || e.type.startsWith(f.type));
}

/**
 * A live security event as the entry the log will hold (its id is not known yet: negative ids, counted
 * down, stand in until the page is read again).
 */
export function liveEntry(event: SecurityEventReceived, id: number): EventLogEntry {
  const { type, chargerId, at, ...data } = event;
  return { id, at, chargerId, type, data };
}

/** The entry's data in one short line: a security event's type and techInfo, else its fields. */
export function summarize(e: Pick<EventLogEntry, "type" | "data">): string {
  const d = (e.data ?? {}) as Record<string, unknown>;
  if (e.type === "security.event" && typeof d.eventType === "string") {
    return d.techInfo ? `${d.eventType}: ${d.techInfo}` : d.eventType;
  }
  const text = Object.entries(d)
    .filter(([, v]) => v !== undefined && v !== null && typeof v !== "object")
    .map(([k, v]) => `${k}=${v}`)
    .join(" ");
  return text.length > 200 ? text.slice(0, 199) + "…" : text;
}

/** The query string of the REST page for a filter, older than `beforeId` when given. */
export function eventsQuery(f: EventLogFilter, limit: number, beforeId?: number): string {
  const q = new URLSearchParams();
  if (f.chargerId) q.set("chargerId", f.chargerId);
  if (f.type) q.set("type", f.type);
  if (beforeId !== undefined) q.set("beforeId", String(beforeId));
  q.set("limit", String(limit));
  return q.toString();
}
