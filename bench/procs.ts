/**
 * Child processes of the bench: spawned with Deno.Command(Deno.execPath()) so that the pid is the Deno
 * process itself (its /proc entry is what we measure), stdout read line by line, stdin used for JSON
 * commands, and every wait bounded.
 */
import type { DriverCommand, DriverReport } from "./protocol.ts";
import { sleep } from "./wait.ts";

const MAX_KEPT_LINES = 200;

/** Every child still running, so that an interrupted bench can stop them all. */
const live = new Set<ChildProc>();

/** Clean-ups of what outlives a process (a cluster's database and Redis keys), run on interruption too. */
const cleanups = new Set<() => Promise<void>>();

/** Runs `fn` when the bench is interrupted, unless the returned function has been called first. */
export function onInterrupt(fn: () => Promise<void>): () => void {
  cleanups.add(fn);
  return () => void cleanups.delete(fn);
}

/** Stops every child this process started and has not reaped yet, then runs the pending clean-ups. */
export async function stopAllChildren(): Promise<void> {
  await Promise.allSettled([...live].map((c) => c.stop(3000)));
  await Promise.allSettled([...cleanups].map((fn) => fn()));
  cleanups.clear();
}
const ROOT = new URL("..", import.meta.url);

export interface SpawnOptions {
  /** Script and its arguments, relative to the repository root. */
  args: string[];
  env?: Record<string, string>;
  /** Extra Deno flags before the script (e.g. --v8-flags, --cpu-prof). */
  denoFlags?: string[];
  /** Raise the soft open-files limit to the hard one first (needed for thousands of sockets). */
  raiseFileLimit?: boolean;
  /** Another program than Deno (e.g. `node`): `args` are passed to it as they are, `denoFlags` ignored. */
  executable?: string;
}

/** A child whose stdout lines are queued for whoever waits on them, and whose stderr is kept for errors. */
export class ChildProc {
  readonly child: Deno.ChildProcess;
  readonly pid: number;
  readonly name: string;
  readonly stderrTail: string[] = [];
  readonly stdoutTail: string[] = [];
  readonly status: Promise<Deno.CommandStatus>;
  exited = false;
  #lines: string[] = [];
  #wake?: () => void;
  #stdin?: WritableStreamDefaultWriter<Uint8Array>;
  #pumps: Promise<void>[];

