/** The bench's readable output (tables) and its judgement of the targets. Pure: strings in, strings out. */
import type { ClusterResult } from "./cluster.ts";
import {
  type ConnectionsByServer,
  cpuUsPerMessage,
  memoryRows,
  SERVER_LABELS,
  type ServerMedians,
} from "./compare.ts";
import type { ConnectionsResult } from "./connections.ts";
import type { DbFigures } from "./cluster_db.ts";
import type { LatencyResult } from "./latency.ts";
import type { ProfileSummary } from "./profile.ts";
import type { ScaleResult } from "./scale.ts";
import type { LatencySummary } from "./stats.ts";
import type { ThroughputResult, ThroughputRun } from "./throughput.ts";
import type { WorkersResult } from "./workers.ts";

export interface Results {
  connections?: ConnectionsByServer;
  throughput?: ThroughputResult;
  latency?: LatencyResult;
  cluster?: ClusterResult;
  scale?: ScaleResult;
  workers?: WorkersResult;
}

export type TargetStatus = "met" | "missed" | "not judged";

export interface TargetResult {
  target: string;
  required: string;
  measured: string;
  status: TargetStatus;
  note?: string;
}

/** The issue's targets (see docs/benchmarks.md); the bench reports them, tests never assert them. */
export const TARGETS = {
  heldChargers: 10_000,
  maxKiBPerConnection: 16,
  minThroughputRatio: 0.5,
  /** Issue 15: chargewire's answered rate / the ocpp-rpc peer's, at least. */
  minRateVsPeer: 1,
  /** Issue 15: chargewire's CPU per answered message / the peer's, at most. */
  maxCpuVsPeer: 0.8,
  /** Issue 15: chargewire's memory per idle booted charger above bare Deno's, at most (KiB). */
  maxKiBAboveBare: 1,
  latencyRate: 1000,
  maxP99Ms: 50,
} as const;

/** Judges each target the results measured; a quick run judges nothing (its figures are small and short). */
export function judgeTargets(r: Results, quick = false): TargetResult[] {
  const out: TargetResult[] = [];
  const c = r.connections?.chargewire;
  if (c) {
    const full = c.requested >= TARGETS.heldChargers;
    out.push({
      target: "chargers held by one CSMS process",
      required: `>= ${TARGETS.heldChargers.toLocaleString("en")}`,
      measured: c.held.toLocaleString("en"),
      status: !full ? "not judged" : c.held >= TARGETS.heldChargers ? "met" : "missed",
      note: full ? undefined : `only ${c.requested} requested (--quick or --connections)`,
    });
    out.push({
      target: "resident memory per idle connection",
      required: `<= ${TARGETS.maxKiBPerConnection} KiB`,
      measured: `${c.perConnectionKiB} KiB (marginal ${c.marginalKiB} KiB)`,
      status: c.held === 0
        ? "not judged"
        : c.perConnectionKiB <= TARGETS.maxKiBPerConnection
        ? "met"
        : "missed",
      note: full ? undefined : "small fleet: start-up costs weigh more per connection",
    });
    const bare = r.connections?.bare;
    if (bare && bare.held > 0 && c.held > 0) {
      const above = Math.round((c.perConnectionKiB - bare.perConnectionKiB) * 10) / 10;
      out.push({
        target: "memory per idle charger above bare Deno's",
        required: `<= ${TARGETS.maxKiBAboveBare} KiB`,
        measured: `${above} KiB (${c.perConnectionKiB} - ${bare.perConnectionKiB})`,
        status: !full ? "not judged" : above <= TARGETS.maxKiBAboveBare ? "met" : "missed",
        note: full ? undefined : `only ${c.requested} requested (the issue counts at 10,000)`,
      });
    }
  }
  const t = r.throughput;
  if (t) {
    out.push({
      target: "throughput, chargewire / bare Deno (medians)",
      required: `>= ${TARGETS.minThroughputRatio}`,
      measured:
        `${t.ratio} (${t.servers.chargewire?.answeredPerSecond} / ${t.servers.bare?.answeredPerSecond} msg/s)`,
      status: t.ratios.rateVsBare === undefined
        ? "not judged"
        : t.ratio >= TARGETS.minThroughputRatio
        ? "met"
        : "missed",
    });
    const cw = t.servers.chargewire, peer = t.servers.peer;
    if (cw && peer) {
      const rate = t.ratios.rateVsPeer, cpu = t.ratios.cpuVsPeer;
      out.push({
        target: "throughput, chargewire / ocpp-rpc peer (medians)",
        required: `>= ${TARGETS.minRateVsPeer}`,
        measured: `${rate ?? "-"} (${cw.answeredPerSecond} / ${peer.answeredPerSecond} msg/s)`,
        status: rate === undefined ? "not judged" : rate >= TARGETS.minRateVsPeer ? "met" : "missed",
      });
      out.push({
        target: "CPU per answered message, chargewire / ocpp-rpc peer",
        required: `<= ${TARGETS.maxCpuVsPeer}`,
        measured: `${cpu ?? "-"} (${cw.cpuUsPerMessage} / ${peer.cpuUsPerMessage} µs)`,
        status: cpu === undefined ? "not judged" : cpu <= TARGETS.maxCpuVsPeer ? "met" : "missed",
      });
    }
  }
  const l = r.latency;
  if (l) {
    const atRate = l.rate >= TARGETS.latencyRate;
    const note = atRate ? undefined : `measured at ${l.rate} msg/s, not ${TARGETS.latencyRate}`;
    for (const [path, p] of [["fleet view", l.fleet], ["charger detail view", l.detail]] as const) {
      out.push({
        target: `charger-to-browser p99, ${path}`,
        required: `<= ${TARGETS.maxP99Ms} ms at ${TARGETS.latencyRate} msg/s`,
        measured: `${p.latency.p99} ms (p50 ${p.latency.p50}, max ${p.latency.max})`,
        status: p.seen === 0 || !atRate ? "not judged" : p.latency.p99 <= TARGETS.maxP99Ms ? "met" : "missed",
        note,
      });
    }
  }
  return quick ? out.map((t) => ({ ...t, status: "not judged", note: "quick run" })) : out;
}

