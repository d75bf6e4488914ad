/**
 * The log lines of the CSMS and the portal (the simulator has its own, charger/output.ts). By default
 * readable, each line as it always read (`csms: [CP-1] …`); with LOG_FORMAT=json one JSON object a line
 * for a log collector: time, level, node, source, msg, chargerId when the line is about a charger, and
 * the line's fields. LOG_LEVEL drops lines below it. In both formats debug and info go to stdout, warn
 * and error to stderr, as console.log and console.error did.
 */

export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ["text", "json"] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** What a line carries besides its message: `chargerId` names the charger, `error` what failed. */
export interface LogFields {
  chargerId?: string;
  error?: unknown;
  [field: string]: unknown;
}

/** One line before it is formatted. */
export interface LogRecord {
  time: Date;
  level: LogLevel;
  /** The process's node (NODE_ID, or the portal node's name), when it has one. */
  node?: string;
  /** What wrote it: the readable format's prefix (`csms`, `web`, `bus`, …). */
  source: string;
  msg: string;
  /** Set for a charger's own logger: the readable format shows it as `[id] `. */
  charger?: string;
  /** A message printed for people as it is (start-up banners): no `source: ` prefix when readable. */
  bare?: boolean;
  fields?: LogFields;
}

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };
/** Keys a line's fields may not take over in the JSON format. */
const RESERVED = new Set(["time", "level", "node", "source", "msg"]);

export function isLogLevel(v: string): v is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(v);
}

export function isLogFormat(v: string): v is LogFormat {
  return (LOG_FORMATS as readonly string[]).includes(v);
}

function errorValue(err: unknown): string {
  return err instanceof Error ? err.stack ?? `${err.name}: ${err.message}` : String(err);
}

/** A JSON value for a field: Errors as their stack, what JSON cannot hold as its text. */
function jsonValue(v: unknown): unknown {
  if (v instanceof Error) return errorValue(v);
  if (typeof v === "bigint") return v.toString();
  return v;
}

/** One record as one line (no newline at its end). */
export function formatRecord(r: LogRecord, format: LogFormat): string {
  if (format === "text") {
    const line = r.bare ? r.msg : `${r.source}: ${r.charger !== undefined ? `[${r.charger}] ` : ""}${r.msg}`;
    // As console.error("…:", err) printed it: the error after a space.
    return r.fields?.error === undefined ? line : `${line} ${Deno.inspect(r.fields.error)}`;
  }
  const out: Record<string, unknown> = { time: r.time.toISOString(), level: r.level };
  if (r.node !== undefined) out.node = r.node;
  out.source = r.source;
  out.msg = r.msg;
  const chargerId = r.fields?.chargerId ?? r.charger;
  if (chargerId !== undefined) out.chargerId = chargerId;
  for (const [k, v] of Object.entries(r.fields ?? {})) {
    if (v !== undefined && !RESERVED.has(k) && k !== "chargerId") out[k] = jsonValue(v);
  }
  try {
    return JSON.stringify(out);
  } catch {
    // A circular field: the line still goes out, with such fields as text.
    for (const [k, v] of Object.entries(out)) if (typeof v === "object" && v !== null) out[k] = String(v);
    return JSON.stringify(out);
  }
}

/** Where formatted lines go; `level` says which stream. */
export type LogSink = (level: LogLevel, line: string) => void;

const consoleSink: LogSink = (level, line) => {
  if (level === "warn" || level === "error") console.error(line);
  else console.log(line);
};

const settings = {
  format: "text" as LogFormat,
  min: RANK.info,
  node: undefined as string | undefined,
  sink: consoleSink,
};

/** Sets the process's log format, level and node name; `sink` replaces the console (tests). */
export function configureLog(
  options: { format?: LogFormat; level?: LogLevel; node?: string; sink?: LogSink | null },
): void {
  if (options.format !== undefined) settings.format = options.format;
  if (options.level !== undefined) settings.min = RANK[options.level];
  if (options.node !== undefined) settings.node = options.node;
  if (options.sink !== undefined) settings.sink = options.sink ?? consoleSink;
}

export class Logger {
  readonly source: string;
  readonly #charger?: string;

  constructor(source: string, charger?: string) {
    this.source = source;
    this.#charger = charger;
  }

  /** The same source's lines about one charger: `[id] ` in the readable format, chargerId in JSON. */
  charger(id: string): Logger {
    return new Logger(this.source, id);
  }

  /** Whether a line of this level would be written (to skip building an expensive one). */
  enabled(level: LogLevel): boolean {
    return RANK[level] >= settings.min;
  }

  debug(msg: string, fields?: LogFields): void {
    this.#write("debug", msg, fields);
  }

  info(msg: string, fields?: LogFields): void {
    this.#write("info", msg, fields);
  }

  warn(msg: string, fields?: LogFields): void {
    this.#write("warn", msg, fields);
  }

  error(msg: string, fields?: LogFields): void {
    this.#write("error", msg, fields);
  }

  /**
   * Text for whoever started the process (addresses, a generated password shown this once): an info line,
   * as it is when readable, and written whatever LOG_LEVEL says.
   */
  banner(text: string): void {
    this.#write("info", text, undefined, true);
  }

  #write(level: LogLevel, msg: string, fields: LogFields | undefined, bare = false): void {
    if (RANK[level] < settings.min && !bare) return;
    const record: LogRecord = { time: new Date(), level, source: this.source, msg };
    if (bare) record.bare = true;
    if (settings.node !== undefined) record.node = settings.node;
    if (this.#charger !== undefined) record.charger = this.#charger;
    if (fields !== undefined) record.fields = fields;
    settings.sink(level, formatRecord(record, settings.format));
  }
}

/** A logger whose readable lines start with `source: `. */
export function logger(source: string): Logger {
  return new Logger(source);
}
