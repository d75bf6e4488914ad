/**
 * The diagnostics file the simulator uploads (GetDiagnostics, GetLog): plain text with what it knows of
 * itself — its identity, its configuration and its recent events within the requested window — free of I/O.
 */
import type { ChargerEventRecord } from "./events.ts";

export interface DiagnosticsInput {
  chargerId: string;
  firmwareVersion: string;
  generatedAtMs: number;
  /** The request's window (startTime/stopTime, oldestTimestamp/latestTimestamp); absent ends are open. */
  fromMs?: number;
  toMs?: number;
  configuration: readonly { key: string; value?: string }[];
  events: readonly ChargerEventRecord[];
  title: string;
}

/** The events within [fromMs, toMs]. */
export function eventsWithin(
  events: readonly ChargerEventRecord[],
  fromMs: number | undefined,
  toMs: number | undefined,
): ChargerEventRecord[] {
  return events.filter((e) =>
    (fromMs === undefined || e.at >= fromMs) && (toMs === undefined || e.at <= toMs)
  );
}

const iso = (ms: number) => new Date(ms).toISOString();

export function diagnosticsText(d: DiagnosticsInput): string {
  const events = eventsWithin(d.events, d.fromMs, d.toMs);
  const lines = [
    `# ${d.title}`,
    `charger: ${d.chargerId}`,
    `firmware: ${d.firmwareVersion}`,
    `generated: ${iso(d.generatedAtMs)}`,
    `window: ${d.fromMs === undefined ? "-" : iso(d.fromMs)} .. ${d.toMs === undefined ? "-" : iso(d.toMs)}`,
    "",
    "## configuration",
    ...d.configuration.map((c) => `${c.key}=${c.value ?? ""}`),
    "",
    `## events (${events.length})`,
    ...events.map(({ chargerId: _c, at, type, ...rest }) => `${iso(at)} ${type} ${JSON.stringify(rest)}`),
  ];
  return `${lines.join("\n")}\n`;
}

/** A file name for an upload: `<prefix>-<charger>-<UTC time>.txt`, safe in a URL and a file system. */
export function uploadFileName(prefix: string, chargerId: string, atMs: number): string {
  const stamp = iso(atMs).replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  return `${prefix}-${chargerId.replace(/[^A-Za-z0-9._-]/g, "_")}-${stamp}.txt`;
}

/** The newest events of a charger, at most `capacity`: what a diagnostics file can tell. */
export class EventJournal {
  #events: ChargerEventRecord[] = [];
  constructor(readonly capacity = 1000) {}

  add(event: ChargerEventRecord): void {
    this.#events.push(event);
    if (this.#events.length > this.capacity) this.#events.splice(0, this.#events.length - this.capacity);
  }

  all(): readonly ChargerEventRecord[] {
    return this.#events;
  }
}