export function table(headers: string[], rows: (string | number)[][]): string {
  const cells = rows.map((r) => r.map((c) => typeof c === "number" ? c.toLocaleString("en") : c));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? "").length)));
  const numeric = headers.map((_, i) => rows.every((r) => typeof r[i] === "number"));
  const fmt = (r: string[]) =>
    r.map((c, i) => numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])).join("  ").trimEnd();
  return [fmt(headers), widths.map((w) => "-".repeat(w)).join("  "), ...cells.map(fmt)].join("\n");
}

const mib = (kib: number) => Math.round(kib / 102.4) / 10;
const sec = (ms: number) => Math.round(ms / 100) / 10;

export function connectionsTable(runs: ConnectionsResult[]): string {
  return table(
    [
      "server",
      "requested",
      "booted",
      "held",
      "failed",
      "connect s",
      "conn/s",
      "setup p50 ms",
      "setup p99 ms",
      "RSS idle MiB",
      "RSS held MiB",
      "KiB/conn",
      "marginal KiB/conn",
      ...(runs.some((c) => c.jsHeap) ? ["JS heap KiB/conn"] : []),
    ],
    runs.map((c) => [
      c.server,
      c.requested,
      c.booted,
      c.held,
      c.failed,
      sec(c.connectMs),
      c.connectsPerSecond,
      c.setup.p50,
      c.setup.p99,
      mib(c.rssIdleKiB),
      mib(c.rssHeldKiB),
      c.perConnectionKiB,
      c.marginalKiB,
      ...(runs.some((c) => c.jsHeap) ? [c.jsHeap?.perConnectionKiB ?? "-"] : []),
    ]),
  );
}

export function throughputTable(t: ThroughputResult): string {
  const counted = new Set(Object.values(t.servers).map((m) => m.run));
  const row = (r: ThroughputRun) => [
    `${r.server === "cluster" ? r.server : SERVER_LABELS[r.server]}${
      counted.has(r) && t.runs.length > 4 ? " *" : ""
    }`,
    r.chargers,
    r.answeredPerSecond,
    r.rtt.p50,
    r.rtt.p90,
    r.rtt.p99,
    r.rtt.max,
    r.callErrors,
    r.timeouts + r.closed,
    r.serverCpuCores,
    cpuUsPerMessage(r),
    r.driverCpuCores,
    r.otherCpuCores,
    mib(r.serverRssKiB),
  ];
  return table(
    [
      "server",
      "chargers",
      "answered msg/s",
      "RTT p50 ms",
      "p90 ms",
      "p99 ms",
      "max ms",
      "CALLERRORs",
      "lost",
      "server CPU",
      "µs CPU/msg",
      "driver CPU",
      "others CPU",
      "server RSS MiB",
    ],
    t.runs.map(row),
  ) + (t.runs.length > 4 ? "\n* the median round of each server (its RTT is the one compared)" : "") +
    "\n(CPU in cores: 1 = one core busy, every thread of the server process; others = every other" +
    " process on the machine meanwhile)";
}

