/**
 * The cluster's engines and processes for end-to-end tests.
 *
 * Engines: a fresh PostgreSQL database (`cw_test_t<seconds>_<random>`, made through PG_TEST_URL's database
 * and dropped after; one a test left behind is swept two hours on) and a Redis database number of its own (1..15, taken with a lock key in database 0 so that test
 * processes running at once never share one, flushed when taken and when given back). Pub/sub channels
 * carry the database number (shared/bus_redis.ts channelPrefix), so nothing crosses between them.
 *
 * CHARGEWIRE_TEST_ENGINES=postgres-redis runs the whole end-to-end suite on these engines: startSystem
 * (web_support.ts), startTestCsms and CsmsProcess (csms_support.ts) give each system its own (see
 * `testEnginesFor`); tests that inherently need SQLite files skip under it, saying why.
 *
 * Processes: `startCluster` starts N CSMS nodes (`csms/main.ts`) and M portal nodes (`web/main.ts`) as
 * child processes on one database and one Redis database, waits for each /readyz, and can stop
 * (SIGTERM) or kill (SIGKILL) each; their output is kept for a failing test's message.
 */
import postgres from "postgres";
import { Redis } from "ioredis";
import { fileURLToPath } from "node:url";
import type { Bus, BusEvent } from "../shared/events.ts";
import { inspect, pgUnavailable } from "../db/postgres_test_support.ts";
import { redisProblem } from "./redis_support.ts";
import { waitFor } from "./wait.ts";

export const PG_TEST_URL = Deno.env.get("PG_TEST_URL") ?? "postgres://postgres@127.0.0.1:5432/test";
/** Redis without a database number; the tests add theirs. */
export const REDIS_TEST_BASE = (Deno.env.get("REDIS_TEST_URL") ?? "redis://127.0.0.1:6379").replace(
  /\/\d*$/,
  "",
);
import { freePort } from "./ports.ts";

export { freePort };

const ROOT = fileURLToPath(new URL("../", import.meta.url));

/** The end-to-end suite's engines: "postgres-redis" or unset (SQLite and the in-process bus). */
export const TEST_ENGINES = Deno.env.get("CHARGEWIRE_TEST_ENGINES") ?? "";
if (TEST_ENGINES !== "" && TEST_ENGINES !== "postgres-redis") {
  throw new Error(`CHARGEWIRE_TEST_ENGINES must be postgres-redis or unset (got ${TEST_ENGINES})`);
}
export const ON_POSTGRES_REDIS = TEST_ENGINES === "postgres-redis";

/** Why the cluster tests cannot run here (PostgreSQL or Redis does not answer), or undefined. */
export const ENGINES_MISSING: string | undefined = await (async () => {
  const [pg, redis] = [pgUnavailable, await redisProblem(`${REDIS_TEST_BASE}/0`)];
  if (pg) return `PostgreSQL does not answer at ${new URL(PG_TEST_URL).host}: ${pg}`;
  if (redis) return `Redis does not answer at ${REDIS_TEST_BASE}: ${redis}`;
  return undefined;
})();
if (ON_POSTGRES_REDIS && ENGINES_MISSING) {
  // The switch asks for them: a run that silently fell back would prove nothing.
  throw new Error(`CHARGEWIRE_TEST_ENGINES=postgres-redis, but ${ENGINES_MISSING}`);
}

/** A PostgreSQL database of a test's own. */
export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** Databases of these helpers carry their creation time (cw_test_t<seconds>_<random>). */
const SWEEP_AFTER_S = 2 * 3600;

