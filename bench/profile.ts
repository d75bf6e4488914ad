/**
 * CPU profiles of the system under test, taken over V8's inspector (the process runs with
 * `--inspect=127.0.0.1:0`) with the Chrome DevTools Protocol's Profiler domain: started at the measured
 * window, stopped at its end, saved as a .cpuprofile (Chrome DevTools and speedscope open it) and
 * summarised as the functions and packages that took the most CPU.
 */
import type { ChildProc } from "./procs.ts";
import { sleep } from "./wait.ts";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  hitCount?: number;
}
export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
}

export interface HotSpot {
  name: string;
  /** Share of all samples, in percent. */
  percent: number;
}

export interface ProfileSummary {
  file: string;
  /** Samples counted below (the profiler's own overhead excluded). */
  samples: number;
  /**
   * Percent of all samples spent reporting each WebSocket frame to the attached inspector (Deno's
   * network panel hooks): a cost only a profiled process pays, so it is left out of the shares below.
   */
  inspectorOverheadPercent: number;
  /** Functions by self time. */
  functions: HotSpot[];
  /** Self time grouped by npm package, our own module folders, V8 pseudo-frames (GC, idle, program). */
  groups: HotSpot[];
}

/** Deno prints "Debugger listening on ws://..." on stderr when started with --inspect. */
export async function inspectorUrl(proc: ChildProc, timeoutMs = 30_000): Promise<string> {
  const until = performance.now() + timeoutMs;
  while (performance.now() < until) {
    for (const line of proc.stderrTail) {
      const m = line.match(/Debugger listening on (ws:\/\/\S+)/);
      if (m) return m[1];
    }
    if (proc.exited) break;
    await sleep(50);
  }
  throw new Error(`${proc.name}: no inspector address on stderr${proc.diagnostics()}`);
}

/** A minimal CDP session: numbered requests, answers matched by id. */
export class Inspector {
  #ws: WebSocket;
  #seq = 0;
  #waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  /** Heap snapshot chunks while one is being taken. */
  #chunks?: string[];

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.onmessage = (e) => {
      const msg = JSON.parse(String(e.data));
      if (msg.method === "HeapProfiler.addHeapSnapshotChunk") this.#chunks?.push(msg.params.chunk);
      const w = msg.id !== undefined ? this.#waiting.get(msg.id) : undefined;
      if (!w) return;
      this.#waiting.delete(msg.id);
      if (msg.error) w.reject(new Error(`inspector: ${msg.error.message}`));
      else w.resolve(msg.result);
    };
    ws.onclose = () => {
      for (const w of this.#waiting.values()) w.reject(new Error("inspector connection closed"));
      this.#waiting.clear();
    };
  }

  static async connect(url: string): Promise<Inspector> {
    const ws = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      ws.onopen = () => resolve();
      ws.onerror = () => reject(new Error(`cannot reach the inspector at ${url}`));
    });
    return new Inspector(ws);
  }

  send<T = unknown>(method: string, params: Record<string, unknown> = {}, timeoutMs = 60_000): Promise<T> {
    const id = ++this.#seq;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(id);
        reject(new Error(`inspector: ${method} unanswered after ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiting.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.#ws.send(JSON.stringify({ id, method, params }));
    });
  }

  async startProfiling(samplingIntervalUs = 200): Promise<void> {
    await this.send("Profiler.enable");
    await this.send("Profiler.setSamplingInterval", { interval: samplingIntervalUs });
    await this.send("Profiler.start");
  }

  async stopProfiling(): Promise<CpuProfile> {
    const { profile } = await this.send<{ profile: CpuProfile }>("Profiler.stop");
    return profile;
  }

  /** Live JS heap after a full garbage collection, in KiB. */
  async liveHeapKiB(): Promise<number> {
    await this.send("HeapProfiler.collectGarbage");
    const { usedSize } = await this.send<{ usedSize: number }>("Runtime.getHeapUsage");
    return Math.round(usedSize / 1024);
  }

  /** A full heap snapshot (V8 collects garbage first), as the `.heapsnapshot` text DevTools opens. */
  async heapSnapshot(): Promise<string> {
    this.#chunks = [];
    try {
      await this.send("HeapProfiler.enable");
      await this.send("HeapProfiler.takeHeapSnapshot", { reportProgress: false }, 300_000);
      return this.#chunks.join("");
    } finally {
      this.#chunks = undefined;
    }
  }

  close(): void {
    this.#ws.close();
  }
}

/** Where a frame's code comes from: an npm package, a folder of ours, Deno's runtime, or V8 itself. */
export function groupOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith("(") ? functionName : "(native)";
  const npm = url.match(/node_modules\/(?:\.deno\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/);
  if (npm) return `npm:${npm[1]}`;
  const ours = url.match(/\/(csms|web|shared|charger|bench)\//);
  if (ours) return `${ours[1]}/`;
  if (url.startsWith("ext:") || url.startsWith("node:")) return `deno ${url.split("/")[0]}`;
  return url;
}

function top(map: Map<string, number>, total: number, n: number): HotSpot[] {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, hits]) => ({ name, percent: Math.round((hits / total) * 1000) / 10 }));
}

/** Frames that exist only because an inspector is attached. */
function isInspectorOverhead(f: CallFrame): boolean {
  return f.functionName === "op_inspector_emit_protocol_event" || f.url.includes("inspector_network_bridge");
}

export function summarizeProfile(profile: CpuProfile, file: string, n = 15): ProfileSummary {
  const fns = new Map<string, number>();
  const groups = new Map<string, number>();
  let total = 0, overhead = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (hits === 0) continue;
    const f = node.callFrame;
    if (isInspectorOverhead(f)) {
      overhead += hits;
      continue;
    }
    total += hits;
    const where = f.url
      ? ` ${f.url.replace(/^.*\/(node_modules\/\.deno\/|work\/[^/]+\/)/, "")}:${f.lineNumber + 1}`
      : "";
    const name = `${f.functionName || "(anonymous)"}${where}`;
    fns.set(name, (fns.get(name) ?? 0) + hits);
    const g = groupOf(f);
    groups.set(g, (groups.get(g) ?? 0) + hits);
  }
  return {
    file,
    samples: total,
    inspectorOverheadPercent: Math.round((overhead / (total + overhead || 1)) * 1000) / 10,
    functions: top(fns, total || 1, n),
    groups: top(groups, total || 1, n),
  };
}
