/**
 * A CSMS on every core (CSMS_WORKERS > 1): N event loops, each a whole CSMS node on its own thread
 * (csms/loop_worker.ts) under the id `{node}.{i}`, all listening on the one OCPP port with SO_REUSEPORT,
 * so the kernel spreads chargers over them. This thread owns what there must be one of: the store (its one
 * SQLite writer, its ids, its in-memory latest state; loops reach it through csms/store/remote.ts), its
 * retention, and, without Redis, the process's bus (the loops reach it through csms/loop_bus.ts, which
 * routes a command to the loop holding the charger). With Redis each loop is a node on Redis of its own.
 *
 * Threads rather than processes: one store needs one owner, and a thread reaches it by postMessage where
 * a process would need a socket and a second serializer. A loop that dies takes the node down with it
 * (`failed`): its chargers' sockets are gone, and a supervisor restarting the node is the honest recovery.
 */
import type { Bus } from "../shared/events.ts";
import type { CsmsStorage } from "../shared/storage.ts";
import { logger } from "../shared/log.ts";
import type { CsmsConfig } from "./config.ts";
import type { LoopControl, LoopMetricsMessage, LoopReport } from "./loop_worker.ts";
import {
  enableProcessMetrics,
  includeOtherThreads,
  renderMetrics,
  type ThreadMetrics,
} from "../shared/metrics.ts";
import { PendingAnswers } from "./pending_answers.ts";
import { type LoopBusMessage, LoopHub } from "./loop_bus.ts";
import { Retention } from "./retention.ts";
import { type CsmsHandle, trackActiveTransactionsIn, wsUrl } from "./server.ts";
import { openStorage } from "./store/open.ts";
import { serveStorage, type StoreCall } from "./store/remote.ts";
import { BatchedPort, type Structured, unbatch } from "./batched_port.ts";

const log = logger("csms");

/** A loop's node id: the process's node id and the loop's number. */
export function loopNodeId(node: string, index: number): string {
  return `${node}.${index + 1}`;
}

type LoopMessage = StoreCall | LoopBusMessage | LoopReport | LoopMetricsMessage;

class Loop {
  readonly worker: Worker;
  /** Everything this thread sends the loop, in order, a batch per turn. */
  readonly port: BatchedPort;
  #reports: Array<(r: LoopReport) => void> = [];
  readonly #gathered = new PendingAnswers<ThreadMetrics>();

  /** A loop that uses `storage` (answered here) and reaches the bus through `onBus`. */
  constructor(
    readonly index: number,
    storage: CsmsStorage,
    onBus: (loop: Loop, m: LoopBusMessage) => void,
    onFailure: (loop: Loop, message: string) => void,
  ) {
    this.worker = new Worker(new URL("./loop_worker.ts", import.meta.url).href, { type: "module" });
    this.port = new BatchedPort(this.worker);
    const serveStore = serveStorage(storage, this.port);
    this.worker.onmessage = (e: MessageEvent<string | Structured>) =>
      unbatch<LoopMessage>(e.data, (m) => {
        if (m.ch === "store") serveStore(m);
        else if (m.ch === "bus") onBus(this, m);
        else if (m.ch === "metrics") this.#onMetrics(m);
        else this.#reports.shift()?.(m);
      });
    this.worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      onFailure(this, e.message);
      for (const report of this.#reports.splice(0)) report({ ch: "ctl", t: "failed", message: e.message });
    };
  }

  #onMetrics(m: LoopMetricsMessage): void {
    if (m.t === "gathered") return this.#gathered.answered(m.id, m.metrics);
    if (m.t !== "render") return;
    const id = m.id;
    renderMetrics().then((rendered) =>
      this.port.postMessage({ ch: "metrics", t: "rendered", id, rendered } satisfies LoopMetricsMessage)
    );
  }

  /** The loop's own figures (none once it has stopped). */
  metrics(): Promise<ThreadMetrics> {
    return this.#gathered.ask((id) =>
      this.port.postMessage({ ch: "metrics", t: "gather", id } satisfies LoopMetricsMessage)
    );
  }

  stopped(): void {
    this.#gathered.drop([]);
  }

  /** Sends a control message and resolves with the loop's report on it. */
  control(m: LoopControl): Promise<LoopReport> {
    return new Promise((resolve) => {
      this.#reports.push(resolve);
      this.port.postMessage(m);
    });
  }
}

export interface LoopsHandle extends CsmsHandle {
  /** The loops' node ids. */
  loops: string[];
  /** Rejects when a loop dies (a bug): the node is no longer whole and should stop. */
  failed: Promise<never>;
}

/**
 * Starts `count` loops on `config.port` (0: the first loop picks a free port, the others join it). `bus`
 * is the process's own (the portal's, in `deno task dev`); the node does not close it.
 */
export async function startCsmsLoops(
  config: CsmsConfig & { nodeId: string },
  deps: { bus: Bus; count: number },
): Promise<LoopsHandle> {
  const node = config.nodeId;
  const storage = await openStorage(config, node);
  let fail!: (err: Error) => void;
  const failed = new Promise<never>((_, reject) => (fail = reject));
  failed.catch(() => {}); // whoever runs the node decides what a failure means
  let hub: LoopHub | undefined;
  const loops = Array.from({ length: deps.count }, (_, i) =>
    new Loop(
      i,
      storage,
      (l, m) => hub?.receive(l.index, m),
      (l, message) => {
        const why = `CSMS loop ${loopNodeId(node, l.index)} failed: ${message}`;
        log.error(why);
        fail(new Error(why));
      },
    ));
  const ports = loops.map((l) => l.port);
  // With Redis the loops are nodes on Redis themselves; the process's bus only serves its portal.
  if (config.redisUrl === undefined) hub = new LoopHub(deps.bus, ports);

  // Process-wide figures are this thread's to count; the loops count their own chargers and frames.
  const untrackTransactions = config.metrics ? trackActiveTransactionsIn(storage) : () => {};
  if (config.metrics) enableProcessMetrics();
  const unincludeLoops = includeOtherThreads(() => Promise.all(loops.map((l) => l.metrics())));
  const stopAll = async () => {
    hub?.close();
    unincludeLoops();
    untrackTransactions();
    await Promise.all(loops.map((l) => l.control({ ch: "ctl", t: "close" })));
    for (const l of loops) {
      l.stopped();
      l.worker.terminate();
    }
    await storage.close();
  };
  // The first loop binds (and picks the port, if 0); the others join it there, together.
  const startLoop = (loop: Loop, port: number) =>
    loop.control({
      ch: "ctl",
      t: "start",
      config: { ...config, port, nodeId: loopNodeId(node, loop.index) },
    });
  const first = await startLoop(loops[0], config.port);
  const port = first.t === "started" ? first.port : config.port;
  const reports = first.t === "started"
    ? [first, ...await Promise.all(loops.slice(1).map((l) => startLoop(l, port)))]
    : [first];
  const refused = reports.find((r) => r.t !== "started");
  if (refused) {
    await stopAll();
    throw new Error(refused.t === "failed" ? refused.message : "a CSMS loop did not start");
  }
  const retention = new Retention(storage, config.meterRetentionDays, config.eventRetentionDays);
  retention.start();

  let closed: Promise<void> | undefined;
  return {
    port,
    url: wsUrl(config.host, port, config.tls !== undefined),
    node,
    loops: loops.map((l) => loopNodeId(node, l.index)),
    storage,
    failed,
    close: () =>
      closed ??= (async () => {
        retention.stop();
        await stopAll();
      })(),
  };
}