export async function createTestDatabase(): Promise<TestDatabase> {
  const now = Math.floor(Date.now() / 1000);
  const name = `cw_test_t${now}_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
  const admin = inspect(PG_TEST_URL);
  try {
    // A test that stopped its system without closing it (or a killed run) left its database: those of
    // these helpers older than two hours go now.
    const old = await admin`SELECT datname FROM pg_database WHERE datname ~ '^cw_test_t[0-9]+_'`;
    for (const { datname } of old) {
      if (now - Number(/^cw_test_t(\d+)_/.exec(datname)![1]) > SWEEP_AFTER_S) {
        await admin`DROP DATABASE IF EXISTS ${admin(datname)} WITH (FORCE)`.catch(() => {});
      }
    }
    await admin`CREATE DATABASE ${admin(name)}`;
  } finally {
    await admin.end({ timeout: 5 });
  }
  const url = new URL(PG_TEST_URL);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    name,
    url: url.toString(),
    async drop() {
      if (dropped) return;
      dropped = true;
      const sql = inspect(PG_TEST_URL);
      try {
        await sql`DROP DATABASE IF EXISTS ${sql(name)} WITH (FORCE)`;
      } finally {
        await sql.end({ timeout: 5 });
      }
    },
  };
}

/** A Redis database number of a test's own. */
export interface TestRedis {
  db: number;
  url: string;
  release(): Promise<void>;
}

const LOCK_PREFIX = "cw-test:redis-db-lock:";
/** A test process that dies keeps its number at most this long. */
const LOCK_MS = 30 * 60_000;

/**
 * Takes a free database number (1..15) with SET NX on a lock key in database 0, flushes it, and gives it
 * back flushed. Waits (bounded) while all are taken by other tests.
 */
export async function takeRedisDb(timeoutMs = 300_000): Promise<TestRedis> {
  const lock = new Redis(`${REDIS_TEST_BASE}/0`);
  const owner = crypto.randomUUID();
  try {
    const db = await waitFor(
      async () => {
        const start = 1 + Math.floor(Math.random() * 15);
        for (let i = 0; i < 15; i++) {
          const n = 1 + (start - 1 + i) % 15;
          if (await lock.set(`${LOCK_PREFIX}${n}`, owner, "PX", LOCK_MS, "NX") === "OK") return n;
        }
        return undefined;
      },
      "a free Redis database number (1..15)",
      timeoutMs,
      200,
    );
    const url = `${REDIS_TEST_BASE}/${db}`;
    await flush(url);
    let released = false;
    return {
      db,
      url,
      async release() {
        if (released) return;
        released = true;
        await flush(url);
        const r = new Redis(`${REDIS_TEST_BASE}/0`);
        try {
          await r.eval(
            `if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end return 0`,
            1,
            `${LOCK_PREFIX}${db}`,
            owner,
          );
        } finally {
          r.disconnect();
        }
      },
    };
  } finally {
    lock.disconnect();
  }
}

async function flush(url: string): Promise<void> {
  const r = new Redis(url);
  try {
    await r.flushdb();
  } finally {
    r.disconnect();
  }
}

/** One system's engines: DATABASE_URL and REDIS_URL for its processes, and their cleanup. */
export interface TestEngines {
  env: { DATABASE_URL: string; REDIS_URL: string };
  database: TestDatabase;
  redis: TestRedis;
  close(): Promise<void>;
}

export async function startEngines(): Promise<TestEngines> {
  const database = await createTestDatabase();
  let redis: TestRedis;
  try {
    redis = await takeRedisDb();
  } catch (err) {
    await database.drop();
    throw err;
  }
  return {
    env: { DATABASE_URL: database.url, REDIS_URL: redis.url },
    database,
    redis,
    async close() {
      await Promise.allSettled([database.drop(), redis.release()]);
    },
  };
}

/**
 * Under CHARGEWIRE_TEST_ENGINES=postgres-redis: the engines of the system whose data lives in `dataDir`
 * (a CSMS restarted on the same DATA_DIR finds its database again), made on first use; `releaseEngines`
 * drops them. Unset: undefined, and the system runs on SQLite and the in-process bus as before.
 */
export async function testEnginesFor(dataDir: string): Promise<TestEngines | undefined> {
  if (!ON_POSTGRES_REDIS) return undefined;
  let engines = byDataDir.get(dataDir);
  if (!engines) {
    engines = startEngines();
    byDataDir.set(dataDir, engines);
    engines.catch(() => byDataDir.delete(dataDir));
  }
  return await engines;
}

export async function releaseEngines(dataDir: string): Promise<void> {
  const engines = byDataDir.get(dataDir);
  byDataDir.delete(dataDir);
  await (await engines?.catch(() => undefined))?.close();
}

const byDataDir = new Map<string, Promise<TestEngines>>();

/**
 * Copies what `bus` publishes into `events` as it is published (the in-process bus's listeners hear it
 * at once; through Redis it would come a round trip later, and tests read `events` right after a call).
 */
export function teeEvents(bus: Bus, events: BusEvent[]): void {
  const publish = bus.publish.bind(bus);
  bus.publish = (event) => {
    events.push(event);
    publish(event);
  };
}

/**
 * For a test that inherently needs SQLite files (the data dir's databases, their WAL, SQLite migrations):
 * under postgres-redis it is ignored, and says why in one line.
 */
export function needsSqlite(what: string): boolean {
  if (!ON_POSTGRES_REDIS) return false;
  console.log(`skipping a test under CHARGEWIRE_TEST_ENGINES=postgres-redis: it reads ${what}`);
  return true;
}

// --- processes ----------------------------------------------------------------------------------------------

export type NodeKind = "csms" | "web";

/** One node (`csms/main.ts` or `web/main.ts`) as a child process. */
export class NodeProcess {
  /** Every line it printed (stdout and stderr), the last 2000. */
  readonly output: string[] = [];
  exited?: Deno.CommandStatus;
  readonly #child: Deno.ChildProcess;
  readonly #done: Promise<Deno.CommandStatus>;

  constructor(
    readonly kind: NodeKind,
    readonly name: string,
    readonly port: number,
    env: Record<string, string>,
  ) {
    this.#child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", `${ROOT}${kind}/main.ts`],
      cwd: ROOT,
      env: { NO_COLOR: "1", ...env },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const streams = Promise.all([this.#collect(this.#child.stdout), this.#collect(this.#child.stderr)]);
    this.#done = this.#child.status.then(async (s) => {
      this.exited = s;
      await streams;
      return s;
    });
  }

  async #collect(stream: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let partial = "";
    for await (const bytes of stream) {
      const lines = (partial + decoder.decode(bytes, { stream: true })).split("\n");
      partial = lines.pop()!;
      this.output.push(...lines);
      if (this.output.length > 2000) this.output.splice(0, this.output.length - 2000);
    }
    if (partial) this.output.push(partial);
  }

  get pid(): number {
    return this.#child.pid;
  }

  /** http://127.0.0.1:port */
  get http(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** A CSMS node's OCPP endpoint base (chargers connect to `${ocppUrl}/${id}`). */
  get ocppUrl(): string {
    return `ws://127.0.0.1:${this.port}/ocpp`;
  }

  /**
   * Whether presence naming `node` is this CSMS process's: its NODE_ID, or one of its event loops'
   * (`NODE_ID.1`, `NODE_ID.2`, … with CSMS_WORKERS > 1, the default on a machine of several cores).
   */
  holds(node: string | undefined): boolean {
    return node === this.name || (node?.startsWith(`${this.name}.`) ?? false);
  }

  /** Waits until GET /readyz answers 200 (or the process exits: then it throws with its output). */
  async ready(timeoutMs = 60_000): Promise<void> {
    await waitFor(
      async () => {
        if (this.exited) throw new Error(`${this.name} exited (${this.exited.code}):\n${this.tail()}`);
        try {
          const res = await fetch(`${this.http}/readyz`);
          await res.body?.cancel();
          return res.status === 200;
        } catch {
          return false;
        }
      },
      () => `${this.name} to be ready:\n${this.tail()}`,
      timeoutMs,
      100,
    );
  }

  /** The last lines it printed. */
  tail(n = 30): string {
    return this.output.slice(-n).map((l) => `  [${this.name}] ${l}`).join("\n");
  }

  signal(signal: Deno.Signal): void {
    try {
      this.#child.kill(signal);
    } catch { /* already gone */ }
  }

  /** SIGTERM (a clean stop) and wait for the exit. */
  async stop(): Promise<Deno.CommandStatus> {
    this.signal("SIGTERM");
    return await this.#done;
  }

  /** SIGKILL and wait for the exit. */
  async kill(): Promise<Deno.CommandStatus> {
    this.signal("SIGKILL");
    return await this.#done;
  }

  status(): Promise<Deno.CommandStatus> {
    return this.#done;
  }
}

