/**
 * The process's metrics, one registry for all its ports (`deno task dev` serves the same figures on the
 * CSMS's and the portal's): what Chargewire counts, and prom-client's default process metrics, rendered
 * in the Prometheus text format by prom-client. Who feeds what: the CSMS's connections (frames, errors,
 * handling time, chargers connected), its event sink (energy), the storage engines (commit time), the
 * read model (active transactions) and the portal (Socket.IO clients). Labels are bounded: no charger id,
 * and an action only from its protocol's own set (anything else is "other"), so a peer cannot make
 * series up.
 */
import client from "prom-client";
import type { ErrorCode } from "./ocpp/errors.ts";
import { isKnownAction } from "./ocpp/validate.ts";
import { SUPPORTED_PROTOCOLS } from "./ocpp/version.ts";
import type { OcppVersion } from "./ocpp/version.ts";
import {
  CellCounter,
  CellHistogram,
  type CounterCell,
  type HistogramCell,
  type MetricValue,
  SourceGauge,
} from "./metric_cells.ts";

/** The label value of an action outside its protocol's set (or of a frame with none). */
export const OTHER_ACTION = "other";

const registry = new client.Registry();

const messages = new CellCounter(
  "chargewire_ocpp_messages_total",
  "OCPP-J frames received (in) and sent (out) by the CSMS, by action and protocol.",
  ["direction", "action", "protocol"],
);
const errors = new CellCounter(
  "chargewire_ocpp_errors_total",
  "CALLERRORs sent (out) and received (in) by the CSMS, by canonical error code.",
  ["direction", "code"],
);
const handleSeconds = new CellHistogram(
  "chargewire_ocpp_handle_seconds",
  "From a charger's CALL arriving to the CSMS's answer being sent, by action and protocol.",
  ["action", "protocol"],
  [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
);
const energy = new CellCounter(
  "chargewire_energy_delivered_wh_total",
  "Energy of the transactions this process stopped (the charger's stop or a close by the CSMS), Wh.",
  [],
);
const commitSeconds = new CellHistogram(
  "chargewire_store_commit_seconds",
  "Storage commits: SQLite batch-writer transactions, PostgreSQL meter batches and background flushes.",
  ["engine"],
  [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
);

/** What the CSMS's chargers-connected gauge counts: its current connections. */
export type ChargerSource = () => Iterable<{ readonly protocol: string }>;

const chargersConnected = new SourceGauge<ChargerSource>(
  "chargewire_chargers_connected",
  "Chargers whose WebSocket is open on this process's CSMS, by protocol.",
  (sources) => {
    // Every protocol spoken is shown, 0 too, so that "none connected" is a value and not an absence.
    const counts = new Map<string, number>(SUPPORTED_PROTOCOLS.map((p) => [p, 0]));
    for (const source of sources) {
      for (const c of source()) counts.set(c.protocol, (counts.get(c.protocol) ?? 0) + 1);
    }
    return [...counts].map(([protocol, value]) => ({ labels: { protocol }, value }));
  },
);

/** How long a scrape waits for the database to count active transactions. */
const COUNT_TIMEOUT_MS = 2000;

const transactionsActive = new SourceGauge<() => Promise<number>>(
  "chargewire_transactions_active",
  "Transactions not stopped, in the database this process reads (the whole deployment's).",
  async (sources) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      // Every source reads the one database: the first is asked.
      const n = await Promise.race([
        sources[0](),
        new Promise<never>((_, reject) =>
          timer = setTimeout(() => reject(new Error("timeout")), COUNT_TIMEOUT_MS)
        ),
      ]);
      return [{ labels: {}, value: n }];
    } catch {
      // A database that does not answer shows no value rather than a wrong one; /readyz says why.
      return [];
    } finally {
      clearTimeout(timer);
    }
  },
);

const socketClients = new SourceGauge<() => number>(
  "chargewire_socketio_clients",
  "Socket.IO clients (portal browsers and API clients) connected to this process's portal.",
  (sources): MetricValue[] => [{ labels: {}, value: sources.reduce((n, s) => n + s(), 0) }],
);

for (const m of [messages, errors, handleSeconds, energy, commitSeconds]) {
  // Ours render with prom-client's registry: they have the shape it reads (see metric_cells.ts).
  registry.registerMetric(m as unknown as client.Metric);
}
for (const m of [chargersConnected, transactionsActive, socketClients]) {
  registry.registerMetric(m as unknown as client.Metric);
}

/** An action as a label: itself when its protocol defines it, OTHER_ACTION otherwise. */
export function actionLabel(protocol: OcppVersion, action: string | undefined): string {
  return action !== undefined && isKnownAction(protocol, action) ? action : OTHER_ACTION;
}

/**
 * The frame counters of one protocol, for the connections that speak it: each series' cell is found
 * once, so a frame costs a map lookup and an increment.
 */
export class FrameMeter {
  readonly protocol: OcppVersion;
  readonly #cells = { in: new Map<string, CounterCell>(), out: new Map<string, CounterCell>() };
  readonly #other: { in: CounterCell; out: CounterCell };
  readonly #errors = { in: new Map<ErrorCode, CounterCell>(), out: new Map<ErrorCode, CounterCell>() };
  readonly #handled = new Map<string, HistogramCell>();

