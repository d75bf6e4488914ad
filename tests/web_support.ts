/**
 * Shared by the portal's end-to-end tests: the real system (CSMS + portal on
 * free ports, a temp DATA_DIR, each built from its own entry module and joined
 * by the in-process bus and the CSMS's read model), signed-in portal sessions
 * that use the real sign-in API, and real simulated chargers run as
 * subprocesses of charger/main.ts.
 */
import { type SignedIn, signIn, TestSession } from "../web/testing/session.ts";
import { fileURLToPath } from "node:url";
import { io, type ManagerOptions, type Socket, type SocketOptions } from "socket.io-client";
import { MemoryBus } from "../shared/bus_memory.ts";
import { RedisBus } from "../shared/bus_redis.ts";
import type { Bus, BusEvent } from "../shared/events.ts";
import type { CsmsReads } from "../shared/queries.ts";
import { type CsmsNode, startCsmsNode } from "../csms/main.ts";
import type { AuthOptions } from "../web/auth/service.ts";
import type { BridgeOptions } from "../web/bridge.ts";
import type { ClientToServerEvents, ServerToClientEvents } from "../web/lib/protocol.ts";
import { startPortal } from "../web/main.ts";
import type { WebServer } from "../web/server.ts";

export const ROOT = fileURLToPath(new URL("../", import.meta.url));

export { waitFor } from "./wait.ts";
import { waitFor } from "./wait.ts";
import { releaseEngines, teeEvents, testEnginesFor } from "./cluster_support.ts";

/** The admin password every test system starts with (ADMIN_PASSWORD). */
export const ADMIN_PASSWORD = "test-admin-password";

export interface TestSystem {
  csms: CsmsNode;
  /** The portal now (restartWeb replaces it). */
  web: WebServer;
  /** Stops the portal and starts a new one on the same port, with the CSMS running on throughout. */
  restartWeb(): Promise<void>;
  /**
   * The bus, as another portal would use it: the in-process bus both halves share, or under
   * CHARGEWIRE_TEST_ENGINES=postgres-redis a Redis bus of the test's own.
   */
  bus: Bus;
  /** The read model the portal reads (the CSMS's storage's), for tests that look into storage. */
  reads: CsmsReads;
  /** Every Bus event so far, for assertions and for diagnostics. */
  events: BusEvent[];
  dataDir: string;
  /** Signs in over the real API (POST /api/v1/session); admin with ADMIN_PASSWORD by default. */
  login(username?: string, password?: string): Promise<PortalSession>;
  close(): Promise<void>;
}

/**
 * The CSMS runs one event loop unless `env` asks for more (CSMS_WORKERS), whatever the default: each loop is
 * a thread that loads the whole CSMS. tests/csms_workers_test.ts runs several.
 */
