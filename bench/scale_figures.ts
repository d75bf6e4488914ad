/**
 * The `scale` scenario's pure parts: how the fleet is split over CSMS nodes and simulator processes, and
 * reading what those processes print (the simulator's fleet summary line, the nodes' Prometheus text, the
 * bus's event JSON) into counts. No I/O: bench/scale.ts feeds them.
 */

/** One simulator process of the plan: `count` chargers of one kind, all on one CSMS node. */
export interface SimSlice {
  /** Index of the CSMS node (0-based) the process's chargers connect to. */
  node: number;
  count: number;
  /** Runs `--auto`: its simulated drivers arrive, charge and leave, so MeterValues flow. */
  auto: boolean;
}

/**
 * Splits `chargers` evenly over `nodes`, and each node's share into an `--auto` part (`autoPct` % of it,
 * rounded) and an idle part, each cut into processes of at most `maxPerProcess` chargers: one process
 * holds one node's chargers only, so its sockets all go to one port, and no process nears its open-files
 * limit (a socket is a file).
 */
export function planScale(
  chargers: number,
  nodes: number,
  autoPct: number,
  maxPerProcess: number,
): SimSlice[] {
  const out: SimSlice[] = [];
  const cut = (node: number, n: number, auto: boolean) => {
    const parts = Math.ceil(n / maxPerProcess);
    for (let p = 0; p < parts; p++) {
      // Even parts: the first `n % parts` take one more.
      const count = Math.floor(n / parts) + (p < n % parts ? 1 : 0);
      if (count > 0) out.push({ node, count, auto });
    }
  };
  for (let node = 0; node < nodes; node++) {
    const share = Math.floor(chargers / nodes) + (node < chargers % nodes ? 1 : 0);
    const auto = Math.round((share * autoPct) / 100);
    cut(node, auto, true);
    cut(node, share - auto, false);
  }
  return out;
}

/**
 * The order the processes start in: each kind (--auto, idle) round-robin over the nodes, and at each step
 * the kind that keeps the started fleet's --auto share nearest the plan's, so that a ramp that stops early
 * held a fleet of the planned mix, every node loaded in turn.
 */
export function rampOrder(plan: readonly SimSlice[]): SimSlice[] {
  const roundRobin = (slices: SimSlice[]) => {
    const rank = new Map<SimSlice, number>();
    const seen = new Map<number, number>();
    for (const s of slices) {
      const k = seen.get(s.node) ?? 0;
      seen.set(s.node, k + 1);
      rank.set(s, k);
    }
    return slices.sort((a, b) => rank.get(a)! - rank.get(b)! || a.node - b.node);
  };
  const auto = roundRobin(plan.filter((s) => s.auto));
  const idle = roundRobin(plan.filter((s) => !s.auto));
  const total = plan.reduce((n, s) => n + s.count, 0);
  const target = total > 0 ? auto.reduce((n, s) => n + s.count, 0) / total : 0;
  const out: SimSlice[] = [];
  let started = 0, autoStarted = 0;
  while (auto.length > 0 || idle.length > 0) {
    const off = (s: SimSlice | undefined, isAuto: boolean) =>
      s ? Math.abs((autoStarted + (isAuto ? s.count : 0)) / (started + s.count) - target) : Infinity;
    const next = off(auto[0], true) < off(idle[0], false) ? auto.shift()! : idle.shift()!;
    out.push(next);
    started += next.count;
    if (next.auto) autoStarted += next.count;
  }
  return out;
}

/** A simulator's chargers that count as held: accepted and online (a dropped one may still say Accepted). */
export function heldOf(line: FleetLine | undefined): number {
  return line ? Math.min(line.accepted, line.online) : 0;
}

/** What the bench reads from the simulator's fleet summary line (charger/output.ts formatSummary). */
export interface FleetLine {
  chargers: number;
  online: number;
  accepted: number;
  transactions: number;
  framesOut: number;
  framesIn: number;
}

const SUMMARY =
  /fleet (\d+): (\d+) online, (\d+) accepted \|.*\| (\d+) charging sessions,.*\| frames (\d+) out, (\d+) in$/;

/** The figures of a pretty-mode fleet summary line, or undefined for any other line. */
export function parseFleetLine(line: string): FleetLine | undefined {
  const m = SUMMARY.exec(line.trim());
  if (!m) return undefined;
  const [chargers, online, accepted, transactions, framesOut, framesIn] = m.slice(1).map(Number);
  return { chargers, online, accepted, transactions, framesOut, framesIn };
}

/** The figures the bench reads from one node's /metrics. */
export interface NodeMetrics {
  /** OCPP-J frames received and sent (chargewire_ocpp_messages_total), all actions. */
  framesIn: number;
  framesOut: number;
  /** Frames received by action (CALLs from chargers and their answers to the CSMS's). */
  inByAction: Record<string, number>;
  /** chargewire_chargers_connected, all protocols. */
  connected: number;
}

const SAMPLE = /^([a-z_]+)\{([^}]*)\} ([0-9.eE+-]+)$/;

function labels(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/([a-z_]+)="([^"]*)"/g)) out[m[1]] = m[2];
  return out;
}

/** Sums the OCPP frame counters and the connected gauge from Prometheus text. */
export function parseNodeMetrics(text: string): NodeMetrics {
  const out: NodeMetrics = { framesIn: 0, framesOut: 0, inByAction: {}, connected: 0 };
  for (const line of text.split("\n")) {
    const m = SAMPLE.exec(line.trim());
    if (!m) continue;
    const value = Number(m[3]);
    if (m[1] === "chargewire_chargers_connected") {
      out.connected += value;
    } else if (m[1] === "chargewire_ocpp_messages_total") {
      const l = labels(m[2]);
      if (l.direction === "in") {
        out.framesIn += value;
        const action = l.action ?? "other";
        out.inByAction[action] = (out.inByAction[action] ?? 0) + value;
      } else if (l.direction === "out") {
        out.framesOut += value;
      }
    }
  }
  return out;
}

/**
 * The `type` of a bus event's JSON. The CSMS writes `type` first, so the bench reads it without parsing
 * the rest (thousands of events a second at full size); any other shape is parsed.
 */
export function busEventType(json: string): string | undefined {
  const fast = /^\{"type":"([^"]+)"/.exec(json)?.[1];
  if (fast !== undefined) return fast;
  try {
    const type = (JSON.parse(json) as { type?: unknown })?.type;
    return typeof type === "string" ? type : undefined;
  } catch {
    return undefined;
  }
}

/** Counts a second between two readings, rounded to `digits`; 0 over no time. */
export function rate(before: number, after: number, seconds: number, digits = 1): number {
  if (!(seconds > 0)) return 0;
  const f = 10 ** digits;
  return Math.round((Math.max(0, after - before) / seconds) * f) / f;
}

/** KiB of resident memory per charger above a process's baseline; undefined with no charger. */
export function kibPerCharger(heldKiB: number, baselineKiB: number, chargers: number): number | undefined {
  if (chargers <= 0) return undefined;
  return Math.round(((heldKiB - baselineKiB) / chargers) * 10) / 10;
}

/** Per-action rates between two readings, largest first. */
export function actionRates(
  before: Record<string, number>,
  after: Record<string, number>,
  seconds: number,
): Record<string, number> {
  return Object.fromEntries(
    Object.keys(after)
      .map((a) => [a, rate(before[a] ?? 0, after[a], seconds)] as const)
      .filter(([, r]) => r > 0)
      .sort((x, y) => y[1] - x[1]),
  );
}
