/**
 * Shared by the portal's end-to-end tests: the real system (CSMS + portal on
 * free ports, a temp DATA_DIR, the in-process bus) and real simulated chargers
 * run as subprocesses of charger/main.ts.
 */
import { fileURLToPath } from "node:url";
import { MemoryBus } from "../shared/bus_memory.ts";
import type { BusEvent } from "../shared/events.ts";
import { loadCsmsConfig } from "../csms/config.ts";
import { type CsmsHandle, startCsms } from "../csms/server.ts";
import { loadWebConfig } from "../web/config.ts";
import { startWeb, type WebServer } from "../web/server.ts";

export const ROOT = fileURLToPath(new URL("../", import.meta.url));

/** Polls until `check` returns a truthy value; bounded, and never a timing assertion. */
export async function waitFor<T>(
  check: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  what: string | (() => string | Promise<string>),
  timeoutMs = 30_000,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (true) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${typeof what === "string" ? what : await what()}`,
      );
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export interface TestSystem {
  csms: CsmsHandle;
  /** The portal now (restartWeb replaces it). */
  web: WebServer;
  /** Stops the portal and starts a new one on the same port, with the CSMS running on throughout. */
  restartWeb(): Promise<void>;
  bus: MemoryBus;
  /** Every Bus event so far, for assertions and for diagnostics. */
  events: BusEvent[];
  dataDir: string;
  close(): Promise<void>;
}

export async function startSystem(env: Record<string, string> = {}): Promise<TestSystem> {
  const dataDir = await Deno.makeTempDir({ prefix: "chargewire_web_test_" });
  const bus = new MemoryBus();
  const events: BusEvent[] = [];
  bus.subscribe((e) => events.push(e));
  const csms = await startCsms(
    loadCsmsConfig({ CSMS_PORT: "0", DATA_DIR: dataDir, HOST: "127.0.0.1", ...env }),
    { bus },
  );
  const portal = (port: string) =>
    startWeb(loadWebConfig({ WEB_PORT: port, HOST: "127.0.0.1", ...env }), {
      bus,
      queries: csms.queries,
      ocppUrl: csms.url,
    });
  let web: WebServer;
  try {
    web = await portal("0");
  } catch (err) {
    await csms.close();
    throw err;
  }
  return {
    csms,
    get web() {
      return web;
    },
    async restartWeb() {
      const port = web.port;
      await web.close();
      web = await portal(String(port));
    },
    bus,
    events,
    dataDir,
    async close() {
      await web.close();
      await csms.close();
      await bus.close();
      await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    },
  };
}

/** A simulated charger: `deno run -A charger/main.ts --id ... --url ...` in its own process. */
export class ChargerProcess {
  readonly output: string[] = [];
  readonly #child: Deno.ChildProcess;
  readonly #drained: Promise<void>;

  /** `id` null: the args name the chargers (a fleet with --count and --id-prefix). */
  constructor(readonly id: string | null, url: string, args: string[] = []) {
    this.#child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        `${ROOT}charger/main.ts`,
        ...(id === null ? [] : ["--id", id]),
        "--url",
        url,
        "--log",
        "json",
        ...args,
      ],
      cwd: ROOT,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1" },
    }).spawn();
    // Both pipes are read to the end, or a chatty charger would block on a full pipe.
    this.#drained = Promise.all([this.#collect(this.#child.stdout), this.#collect(this.#child.stderr)]).then(
      () => {},
    );
  }

  async #collect(stream: ReadableStream<Uint8Array>) {
    const decoder = new TextDecoder();
    let partial = "";
    for await (const bytes of stream) {
      const lines = (partial + decoder.decode(bytes, { stream: true })).split("\n");
      partial = lines.pop()!;
      this.output.push(...lines.filter((l) => l.trim() !== ""));
      if (this.output.length > 500) this.output.splice(0, this.output.length - 500);
    }
    if (partial.trim()) this.output.push(partial);
  }

  /** The last lines the charger printed, for a failing test's message. */
  tail(n = 20): string {
    return this.output.slice(-n).join("\n");
  }

  /** Stops the process (SIGTERM) and waits for it; calling it again is harmless. */
  async stop(): Promise<void> {
    try {
      this.#child.kill("SIGTERM");
    } catch {
      // already gone
    }
    await this.#child.status;
    await this.#drained;
  }
}