  constructor(protocol: OcppVersion) {
    this.protocol = protocol;
    this.#other = {
      in: messages.cell("in", OTHER_ACTION, protocol),
      out: messages.cell("out", OTHER_ACTION, protocol),
    };
  }

  frame(direction: "in" | "out", action: string | undefined): void {
    const cell = (action !== undefined && this.#cells[direction].get(action)) ||
      this.#cellOf(direction, action);
    cell.value++;
  }

  #cellOf(direction: "in" | "out", action: string | undefined): CounterCell {
    const label = actionLabel(this.protocol, action);
    if (label === OTHER_ACTION) return this.#other[direction];
    // Only known actions are kept: a peer's made-up ones cannot grow the map.
    const cell = messages.cell(direction, label, this.protocol);
    this.#cells[direction].set(label, cell);
    return cell;
  }

  /** A CALLERROR sent (out) or received (in), by its canonical code (a bounded set). */
  error(direction: "in" | "out", code: ErrorCode): void {
    let cell = this.#errors[direction].get(code);
    if (!cell) this.#errors[direction].set(code, cell = errors.cell(direction, code));
    cell.value++;
  }

  /** A charger's CALL answered, `seconds` after it arrived. */
  handled(action: string | undefined, seconds: number): void {
    const label = actionLabel(this.protocol, action);
    let cell = this.#handled.get(label);
    if (!cell) this.#handled.set(label, cell = handleSeconds.cell(label, this.protocol));
    cell.observe(seconds);
  }
}

const meters = new Map<OcppVersion, FrameMeter>();

/** The frame meter of a protocol (one per process). */
export function frameMeter(protocol: OcppVersion): FrameMeter {
  let m = meters.get(protocol);
  if (!m) meters.set(protocol, m = new FrameMeter(protocol));
  return m;
}

/** Energy of a stopped transaction, Wh (a negative or absent figure adds nothing). */
export function energyDelivered(wh: number): void {
  if (wh > 0) energy.cell().value += wh;
}

/** The commit-time histogram of a storage engine; observe seconds. */
export function storeCommits(engine: "sqlite" | "postgres"): HistogramCell {
  return commitSeconds.cell(engine);
}

/** Counts a CSMS's connections while it runs; call the returned function when it closes. */
export function trackChargers(source: ChargerSource): () => void {
  return chargersConnected.track(source);
}

/** Counts active transactions with a read model while it is open; call the returned function on close. */
export function trackActiveTransactions(count: () => Promise<number>): () => void {
  return transactionsActive.track(count);
}

/** Counts a portal's Socket.IO clients while it runs; call the returned function when it closes. */
export function trackSocketClients(count: () => number): () => void {
  return socketClients.track(count);
}

let processMetrics = false;

/**
 * Starts prom-client's default metrics (CPU, memory, open files, event-loop lag, heap, GC) on the first
 * server that serves /metrics: nothing watches the event loop in a process that never shows it.
 */
export function enableProcessMetrics(): void {
  if (processMetrics) return;
  processMetrics = true;
  client.collectDefaultMetrics({ register: registry });
  // Gauges named like counters (promtool refuses them); the same counts are there without the suffix.
  for (
    const name of [
      "nodejs_active_handles_total",
      "nodejs_active_requests_total",
      "nodejs_active_resources_total",
    ]
  ) {
    registry.removeSingleMetric(name);
  }
}

/** One thread's figures, as prom-client hands them between registries. */
export type ThreadMetrics = Awaited<ReturnType<client.Registry["getMetricsAsJSON"]>>;
export interface RenderedMetrics {
  body: string;
  contentType: string;
}

// A CSMS with several event loops (CSMS_WORKERS, csms/loops.ts) counts in every loop's thread; the thread
// that owns the loops renders the process's figures: its own plus theirs, summed (each loop counts only
// its own chargers and frames; process-wide figures are counted in the owner alone).
let otherThreads: (() => Promise<ThreadMetrics[]>) | undefined;
let renderedBy: (() => Promise<RenderedMetrics>) | undefined;

/** This thread's own figures, for the thread that renders the process's. */
export function threadMetrics(): Promise<ThreadMetrics> {
  return registry.getMetricsAsJSON();
}

/** In the thread that owns CSMS loops: /metrics includes what `gather` brings; returns the undo. */
export function includeOtherThreads(gather: () => Promise<ThreadMetrics[]>): () => void {
  otherThreads = gather;
  return () => {
    if (otherThreads === gather) otherThreads = undefined;
  };
}

/** In a CSMS loop's thread: /metrics is the process's, which `render` asks of the owning thread. */
export function renderInOwner(render: () => Promise<RenderedMetrics>): void {
  renderedBy = render;
}

/** Every metric in the Prometheus text format (0.0.4). */
export async function renderMetrics(): Promise<RenderedMetrics> {
  if (renderedBy) return await renderedBy();
  if (!otherThreads) return { body: await registry.metrics(), contentType: registry.contentType };
  const all = [await registry.getMetricsAsJSON(), ...await otherThreads()];
  return {
    body: await client.AggregatorRegistry.aggregate(all).metrics(),
    contentType: registry.contentType,
  };
}
