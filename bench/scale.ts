/**
 * Scenario `scale`: a large fleet of the real simulator (charger/main.ts --count) held by several CSMS
 * nodes (csms/main.ts) on PostgreSQL + Redis, at realistic rates: the CSMS's 60 s heartbeat and a 60 s
 * MeterValueSampleInterval, a share of the chargers running `--auto` so that sessions and MeterValues
 * flow. Once every charger is booted (or booting stalls), the fleet is held for a window in which the
 * bench reads memory per charger (nodes and simulators apart), CPU of every part, presence churn from the
 * bus's events channel, OCPP frames from the nodes' /metrics, and PostgreSQL's rows and commits.
 *
 * The cluster itself (fresh database, empty Redis database number, nodes, clean-up) is bench/cluster.ts's;
 * the database figures are bench/cluster_db.ts's DbWatch.
 */
import { Redis } from "ioredis";
import { MAX_AUTO_TAGS } from "../charger/auto.ts";
import { channelPrefix } from "../shared/bus_redis.ts";
import { progress, sleep } from "./common.ts";
import { startCluster } from "./cluster.ts";
import { BUS_PREFIX, type DbFigures, DbWatch, processCpuSeconds, STATS_SETTLE_MS } from "./cluster_db.ts";
import { ChildProc, cpuSeconds, machineCpuSeconds, rssKiB } from "./procs.ts";
import {
  actionRates,
  busEventType,
  type FleetLine,
  heldOf,
  kibPerCharger,
  type NodeMetrics,
  parseFleetLine,
  parseNodeMetrics,
  planScale,
  rampOrder,
  rate,
  type SimSlice,
} from "./scale_figures.ts";
import { ocppEndpoints, type RunningSystem, serverProcs } from "./system.ts";

/** Chargers per simulator process: under its open-files limit (20,000 here) with room to spare. */
export const MAX_CHARGERS_PER_SIM = 12_000;
/** Seconds between periodic meter samples of a charging connector (MeterValueSampleInterval). */
export const SAMPLE_INTERVAL_S = 60;
/** The heartbeat the nodes hand out (HEARTBEAT_INTERVAL), set explicitly so the run does not drift. */
export const HEARTBEAT_S = 60;
/**
 * Share of the chargers that run `--auto`, in %. Its drivers idle 15-180 s and charge 60-900 s
 * (charger/auto.ts), so about four in five of them are charging at any time: a fifth of the fleet. They
 * draw from a million badges (--auto-tags): with the default 50, a badge in use elsewhere is refused
 * ConcurrentTx and the whole fleet could not keep more than about 50 sessions.
 */
export const DEFAULT_AUTO_PCT = 25;

export interface ScaleOptions {
  chargers: number;
  nodes: number;
  /** Share of each node's chargers that run `--auto`, in %. */
  autoPct: number;
  /** The measured window once every charger is booted (at least PostgreSQL's statistics settle time). */
  holdMs: number;
  /** Booting is given up after this long without one more charger accepted. */
  stallMs: number;
  pgUrl: string;
  redisUrl: string;
  v8Flags?: string;
}

export interface ScaleNode {
  node: number;
  /** Chargers whose socket is open on it at the end of the window (chargewire_chargers_connected). */
  connected: number;
  rssIdleKiB: number;
  rssHeldKiB: number;
  kibPerCharger?: number;
  cpuCores: number;
}

