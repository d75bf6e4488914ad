/**
 * One of a CSMS's event loops (CSMS_WORKERS), on its own thread: a whole CSMS node (csms/server.ts) under
 * its own node id, on the shared OCPP port (SO_REUSEPORT: the kernel spreads new connections over the
 * loops), using the process's one store through csms/store/remote.ts, and the process's bus through
 * csms/loop_bus.ts (or Redis directly, as a node of its own, when REDIS_URL is set).
 */
import { RedisBus } from "../shared/bus_redis.ts";
import type { Bus } from "../shared/events.ts";
import { configureLog } from "../shared/log.ts";
import { type RenderedMetrics, renderInOwner, type ThreadMetrics, threadMetrics } from "../shared/metrics.ts";
import { PendingAnswers } from "./pending_answers.ts";
import { BatchedPort, type Structured, unbatch } from "./batched_port.ts";
import type { CsmsConfig } from "./config.ts";
import { LoopBus, type LoopBusMessage } from "./loop_bus.ts";
import { type CsmsHandle, startCsms } from "./server.ts";
import { RemoteStorage, type StoreReply } from "./store/remote.ts";
import { VENDORS } from "./vendors/mod.ts";

/** What the owning thread tells a loop, and what the loop answers. */
export type LoopControl =
  | { ch: "ctl"; t: "start"; config: CsmsConfig & { nodeId: string } }
  | { ch: "ctl"; t: "close" };
/** /metrics across threads: a loop renders the process's through the owner, which gathers every loop's. */
export type LoopMetricsMessage =
  | { ch: "metrics"; t: "render"; id: number }
  | { ch: "metrics"; t: "rendered"; id: number; rendered: RenderedMetrics }
  | { ch: "metrics"; t: "gather"; id: number }
  | { ch: "metrics"; t: "gathered"; id: number; metrics: ThreadMetrics };
export type LoopReport =
  | { ch: "ctl"; t: "started"; port: number }
  | { ch: "ctl"; t: "failed"; message: string }
  | { ch: "ctl"; t: "closed" };

/** How long a stopping loop waits for the store's answers to its last writes. */
const STORE_DRAIN_MS = 5_000;

const self = globalThis as unknown as {
  onmessage:
    | ((e: MessageEvent<string | Structured>) => void)
    | null;
  postMessage(m: unknown): void;
};
/** Everything this loop sends the owning thread, in order, a batch per turn (csms/batched_port.ts). */
const port = new BatchedPort({ postMessage: (m: unknown) => self.postMessage(m) });
const store = new RemoteStorage(port);
const loopBus = new LoopBus(port);
let bus: Bus = loopBus;
let csms: CsmsHandle | undefined;
const rendered = new PendingAnswers<RenderedMetrics>();
renderInOwner(() =>
  rendered.ask((id) => port.postMessage({ ch: "metrics", t: "render", id } satisfies LoopMetricsMessage))
);

function onMetrics(m: LoopMetricsMessage): void {
  if (m.t === "rendered") return rendered.answered(m.id, m.rendered);
  if (m.t !== "gather") return;
  const id = m.id;
  threadMetrics().then((metrics) =>
    port.postMessage({ ch: "metrics", t: "gathered", id, metrics } satisfies LoopMetricsMessage)
  );
}

async function start(config: CsmsConfig & { nodeId: string }): Promise<LoopReport> {
  configureLog({ format: config.logFormat, level: config.logLevel, node: config.nodeId });
  try {
    if (config.redisUrl !== undefined) bus = await RedisBus.connect(config.redisUrl, { node: config.nodeId });
    csms = await startCsms(config, { bus, storage: store.storage, vendors: { ...VENDORS }, reusePort: true });
    return { ch: "ctl", t: "started", port: csms.port };
  } catch (err) {
    if (bus !== loopBus) await bus.close();
    return { ch: "ctl", t: "failed", message: (err as Error).message };
  }
}

async function close(): Promise<LoopReport> {
  await csms?.close();
  // Writes the closing sockets asked for (presence ending) are answered before the store goes.
  await store.drain(STORE_DRAIN_MS);
  await bus.close();
  await loopBus.close();
  store.close();
  rendered.drop({ body: "", contentType: "text/plain" });
  return { ch: "ctl", t: "closed" };
}

function receive(m: LoopControl | LoopBusMessage | StoreReply | LoopMetricsMessage): void {
  if (m.ch === "store") return store.receive(m);
  if (m.ch === "bus") return loopBus.receive(m);
  if (m.ch === "metrics") return onMetrics(m);
  (m.t === "start" ? start(m.config) : close()).then((report) => {
    port.postMessage(report);
    port.flush();
  });
}

self.onmessage = (e) => unbatch(e.data, receive);