const times = (x: number | undefined) => x === undefined ? "-" : `${x}×`;

/**
 * Chargewire beside its references: median answered rate and median server CPU per answered message,
 * and chargewire's figure divided by each (rate: higher is better; CPU: lower is better).
 */
export function comparisonTable(t: ThroughputResult): string {
  const order = ["chargewire", "peer", "bare", "node"] as const;
  const rows = order.flatMap((s) => t.servers[s] ? [t.servers[s] as ServerMedians] : []);
  const cw = t.servers.chargewire;
  const vs = (m: ServerMedians, f: (x: ServerMedians) => number) =>
    m === cw || !cw || f(m) === 0 ? "-" : times(Math.round((f(cw) / f(m)) * 1000) / 1000);
  return table(
    [
      "server (medians)",
      "rounds",
      "answered msg/s",
      "chargewire rate ÷ this",
      "µs CPU/msg",
      "chargewire CPU/msg ÷ this",
      "server CPU",
    ],
    rows.map((m) => [
      SERVER_LABELS[m.server],
      m.rounds,
      m.answeredPerSecond,
      vs(m, (x) => x.answeredPerSecond),
      m.cpuUsPerMessage,
      vs(m, (x) => x.cpuUsPerMessage),
      m.serverCpuCores,
    ]),
  ) + threadLines(rows) + Object.entries(t.skipped).map(([s, why]) => `\n(${s} not run: ${why})`).join("");
}

/** Where each server's CPU went by thread, in its median round (main thread = the JavaScript event loop). */
function threadLines(rows: ServerMedians[]): string {
  const lines = rows.flatMap((m) =>
    m.run.serverThreads && m.run.serverThreads.length > 0
      ? [`${SERVER_LABELS[m.server]}: ${m.run.serverThreads.map((t) => `${t.thread} ${t.cores}`).join(", ")}`]
      : []
  );
  return lines.length > 0 ? `\nCPU by thread in cores, median round:\n  ${lines.join("\n  ")}` : "";
}

/** Resident memory per idle booted charger of every server, and chargewire's above bare Deno's. */
export function memoryTable(c: ConnectionsByServer): string {
  const rows = memoryRows(c);
  return table(
    ["server", "held", "KiB per idle charger", "marginal KiB", "above bare Deno KiB"],
    rows.map((r) => [
      SERVER_LABELS[r.server],
      r.held,
      r.perConnectionKiB,
      r.marginalKiB,
      r.aboveBareKiB ?? "-",
    ]),
  ) + "\n(RSS of the whole server process: (held - idle) / held; marginal: the last slice alone)" +
    (Object.values(c).some((r) => r.jsHeap)
      ? "\n(with --profile the Deno servers' RSS includes what their heap snapshots cost: compare RSS without it)"
      : "");
}

/** A latency table row: the readings sent on a path, those seen at its end, and how long they took. */
function latencyRow(path: string, sent: number, seen: number, ms: LatencySummary): (string | number)[] {
  return [path, sent, seen, ms.p50, ms.p90, ms.p99, ms.max];
}

export function latencyTable(l: LatencyResult): string {
  return table(
    ["path", "readings", "seen", "p50 ms", "p90 ms", "p99 ms", "max ms"],
    [
      latencyRow("CALL round trip (charger <-> CSMS)", l.sent, l.rtt.count, l.rtt),
      latencyRow("fleet view (fleet:update)", l.fleet.sent, l.fleet.seen, l.fleet.latency),
      latencyRow(
        `charger detail (charger:event, ${l.detail.watched} watched)`,
        l.detail.sent,
        l.detail.seen,
        l.detail.latency,
      ),
    ],
  ) +
    `\n${l.chargers} chargers, ${l.rate} MeterValues/s requested, ${l.achievedRate} answered/s` +
    `, ${l.backlogged} sends skipped (no idle charger), ${l.callErrors} CALLERRORs, ${l.timeouts} timeouts` +
    `\nCPU in cores: server ${l.serverCpuCores}, driver ${l.driverCpuCores}, others ${l.otherCpuCores}` +
    `; server RSS ${mib(l.serverRssKiB)} MiB`;
}