export interface ScaleResult {
  requested: number;
  nodes: number;
  /** Simulator processes started (a stalled ramp starts fewer than planned) and planned. */
  simProcesses: number;
  plannedProcesses: number;
  autoChargers: number;
  /** Accepted and online, by the simulators' own count, when the window began. */
  booted: number;
  failed: number;
  /** Booting stopped making progress before every charger was accepted. */
  stalled: boolean;
  /** Each simulator process started, in order, and what was held once its chargers had booted. */
  ramp: RampStep[];
  /** From starting the simulators to the last `charger.boot` event before the window. */
  bootS: number;
  bootsPerSecond: number;
  holdS: number;
  /** At the end of the window: the simulators' online count, Redis presence keys, the nodes' gauges. */
  heldAtEnd: { simulatorsOnline: number; presenceKeys: number; nodesConnected: number };
  /** Charging sessions open at the end of the window, and their share of the booted chargers, %. */
  charging: number;
  chargingPct: number;
  perNode: ScaleNode[];
  server: { rssHeldKiB: number; kibPerCharger?: number; cpuCores: number; cpuUsPerFrameIn?: number };
  simulators: { rssKiB: number; kibPerCharger?: number; cpuCores: number };
  /** Cores used during the window; `others`: the rest of the machine (other people's work included). */
  cpu: {
    nodes: number;
    postgres: number;
    redis: number;
    simulators: number;
    bench: number;
    others: number;
    machine: number;
  };
  loadAverage: { start: string; end: string };
  /** Presence churn: bus events a second during the window. */
  churn: { connectedPerS: number; disconnectedPerS: number; connected: number; disconnected: number };
  messages: {
    framesInPerS: number;
    framesOutPerS: number;
    inByActionPerS: Record<string, number>;
    busEventsPerS: number;
    busByTypePerS: Record<string, number>;
  };
  db: DbFigures;
}

/** One simulator process and the latest fleet summary it printed. */
class Sim {
  readonly proc: ChildProc;
  latest?: FleetLine;

  constructor(readonly slice: SimSlice, name: string, args: string[]) {
    const proc = this.proc = new ChildProc(name, { args, raiseFileLimit: true });
    void (async () => {
      while (!proc.exited) {
        try {
          this.latest = await proc.nextLine(parseFleetLine, 3_600_000, "fleet summary");
        } catch {
          return; // exited: the bench's checks report it
        }
      }
    })();
  }
}

/** Counts the bus's events by type as they pass on its Redis channel; notes each boot's time. */
class BusCounter {
  readonly counts = new Map<string, number>();
  lastBootAt = 0;

  private constructor(private readonly sub: Redis) {}