export const CLUSTER_ADMIN_PASSWORD = "cluster-admin-password";

export interface ClusterOptions {
  csms?: number;
  web?: number;
  /** Extra environment for every node (and per kind). */
  env?: Record<string, string>;
  csmsEnv?: Record<string, string>;
  webEnv?: Record<string, string>;
}

/** N CSMS nodes and M portal nodes on one fresh PostgreSQL database and one Redis database number. */
export class Cluster {
  readonly csms: NodeProcess[] = [];
  readonly web: NodeProcess[] = [];

  private constructor(
    readonly engines: TestEngines,
    /** The portal nodes' shared DATA_DIR (portal.db: users and sessions). */
    readonly dataDir: string,
    private readonly options: ClusterOptions,
  ) {}

  static async start(options: ClusterOptions = {}): Promise<Cluster> {
    const engines = await startEngines();
    const dataDir = await Deno.makeTempDir({ prefix: "cw_cluster_" });
    const cluster = new Cluster(engines, dataDir, options);
    try {
      // One CSMS node first: it migrates the schema the portal nodes read (the others start alongside).
      for (let i = 0; i < (options.csms ?? 2); i++) await cluster.addCsms();
      // The portal nodes one after the other: two bootstrapping admin at once on one fresh portal.db race
      // (the losing node exits on users.username's UNIQUE); branch i12-portal-pg makes that safe.
      for (let i = 0; i < (options.web ?? 2); i++) await cluster.addWeb();
    } catch (err) {
      await cluster.close();
      throw err;
    }
    return cluster;
  }

  get databaseUrl(): string {
    return this.engines.env.DATABASE_URL;
  }