export async function startSystem(
  env: Record<string, string> = {},
  options: { bridge?: BridgeOptions; auth?: AuthOptions } = {},
): Promise<TestSystem> {
  const dataDir = await Deno.makeTempDir({ prefix: "chargewire_web_test_" });
  // Under CHARGEWIRE_TEST_ENGINES=postgres-redis: the CSMS and the portal each on their own Redis bus and
  // PostgreSQL pool, as separate processes would be, on a database and Redis number of this system's own.
  const engines = await testEnginesFor(dataDir);
  const events: BusEvent[] = [];
  let bus: Bus | undefined;
  let csms: CsmsNode;
  try {
    if (engines) {
      bus = await RedisBus.connect(engines.env.REDIS_URL, {
        node: `test-${crypto.randomUUID().slice(0, 8)}`,
      });
      csms = await startCsmsNode({
        CSMS_WORKERS: "1",
        CSMS_PORT: "0",
        DATA_DIR: dataDir,
        HOST: "127.0.0.1",
        ...engines.env,
        ...env,
      });
      // A lone loop's events are taken as it publishes them; several loops publish on buses of their own,
      // and their events are read back from Redis.
      if (csms.loops) csms.bus.subscribe((e) => events.push(e));
      else teeEvents(csms.bus, events);
      // Serving on the bus (its subscriptions and lease) comes a moment after start.
      // With CSMS_WORKERS > 1 each loop is a node of its own on Redis.
      const nodes = csms.loops ?? [csms.node];
      const redis = bus as RedisBus;
      await waitFor(async () => {
        const live = await redis.liveNodes();
        return nodes.every((n) => live.includes(n));
      }, "the CSMS node to serve");
    } else {
      bus = new MemoryBus();
      bus.subscribe((e) => events.push(e));
      csms = await startCsmsNode({
        CSMS_WORKERS: "1",
        CSMS_PORT: "0",
        DATA_DIR: dataDir,
        HOST: "127.0.0.1",
        ...env,
      }, {
        bus,
      });
    }
  } catch (err) {
    await bus?.close();
    await releaseEngines(dataDir);
    throw err;
  }
  const theBus = bus;
  const reads = csms.storage.reads;
  const portal = (port: string) =>
    startPortal(
      { WEB_PORT: port, HOST: "127.0.0.1", DATA_DIR: dataDir, ADMIN_PASSWORD, ...engines?.env, ...env },
      engines
        // Its own bus and read model (opened from REDIS_URL and DATABASE_URL).
        ? { ocppUrl: csms.url, bridge: options.bridge, auth: options.auth }
        : { bus: theBus, reads, ocppUrl: csms.url, bridge: options.bridge, auth: options.auth },
    );
  let web: WebServer;
  try {
    web = await portal("0");
  } catch (err) {
    await csms.close();
    await theBus.close();
    await releaseEngines(dataDir);
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
    bus: theBus,
    reads,
    events,
    dataDir,
    login: (username = "admin", password = ADMIN_PASSWORD) =>
      PortalSession.login(web.url, username, password),
    async close() {
      await web.close();
      await csms.close();
      await theBus.close();
      await releaseEngines(dataDir);
      await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    },
  };
}

export type PortalSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

// deno-lint-ignore no-explicit-any
export type Json = any;

/**
 * A signed-in portal user, as a script or another front would be: the session cookie on every request,
 * the session's CSRF token and the portal's Origin on writes, and Socket.IO handshakes with the cookie.
 */
export class PortalSession extends TestSession {
  /** The portal's address, e.g. http://127.0.0.1:8000. */
  readonly base: string;

  constructor(base: string, who: SignedIn) {
    super((path, init) => fetch(`${base}${path}`, init), base, who);
    this.base = base;
  }

  static async login(base: string, username: string, password: string): Promise<PortalSession> {
    return new PortalSession(
      base,
      await signIn((path, init) => fetch(`${base}${path}`, init), base, username, password),
    );
  }

  protected as(username: string, password: string): Promise<this> {
    return PortalSession.login(this.base, username, password) as Promise<this>;
  }

  /** A socket.io-client socket that hands over the session cookie (and the portal's Origin) in its handshake. */
  socket(options: Partial<ManagerOptions & SocketOptions> = {}): PortalSocket {
    return io(this.base, {
      transports: ["websocket"],
      reconnection: false,
      forceNew: true,
      ...options,
      extraHeaders: { cookie: this.cookie, origin: this.base, ...options.extraHeaders },
    });
  }
}

/**
 * A charger with a car that fills in about two minutes (1 kWh at 22 kW from 20 %): a test sees the battery
 * move. Real time: a lone charger's lively default (60×) would fill it before a page is open.
 */
export const QUICK_CAR_ARGS: readonly string[] = [
  "--battery-kwh",
  "1",
  "--power-kw",
  "22",
  "--soc",
  "20",
  "--speed",
  "1",
];

/** A simulated charger: `deno run -A charger/main.ts --id ... --url ...` in its own process. */
export class ChargerProcess {
  readonly output: string[] = [];
  readonly #child: Deno.ChildProcess;
  readonly #drained: Promise<void>;

  /** `id` null: the args name the chargers (a fleet with --count and --id-prefix). */
  constructor(readonly id: string | null, url: string, args: readonly string[] = []) {
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