  constructor(name: string, opts: SpawnOptions) {
    this.name = name;
    const program = opts.executable ?? Deno.execPath();
    const programArgs = opts.executable ? opts.args : ["run", "-A", ...(opts.denoFlags ?? []), ...opts.args];
    // `exec` keeps the pid: the shell only raises the limit, then becomes the program.
    const [cmd, args] = opts.raiseFileLimit && Deno.build.os === "linux"
      ? ["/bin/sh", ["-c", 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$0" "$@"', program, ...programArgs]]
      : [program, programArgs];
    this.child = new Deno.Command(cmd, {
      args,
      cwd: ROOT,
      env: opts.env,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.pid = this.child.pid;
    live.add(this);
    this.#stdin = this.child.stdin.getWriter();
    this.#pumps = [
      this.#pump(this.child.stdout, (line) => {
        keep(this.stdoutTail, line);
        this.#lines.push(line);
        this.#wake?.();
      }),
      this.#pump(this.child.stderr, (line) => keep(this.stderrTail, line)),
    ];
    this.status = this.child.status.then(async (s) => {
      this.exited = true;
      live.delete(this);
      this.#wake?.();
      await Promise.allSettled(this.#pumps);
      return s;
    });
  }

  async #pump(stream: ReadableStream<Uint8Array>, onLine: (line: string) => void): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = "";
    for await (const chunk of stream) {
      buffer += decoder.decode(chunk, { stream: true });
      let nl: number;
      while ((nl = buffer.indexOf("\n")) >= 0) {
        onLine(buffer.slice(0, nl));
        buffer = buffer.slice(nl + 1);
      }
    }
    if (buffer) onLine(buffer);
  }

  /** The next stdout line for which `pick` returns a value, skipping others; bounded by timeoutMs. */
  async nextLine<T>(pick: (line: string) => T | undefined, timeoutMs: number, what: string): Promise<T> {
    const until = performance.now() + timeoutMs;
    while (true) {
      while (this.#lines.length > 0) {
        const got = pick(this.#lines.shift()!);
        if (got !== undefined) return got;
      }
      if (this.exited) throw new Error(`${this.name} exited while waiting for ${what}${this.diagnostics()}`);
      const left = until - performance.now();
      if (left <= 0) throw new Error(`${this.name}: no ${what} within ${timeoutMs} ms${this.diagnostics()}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 1000));
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = undefined;
    }
  }

  async send(obj: unknown): Promise<void> {
    await this.#stdin?.write(new TextEncoder().encode(JSON.stringify(obj) + "\n"));
  }

  diagnostics(): string {
    const tail = [...this.stderrTail.slice(-8), ...this.stdoutTail.slice(-4)].join("\n  ");
    return tail ? `\n  ${tail}` : "";
  }

  /** SIGTERM, then SIGKILL if it has not exited in `graceMs`; always reaps the process and its pipes. */
  async stop(graceMs = 5000): Promise<Deno.CommandStatus> {
    try {
      await this.#stdin?.close();
    } catch {
      // already closed by the child exiting
    }
    this.#stdin = undefined;
    if (!this.exited) {
      try {
        this.child.kill("SIGTERM");
      } catch {
        // exited meanwhile
      }
      const timer = setTimeout(() => {
        try {
          if (!this.exited) this.child.kill("SIGKILL");
        } catch {
          // exited meanwhile
        }
      }, graceMs);
      const s = await this.status;
      clearTimeout(timer);
      return s;
    }
    return await this.status;
  }

  /** Closes stdin and waits for a voluntary exit (bounded), then stops it. */
  async finish(timeoutMs = 10_000): Promise<Deno.CommandStatus> {
    try {
      await this.#stdin?.close();
    } catch {
      // already closed
    }
    this.#stdin = undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<"timeout">((r) => timer = setTimeout(() => r("timeout"), timeoutMs));
    const first = await Promise.race([this.status, timedOut]);
    clearTimeout(timer);
    return first === "timeout" ? await this.stop() : first;
  }
}

function keep(lines: string[], line: string): void {
  lines.push(line);
  if (lines.length > MAX_KEPT_LINES) lines.shift();
}

function parseJsonLine(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith("{")) return undefined;
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

/** A driver process (bench/driver.ts) with typed commands and reports. */
export class DriverProc extends ChildProc {
  constructor(name: string, maxSeconds = 1800) {
    super(name, { args: ["bench/driver.ts", "--max-seconds", String(maxSeconds)], raiseFileLimit: true });
  }

  /** Waits for the report of the given type; a driver `error` report fails the wait. */
  expect<T extends DriverReport["type"]>(
    type: T,
    timeoutMs: number,
  ): Promise<Extract<DriverReport, { type: T }>> {
    return this.nextLine(
      (line) => {
        const r = parseJsonLine(line) as DriverReport | undefined;
        if (!r) return undefined;
        if (r.type === "error" && type !== "error") throw new Error(`${this.name}: ${r.message}`);
        return r.type === type ? r as Extract<DriverReport, { type: T }> : undefined;
      },
      timeoutMs,
      `${type} report`,
    );
  }

  command(cmd: DriverCommand): Promise<void> {
    return this.send(cmd);
  }
}

/** Starts a server that prints `{"type":"listening","port":N}` on stdout, and waits for that line. */
export async function startListeningProc(
  name: string,
  opts: SpawnOptions,
): Promise<{ proc: ChildProc; port: number }> {
  const proc = new ChildProc(name, { raiseFileLimit: true, ...opts });
  try {
    const port = await proc.nextLine(
      (line) => {
        const r = parseJsonLine(line);
        return r?.type === "listening" ? Number(r.port) : undefined;
      },
      30_000,
      "listening line",
    );
    return { proc, port };
  } catch (err) {
    await proc.stop();
    throw err;
  }
}

/** Starts bench/bare_server.ts and waits for its port. */
export function startBareProc(denoFlags: string[] = []): Promise<{ proc: ChildProc; port: number }> {
  return startListeningProc("bare server", {
    args: ["bench/bare_server.ts", "--exit-on-stdin-eof"],
    denoFlags,
  });
}

/** A free TCP port on 127.0.0.1 (the tiny race with another binder is acceptable for a bench). */
export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** Polls until something accepts TCP on the port; fails early if the process died. */
export async function waitForPort(port: number, proc: ChildProc, timeoutMs: number): Promise<void> {
  const until = performance.now() + timeoutMs;
  while (performance.now() < until) {
    if (proc.exited) throw new Error(`${proc.name} exited before listening on ${port}${proc.diagnostics()}`);
    try {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      conn.close();
      return;
    } catch {
      await sleep(100);
    }
  }
  throw new Error(`${proc.name}: nothing listening on ${port} after ${timeoutMs} ms${proc.diagnostics()}`);
}

/** Resident memory of a process in KiB (VmRSS), or undefined where /proc is not available. */
export function rssKiB(pid: number): number | undefined {
  return procStatusField(pid, "VmRSS");
}
/** Peak resident memory (VmHWM) in KiB. */
export function peakRssKiB(pid: number): number | undefined {
  return procStatusField(pid, "VmHWM");
}

function procStatusField(pid: number, field: string): number | undefined {
  try {
    const text = Deno.readTextFileSync(`/proc/${pid}/status`);
    const m = text.match(new RegExp(`^${field}:\\s+(\\d+) kB`, "m"));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** CPU time (user + system) a process has used, in seconds, from /proc/PID/stat. */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    // Fields after the command name, which is in parentheses and may contain spaces.
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(rest[11]) + Number(rest[12]); // utime, stime (fields 14 and 15)
    return ticks / 100; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

/** CPU time all processes of the machine have used, in seconds (busy time from /proc/stat). */
export function machineCpuSeconds(): number | undefined {
  try {
    const line = Deno.readTextFileSync("/proc/stat").split("\n")[0];
    const [user, nice, system, _idle, _iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(
      Number,
    );
    return (user + nice + system + irq + softirq + steal) / 100;
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds of each thread of a process, from /proc/PID/task/TID/stat: the thread with the process's
 * own id (the main thread: JavaScript's event loop in Deno and Node) under "main thread", every other
 * under its name (comm), same names summed. Undefined where /proc is not available.
 */
export function threadCpuSeconds(pid: number): Map<string, number> | undefined {
  try {
    const out = new Map<string, number>();
    for (const entry of Deno.readDirSync(`/proc/${pid}/task`)) {
      let stat: string;
      try {
        stat = Deno.readTextFileSync(`/proc/${pid}/task/${entry.name}/stat`);
      } catch {
        continue; // the thread ended meanwhile
      }
      const name = Number(entry.name) === pid
        ? "main thread"
        : stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      out.set(name, (out.get(name) ?? 0) + (Number(rest[11]) + Number(rest[12])) / 100);
    }
    return out;
  } catch {
    return undefined;
  }
}