  static async open(redisUrl: string): Promise<BusCounter> {
    const sub = new Redis(redisUrl);
    const c = new BusCounter(sub);
    const db = Number(new URL(redisUrl).pathname.slice(1) || 0);
    sub.on("message", (_channel: string, text: string) => {
      const type = busEventType(text) ?? "unreadable";
      c.counts.set(type, (c.counts.get(type) ?? 0) + 1);
      if (type === "charger.boot") c.lastBootAt = performance.now();
    });
    await sub.subscribe(`${channelPrefix(BUS_PREFIX, db)}events`);
    return c;
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  close(): void {
    this.sub.disconnect();
  }
}

async function presenceKeys(redisUrl: string): Promise<number> {
  const r = new Redis(redisUrl);
  try {
    let n = 0, cursor = "0";
    do {
      const [next, keys] = await r.scan(cursor, "MATCH", `${BUS_PREFIX}presence:*`, "COUNT", 5000);
      cursor = next;
      n += keys.length;
    } while (cursor !== "0");
    return n;
  } finally {
    r.disconnect();
  }
}

async function scrape(ocppUrl: string): Promise<NodeMetrics> {
  const u = new URL(ocppUrl);
  const res = await fetch(`http://${u.host}/metrics`);
  if (!res.ok) {
    await res.body?.cancel();
    throw new Error(`${u.host}/metrics answered ${res.status}`);
  }
  return parseNodeMetrics(await res.text());
}

const loadAverage = () => Deno.readTextFileSync("/proc/loadavg").split(" ").slice(0, 3).join(" ");

/** Every counter the window's figures are differences of, read at one instant. */
async function reading(sys: RunningSystem, sims: Sim[], bus: BusCounter) {
  const t = performance.now();
  const cpu = (pids: number[]) => pids.reduce((s, pid) => s + (cpuSeconds(pid) ?? 0), 0);
  return {
    t,
    nodesCpu: serverProcs(sys).map((p) => cpuSeconds(p.pid) ?? 0),
    simsCpu: cpu(sims.map((s) => s.proc.pid)),
    postgres: processCpuSeconds(["postgres"]),
    redis: processCpuSeconds(["redis-server"]),
    bench: cpuSeconds(Deno.pid) ?? 0,
    machine: machineCpuSeconds() ?? 0,
    metrics: await Promise.all(ocppEndpoints(sys).map(scrape)),
    bus: bus.snapshot(),
  };
}

function assertRunning(sys: RunningSystem, sims: Sim[]): void {
  for (const p of [...serverProcs(sys), ...sims.map((s) => s.proc)]) {
    if (p.exited) throw new Error(`${p.name} exited during the scale run${p.diagnostics()}`);
  }
}

/** Waits until `target` chargers are held, or none more has been for `stallMs`; returns the count. */
async function waitForHeld(
  sys: RunningSystem,
  sims: Sim[],
  target: number,
  opts: ScaleOptions,
  bus: BusCounter,
): Promise<{ held: number; stalled: boolean }> {
  let best = 0, bestAt = performance.now(), lastLog = 0;
  while (true) {
    assertRunning(sys, sims);
    const held = sims.reduce((n, s) => n + heldOf(s.latest), 0);
    const now = performance.now();
    // A new best only: a count that churns up and down below the target is not progress.
    if (held > best) [best, bestAt] = [held, now];
    if (now - lastLog >= 10_000) {
      lastLog = now;
      const c = bus.counts;
      progress(
        `scale: ${held} of ${target} held (accepted and online); bus: ${c.get("charger.connected") ?? 0} ` +
          `connected, ${c.get("charger.disconnected") ?? 0} disconnected, ${c.get("charger.boot") ?? 0} ` +
          `boots; load ${loadAverage()}`,
      );
    }
    if (held >= target) return { held, stalled: false };
    if (now - bestAt > opts.stallMs) return { held, stalled: true };
    await sleep(1000);
  }
}

/** One step of the ramp: a simulator process more, and what the fleet held once it had booted. */
export interface RampStep {
  simulators: number;
  requested: number;
  held: number;
  /** Since the first simulator started. */
  seconds: number;
  stalled: boolean;
  nodesRssKiB: number;
  loadAverage: string;
}

/**
 * Starts the simulators one after another, each once the fleet before it is held: one process's
 * handshakes (at most 64 in flight, charger/fleet.ts) in flight at a time rather than every process's,
 * so that on a busy machine the boots do not starve the pongs of chargers already up. Stops at a stall.
 */
async function rampUp(
  sys: RunningSystem,
  sims: Sim[],
  order: SimSlice[],
  start: (slice: SimSlice, i: number) => Sim,
  opts: ScaleOptions,
  bus: BusCounter,
): Promise<{ steps: RampStep[]; held: number; stalled: boolean }> {
  const t0 = performance.now();
  const steps: RampStep[] = [];
  let requested = 0, held = 0;
  for (const [i, slice] of order.entries()) {
    sims.push(start(slice, i));
    requested += slice.count;
    const r = await waitForHeld(sys, sims, requested, opts, bus);
    held = r.held;
    steps.push({
      simulators: sims.length,
      requested,
      held,
      seconds: Math.round((performance.now() - t0) / 100) / 10,
      stalled: r.stalled,
      nodesRssKiB: serverProcs(sys).reduce((n, p) => n + (rssKiB(p.pid) ?? 0), 0),
      loadAverage: loadAverage(),
    });
    progress(`scale: step ${sims.length}/${order.length}: ${held} of ${requested} held`);
    if (r.stalled) return { steps, held, stalled: true };
  }
  return { steps, held, stalled: false };
}

export async function runScale(opts: ScaleOptions): Promise<ScaleResult> {
  // One event loop a node (CSMS_WORKERS=1): the nodes stand for machines of their own, and on this box
  // five of them already share two cores; extra loops a node would only add threads competing for them.
  const sys = await startCluster(opts, false, { HEARTBEAT_INTERVAL: String(HEARTBEAT_S), CSMS_WORKERS: "1" });
  const sims: Sim[] = [];
  let bus: BusCounter | undefined;
  let watch: DbWatch | undefined;
  try {
    const nodes = serverProcs(sys);
    const urls = ocppEndpoints(sys);
    const baseline = nodes.map((p) => rssKiB(p.pid) ?? 0);
    bus = await BusCounter.open(sys.redisUrl!);
    const plan = planScale(opts.chargers, opts.nodes, opts.autoPct, MAX_CHARGERS_PER_SIM);
    // A run's own ids: two runs on one Redis or database never share a charger.
    const tag = Date.now().toString(36).slice(-6);
    const t0 = performance.now();
    const start = (slice: SimSlice, i: number) => {
      const kind = slice.auto ? "auto" : "idle";
      return new Sim(slice, `simulator ${i + 1} (${slice.count} ${kind}, node ${slice.node + 1})`, [
        "charger/main.ts",
        ...["--count", String(slice.count), "--url", urls[slice.node], "--speed", "1"],
        ...["--id-prefix", `S${tag}-${i + 1}${slice.auto ? "a" : "i"}-`],
        ...["--config", `MeterValueSampleInterval=${SAMPLE_INTERVAL_S}`, "--log", "pretty"],
        ...(slice.auto ? ["--auto", "--seed", String(i + 1), "--auto-tags", String(MAX_AUTO_TAGS)] : []),
      ]);
    };
    const autoChargers = plan.filter((s) => s.auto).reduce((n, s) => n + s.count, 0);
    progress(
      `scale: ${opts.chargers} chargers (${autoChargers} with --auto) in ${plan.length} simulator processes ` +
        `over ${opts.nodes} CSMS nodes, started one after another`,
    );
    const { steps, held: booted, stalled } = await rampUp(sys, sims, rampOrder(plan), start, opts, bus);
    const bootS = ((bus.lastBootAt || performance.now()) - t0) / 1000;
    if (stalled) {
      progress(`scale: booting stalled at ${booted} of ${opts.chargers}; holding what booted`);
    }

    watch = new DbWatch(sys.dbUrl!);
    progress(`scale: holding ${opts.holdMs / 1000} s (PostgreSQL's statistics read at both ends)`);
    const loadStart = loadAverage();
    await watch.start();
    const a = await reading(sys, sims, bus);
    await sleep(opts.holdMs - STATS_SETTLE_MS);
    assertRunning(sys, sims);
    // finish() reads its counters a settle time after it is called, while the fleet keeps going.
    const db = await watch.finish((performance.now() - a.t + STATS_SETTLE_MS) / 1000);
    const b = await reading(sys, sims, bus);
    const loadEnd = loadAverage();
    assertRunning(sys, sims);
    const s = (b.t - a.t) / 1000;
    const cores = (x: number, y: number) => Math.round(((y - x) / s) * 100) / 100;

    const perNode: ScaleNode[] = nodes.map((p, i) => {
      const held = rssKiB(p.pid) ?? 0;
      return {
        node: i + 1,
        connected: b.metrics[i].connected,
        rssIdleKiB: baseline[i],
        rssHeldKiB: held,
        kibPerCharger: kibPerCharger(held, baseline[i], b.metrics[i].connected),
        cpuCores: cores(a.nodesCpu[i], b.nodesCpu[i]),
      };
    });
    const sum = (xs: number[]) => xs.reduce((x, y) => x + y, 0);
    const nodesConnected = sum(perNode.map((n) => n.connected));
    const framesIn = [sum(a.metrics.map((m) => m.framesIn)), sum(b.metrics.map((m) => m.framesIn))];
    const inByAction = (ms: NodeMetrics[]) => {
      const out: Record<string, number> = {};
      for (const m of ms) for (const [k, v] of Object.entries(m.inByAction)) out[k] = (out[k] ?? 0) + v;
      return out;
    };
    const nodesCpuS = sum(b.nodesCpu) - sum(a.nodesCpu);
    const simRss = sum(sims.map((x) => rssKiB(x.proc.pid) ?? 0));
    const simOnline = sum(sims.map((x) => x.latest?.online ?? 0));
    const charging = sum(sims.map((x) => x.latest?.transactions ?? 0));
    const busTotal = (r: Record<string, number>) => sum(Object.values(r));
    const cpu = {
      nodes: cores(sum(a.nodesCpu), sum(b.nodesCpu)),
      postgres: cores(a.postgres, b.postgres),
      redis: cores(a.redis, b.redis),
      simulators: cores(a.simsCpu, b.simsCpu),
      bench: cores(a.bench, b.bench),
      machine: cores(a.machine, b.machine),
      others: 0,
    };
    cpu.others = Math.max(
      0,
      Math.round((cpu.machine - cpu.nodes - cpu.postgres - cpu.redis - cpu.simulators - cpu.bench) * 100) /
        100,
    );
    const churnOf = (type: string) => (b.bus[type] ?? 0) - (a.bus[type] ?? 0);
    return {
      requested: opts.chargers,
      nodes: opts.nodes,
      simProcesses: sims.length,
      plannedProcesses: plan.length,
      autoChargers,
      booted,
      failed: opts.chargers - booted,
      stalled,
      ramp: steps,
      bootS: Math.round(bootS * 10) / 10,
      bootsPerSecond: bootS > 0 ? Math.round(booted / bootS) : 0,
      holdS: Math.round(s * 10) / 10,
      heldAtEnd: {
        simulatorsOnline: simOnline,
        presenceKeys: await presenceKeys(sys.redisUrl!),
        nodesConnected,
      },
      charging,
      chargingPct: booted > 0 ? Math.round((charging / booted) * 1000) / 10 : 0,
      perNode,
      server: {
        rssHeldKiB: sum(perNode.map((n) => n.rssHeldKiB)),
        kibPerCharger: kibPerCharger(
          sum(perNode.map((n) => n.rssHeldKiB)),
          sum(perNode.map((n) => n.rssIdleKiB)),
          nodesConnected,
        ),
        cpuCores: cpu.nodes,
        cpuUsPerFrameIn: framesIn[1] > framesIn[0]
          ? Math.round((nodesCpuS / (framesIn[1] - framesIn[0])) * 1e6)
          : undefined,
      },
      simulators: {
        rssKiB: simRss,
        kibPerCharger: kibPerCharger(simRss, 0, simOnline),
        cpuCores: cpu.simulators,
      },
      cpu,
      loadAverage: { start: loadStart, end: loadEnd },
      churn: {
        connected: churnOf("charger.connected"),
        disconnected: churnOf("charger.disconnected"),
        connectedPerS: rate(0, churnOf("charger.connected"), s, 2),
        disconnectedPerS: rate(0, churnOf("charger.disconnected"), s, 2),
      },
      messages: {
        framesInPerS: rate(framesIn[0], framesIn[1], s),
        framesOutPerS: rate(
          sum(a.metrics.map((m) => m.framesOut)),
          sum(b.metrics.map((m) => m.framesOut)),
          s,
        ),
        inByActionPerS: actionRates(inByAction(a.metrics), inByAction(b.metrics), s),
        busEventsPerS: rate(busTotal(a.bus), busTotal(b.bus), s),
        busByTypePerS: actionRates(a.bus, b.bus, s),
      },
      db,
    };
  } finally {
    progress("scale: stopping the simulators and the cluster");
    await Promise.allSettled(sims.map((x) => x.proc.stop(5000)));
    bus?.close();
    await watch?.close();
    await sys.stop();
  }
}