  get redisUrl(): string {
    return this.engines.env.REDIS_URL;
  }

  #env(kind: NodeKind): Record<string, string> {
    return {
      HOST: "127.0.0.1",
      ...this.engines.env,
      ...this.options.env,
      ...(kind === "csms" ? this.options.csmsEnv : this.options.webEnv),
    };
  }

  /** Starts one more CSMS node (NODE_ID csms-<n>, or `name`) and waits until it is ready. */
  async addCsms(name = `csms-${this.csms.length + 1}`, port = freePort()): Promise<NodeProcess> {
    const node = new NodeProcess("csms", name, port, {
      ...this.#env("csms"),
      NODE_ID: name,
      // Two event loops per node (CSMS_WORKERS), so that loops as nodes on Redis are covered: presence is
      // per loop, NODE_ID.i.
      CSMS_WORKERS: "2",
      CSMS_PORT: String(port),
      // The CSMS's own files (none on PostgreSQL, but DATA_DIR is where it would look).
      DATA_DIR: this.dataDir,
    });
    this.csms.push(node);
    await node.ready();
    return node;
  }

  /** Starts one more portal node on the shared DATA_DIR and waits until it is ready. */
  async addWeb(name = `web-${this.web.length + 1}`, port = freePort()): Promise<NodeProcess> {
    const node = new NodeProcess("web", name, port, {
      ...this.#env("web"),
      WEB_PORT: String(port),
      DATA_DIR: this.dataDir,
      ADMIN_PASSWORD: CLUSTER_ADMIN_PASSWORD,
    });
    this.web.push(node);
    await node.ready();
    return node;
  }

  /** Every node's last lines, for a failing test's message. */
  diagnostics(n = 30): string {
    return [...this.csms, ...this.web].map((p) =>
      `--- ${p.name} (pid ${p.pid}${p.exited ? `, exited ${p.exited.code}/${p.exited.signal}` : ""})\n${
        p.tail(n)
      }`
    ).join("\n");
  }

  /** A plain connection to the cluster's database, for tests that compare what was stored. */
  sql(): postgres.Sql {
    return postgres(this.databaseUrl, { max: 2, onnotice: () => {} });
  }

  /** Stops every node (SIGTERM, then SIGKILL for one that does not go), drops the engines and the dir. */
  async close(): Promise<void> {
    await Promise.all([...this.csms, ...this.web].map(async (p) => {
      if (p.exited) return;
      p.signal("SIGTERM");
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        p.status(),
        new Promise((r) => timer = setTimeout(r, 10_000)),
      ]);
      clearTimeout(timer);
      if (!p.exited) await p.kill();
    }));
    await this.engines.close();
    await Deno.remove(this.dataDir, { recursive: true }).catch(() => {});
  }
}

/**
 * The load balancer in front of the CSMS nodes, as small as it gets: a TCP proxy on a free port that
 * sends each new connection to the first backend that accepts it, in order, and pipes bytes both ways;
 * when either side closes, so does the other. `hold` makes it close new connections at once (no backend
 * for now), e.g. to keep chargers away until a dead node's presence has expired.
 */
export class FailoverProxy {
  hold = false;
  readonly port: number;
  readonly #listener: Deno.TcpListener;
  readonly #conns = new Set<Deno.Conn>();

  constructor(readonly backends: number[]) {
    this.#listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    this.port = (this.#listener.addr as Deno.NetAddr).port;
    this.#accept();
  }

  async #accept(): Promise<void> {
    try {
      for await (const client of this.#listener) this.#serve(client);
    } catch { /* closed */ }
  }

  async #serve(client: Deno.Conn): Promise<void> {
    let backend: Deno.Conn | undefined;
    if (!this.hold) {
      for (const port of this.backends) {
        try {
          backend = await Deno.connect({ hostname: "127.0.0.1", port });
          break;
        } catch { /* not there: the next */ }
      }
    }
    if (!backend) {
      client.close();
      return;
    }
    this.#conns.add(client);
    this.#conns.add(backend);
    const close = () => {
      for (const c of [client, backend!]) {
        if (this.#conns.delete(c)) {
          try {
            c.close();
          } catch { /* closed */ }
        }
      }
    };
    const pipe = async (from: Deno.Conn, to: Deno.Conn) => {
      try {
        await from.readable.pipeTo(to.writable, { preventClose: true, preventCancel: true });
      } catch { /* reset */ }
      close();
    };
    await Promise.all([pipe(client, backend), pipe(backend, client)]);
  }

  close(): void {
    this.#listener.close();
    for (const c of this.#conns) {
      try {
        c.close();
      } catch { /* closed */ }
    }
    this.#conns.clear();
  }
}