export function targetsTable(targets: TargetResult[]): string {
  return table(
    ["target", "required", "measured", "result"],
    targets.map((t) => [t.target, t.required, t.measured, t.note ? `${t.status} (${t.note})` : t.status]),
  );
}

/** The kinds of JS heap object each held connection added (from two heap snapshots). */
export function heapTable(title: string, c: ConnectionsResult): string {
  const rows = c.heapPerConnection ?? [];
  const total = rows.reduce((sum, r) => sum + r.bytesPerConnection, 0);
  return `${title} (${c.held} held; top ${rows.length} kinds, ${total} B of them per connection)\n` +
    table(
      ["kind (constructor, closure(), V8 kind)", "objects/conn", "bytes/conn"],
      rows.map((r) => [r.name, r.perConnection, r.bytesPerConnection]),
    );
}

export function profileText(title: string, p: ProfileSummary): string {
  return `${title}: ${p.samples} samples, ${p.file}\n` +
    `(shares leave out the ${p.inspectorOverheadPercent} % the attached inspector itself cost)\n` +
    table(["where (self time)", "%"], p.groups.map((g) => [g.name, g.percent])) + "\n" +
    table(["function (self time)", "%"], p.functions.map((f) => [f.name, f.percent]));
}

/**
 * The cluster beside the single process: connections against the CSMS alone, throughput against the
 * whole system (CSMS + portal), each when it ran in the same invocation; then the database's figures.
 */
export function clusterTables(r: Results): string {
  const c = r.cluster;
  if (!c) return "";
  const out: string[] = [];
  const single = r.connections?.chargewire;
  if (c.connections) {
    const runs = [...(single ? [single] : []), c.connections];
    out.push(
      table(
        [
          "system",
          "requested",
          "booted",
          "held",
          "failed",
          "connect s",
          "conn/s",
          "setup p50 ms",
          "setup p99 ms",
          "RSS held MiB",
          "KiB/conn",
        ],
        runs.map((x) => [
          x.server === "cluster" ? `cluster (${c.nodes} CSMS nodes)` : "single process (SQLite)",
          x.requested,
          x.booted,
          x.held,
          x.failed,
          sec(x.connectMs),
          x.connectsPerSecond,
          x.setup.p50,
          x.setup.p99,
          mib(x.rssHeldKiB),
          x.perConnectionKiB,
        ]),
      ) + "\n(RSS: every server process summed)",
    );
  }
  const t = c.throughput;
  if (t) {
    const one = r.throughput?.chargewire;
    const runs = [...(one ? [one] : []), t.run];
    out.push(
      table(
        [
          "system",
          "chargers",
          "answered msg/s",
          "RTT p50 ms",
          "p90 ms",
          "p99 ms",
          "max ms",
          "CALLERRORs",
          "lost",
          "nodes CPU",
          "PostgreSQL CPU",
          "Redis CPU",
          "driver CPU",
          "others CPU",
        ],
        runs.map((x) => [
          x.server === "cluster" ? `cluster (${c.nodes} CSMS + 1 portal)` : "single process (SQLite)",
          x.chargers,
          x.answeredPerSecond,
          x.rtt.p50,
          x.rtt.p90,
          x.rtt.p99,
          x.rtt.max,
          x.callErrors,
          x.timeouts + x.closed,
          x.serverCpuCores,
          x === t.run ? t.postgresCpuCores : "-",
          x === t.run ? t.redisCpuCores : "-",
          x.driverCpuCores,
          x.otherCpuCores,
        ]),
      ) + (one && one.answeredPerSecond > 0
        ? `\ncluster / single process = ${
          Math.round((t.run.answeredPerSecond / one.answeredPerSecond) * 1000) / 1000
        }`
        : ""),
    );
    out.push(dbTable(t.db));
  }
  if (!single || !r.throughput) {
    out.push("(add connections,throughput to --only for the single process's figures beside these)");
  }
  return out.join("\n\n");
}

export function dbTable(d: DbFigures): string {
  return table(
    ["PostgreSQL during the load", "value"],
    [
      ["rows inserted/s (pg_stat_user_tables.n_tup_ins)", d.rowsInsertedPerSecond],
      ["rows updated/s (n_tup_upd)", d.rowsUpdatedPerSecond],
      ["commits/s (pg_stat_database.xact_commit, reads too)", d.commitsPerSecond],
      ["rows inserted per commit", d.rowsPerCommit],
      ["WAL flushes/s (pg_stat_wal.wal_sync, whole server)", d.walSyncsPerSecond],
      ["WAL MiB/s (whole server)", d.walMiBPerSecond],
      [
        "commit latency p50 / p99 / max ms",
        `${d.commitLatency.p50} / ${d.commitLatency.p99} / ${d.commitLatency.max}`,
      ],
    ],
  ) +
    `\nover ${d.seconds} s of load; commit latency: ${d.commitLatencyMethod}, ${d.commitLatency.count} samples`;
}

const perS = (r: Record<string, number>, top = 8) =>
  Object.entries(r).slice(0, top).map(([k, v]) => `${k} ${v.toLocaleString("en")}`).join(", ") || "-";

/** The scale scenario's figures: the fleet, each node, then the machine's parts and the database. */
export function scaleTables(r: ScaleResult): string {
  const fleet = table(
    ["fleet", "value"],
    [
      ["chargers requested", r.requested],
      [
        "simulator processes started of planned (chargers with --auto planned)",
        `${r.simProcesses} of ${r.plannedProcesses} (${r.autoChargers.toLocaleString("en")})`,
      ],
      ["held when the window began (accepted and online)", r.booted],
      ["failed to boot", r.failed],
      ["booting stalled", r.stalled ? "yes (no boot for the stall time)" : "no"],
      ["boot time s / boots per s", `${r.bootS} / ${r.bootsPerSecond}`],
      [
        "held at the end: simulators online / presence keys / nodes' sockets",
        [r.heldAtEnd.simulatorsOnline, r.heldAtEnd.presenceKeys, r.heldAtEnd.nodesConnected]
          .map((n) => n.toLocaleString("en")).join(" / "),
      ],
      ["charging at the end (share of booted)", `${r.charging.toLocaleString("en")} (${r.chargingPct} %)`],
      [
        "window s (load average at start / end)",
        `${r.holdS} (${r.loadAverage.start} / ${r.loadAverage.end})`,
      ],
      [
        "presence churn: connected / disconnected per s (counts)",
        `${r.churn.connectedPerS} / ${r.churn.disconnectedPerS} (${r.churn.connected} / ${r.churn.disconnected})`,
      ],
      [
        "OCPP frames in / out per s (nodes' /metrics)",
        `${r.messages.framesInPerS} / ${r.messages.framesOutPerS}`,
      ],
      ["frames in per s by action", perS(r.messages.inByActionPerS)],
      ["bus events per s (by type)", `${r.messages.busEventsPerS} (${perS(r.messages.busByTypePerS, 5)})`],
    ],
  );
  const nodes = table(
    ["CSMS node", "sockets", "RSS idle MiB", "RSS held MiB", "KiB/charger", "CPU cores"],
    [
      ...r.perNode.map((n) => [
        `node ${n.node}`,
        n.connected,
        mib(n.rssIdleKiB),
        mib(n.rssHeldKiB),
        n.kibPerCharger ?? "-",
        n.cpuCores,
      ]),
      [
        "all nodes",
        r.heldAtEnd.nodesConnected,
        mib(r.perNode.reduce((s, n) => s + n.rssIdleKiB, 0)),
        mib(r.server.rssHeldKiB),
        r.server.kibPerCharger ?? "-",
        r.server.cpuCores,
      ],
    ],
  ) +
    `\n(KiB/charger: RSS held less RSS before any charger, over the node's sockets; nodes' CPU per frame in: ${
      r.server.cpuUsPerFrameIn ?? "-"
    } µs)`;
  const cpu = table(
    ["CPU during the window", "cores"],
    [
      ["CSMS nodes", r.cpu.nodes],
      ["PostgreSQL (every postgres process)", r.cpu.postgres],
      ["Redis", r.cpu.redis],
      ["simulators", r.cpu.simulators],
      ["bench (orchestrator)", r.cpu.bench],
      ["others on the machine", r.cpu.others],
      ["machine busy", r.cpu.machine],
    ],
  ) +
    `\nsimulators: ${mib(r.simulators.rssKiB)} MiB RSS, ${
      r.simulators.kibPerCharger ?? "-"
    } KiB per online charger ` +
    "(whole RSS, runtime included)";
  const ramp = table(
    ["ramp step", "requested", "held", "s since start", "nodes' RSS MiB", "load average"],
    r.ramp.map((x) => [
      `${x.simulators}${x.stalled ? " (stalled)" : ""}`,
      x.requested,
      x.held,
      x.seconds,
      mib(x.nodesRssKiB),
      x.loadAverage,
    ]),
  );
  return [fleet, ramp, nodes, cpu, dbTable(r.db)].join("\n\n");
}
