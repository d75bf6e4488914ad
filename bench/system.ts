/**
 * The servers a scenario measures, each its own process on 127.0.0.1 with fresh free ports and a fresh
 * data directory: the bare baseline, the CSMS alone (csms/main.ts) or the whole system, CSMS plus portal
 * in one process (main.ts, what `deno task dev` runs).
 */
import { nodeExecutable, startNodeServer } from "./node_servers.ts";
import { ChildProc, freePort, startBareProc, waitForPort } from "./procs.ts";
import { Inspector, inspectorUrl } from "./profile.ts";

/**
 * bare: bench/bare_server.ts on Deno; peer: npm `ocpp-rpc` strict on Node; node: bare npm `ws` on Node;
 * csms: the CSMS alone; full: CSMS + portal; cluster: CSMS nodes on PostgreSQL + Redis.
 */
export type SystemKind = "bare" | "peer" | "node" | "csms" | "full" | "cluster";

export interface RunningSystem {
  kind: SystemKind;
  proc: ChildProc;
  /** ws://127.0.0.1:PORT/ocpp; chargers connect to `${ocppUrl}/${id}`. */
  ocppUrl: string;
  /**
   * A cluster's every server process (CSMS nodes, then portal nodes); unset: `proc` alone. Their CPU and
   * memory are summed; the scenario fails if any of them dies.
   */
  procs?: ChildProc[];
  /** A cluster's OCPP endpoints, one per CSMS node; drivers split their chargers over them. */
  ocppUrls?: string[];
  /** A cluster's PostgreSQL database. */
  dbUrl?: string;
  /** A cluster's Redis, with its database number. */
  redisUrl?: string;
  /** The portal (full only). */
  webUrl?: string;
  /** The portal's `admin` password for this run (full only): the bench signs in with it. */
  adminPassword?: string;
  /** With `profile`: the inspector session to take CPU profiles through. */
  inspector?: Inspector;
  stop(): Promise<void>;
}

const ROOT = new URL("..", import.meta.url);
const STARTUP_MS = 120_000;

export interface StartOptions {
  /** Run under the inspector so that CPU profiles can be taken. */
  profile?: boolean;
  /** V8 flags for the server process (e.g. --max-semi-space-size=1), as `deno run --v8-flags=...`. */
  v8Flags?: string;
  /** Extra environment for the system (e.g. PING_INTERVAL). */
  env?: Record<string, string>;
}

/** Whether the parts a kind needs exist yet (other engineers may still be writing them). */
export function missingParts(kind: SystemKind): string[] {
  if (kind === "peer" || kind === "node") return nodeExecutable() ? [] : ["node (not on PATH; set NODE)"];
  const need = kind === "bare"
    ? []
    : kind === "csms"
    ? ["csms/main.ts"]
    : kind === "cluster"
    ? ["csms/main.ts", "web/main.ts", "csms/store/postgres/storage.ts", "shared/bus_redis.ts"]
    : ["main.ts", "csms/server.ts", "web/server.ts"];
  return need.filter((p) => {
    try {
      return !Deno.statSync(new URL(p, ROOT)).isFile;
    } catch {
      return true;
    }
  });
}

/** Every server process of a system: the cluster's nodes, or the one process. */
export function serverProcs(sys: RunningSystem): ChildProc[] {
  return sys.procs ?? [sys.proc];
}

/** Every OCPP endpoint of a system: one per CSMS node. */
export function ocppEndpoints(sys: RunningSystem): string[] {
  return sys.ocppUrls ?? [sys.ocppUrl];
}

export async function startSystem(
  kind: Exclude<SystemKind, "cluster">,
  opts: StartOptions = {},
): Promise<RunningSystem> {
  const denoFlags = [
    ...(opts.profile ? ["--inspect=127.0.0.1:0"] : []),
    ...(opts.v8Flags ? [`--v8-flags=${opts.v8Flags}`] : []),
  ];
  if (kind === "bare") {
    const { proc, port } = await startBareProc(denoFlags);
    const inspector = opts.profile ? await Inspector.connect(await inspectorUrl(proc)) : undefined;
    return {
      kind,
      proc,
      ocppUrl: `ws://127.0.0.1:${port}/ocpp`,
      inspector,
      stop: async () => {
        inspector?.close();
        await proc.stop();
      },
    };
  }
  if (kind === "peer" || kind === "node") {
    const { proc, port } = await startNodeServer(kind);
    return { kind, proc, ocppUrl: `ws://127.0.0.1:${port}/ocpp`, stop: async () => void await proc.stop() };
  }
  const missing = missingParts(kind);
  if (missing.length > 0) throw new Error(`not built yet: ${missing.join(", ")}`);
  const dataDir = await Deno.makeTempDir({ prefix: "chargewire-bench-" });
  const csmsPort = freePort();
  const webPort = kind === "full" ? freePort() : undefined;
  // A fresh password each run: the portal's `admin` gets it at start, and the bench's portal clients sign in.
  const adminPassword = webPort ? `bench-${crypto.randomUUID()}` : undefined;
  const env: Record<string, string> = {
    HOST: "127.0.0.1",
    CSMS_PORT: String(csmsPort),
    DATA_DIR: dataDir,
    ...(webPort ? { WEB_PORT: String(webPort), ADMIN_PASSWORD: adminPassword! } : {}),
    ...opts.env,
  };
  const proc = new ChildProc(kind === "csms" ? "chargewire csms" : "chargewire", {
    args: [kind === "csms" ? "csms/main.ts" : "main.ts"],
    env,
    raiseFileLimit: true,
    denoFlags,
  });
  const stop = async () => {
    await proc.stop(10_000);
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  };
  try {
    await waitForPort(csmsPort, proc, STARTUP_MS);
    if (webPort) await waitForPort(webPort, proc, STARTUP_MS);
    const inspector = opts.profile ? await Inspector.connect(await inspectorUrl(proc)) : undefined;
    return {
      kind,
      proc,
      ocppUrl: `ws://127.0.0.1:${csmsPort}/ocpp`,
      webUrl: webPort ? `http://127.0.0.1:${webPort}` : undefined,
      adminPassword,
      inspector,
      stop: async () => {
        inspector?.close();
        await stop();
      },
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * Signs in to the portal as `admin` and returns the headers a Socket.IO client needs (the session cookie),
 * or none when the portal has no sign-in (an older build answers 404).
 */
export async function portalHeaders(sys: RunningSystem): Promise<Record<string, string>> {
  if (!sys.webUrl || !sys.adminPassword) return {};
  const res = await fetch(`${sys.webUrl}/api/v1/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "admin", password: sys.adminPassword }),
  });
  await res.body?.cancel();
  if (res.status === 404) return {};
  if (!res.ok) throw new Error(`signing in to the portal failed: HTTP ${res.status}`);
  const cookies = res.headers.getSetCookie().map((c) => c.split(";")[0]);
  if (cookies.length === 0) throw new Error("the portal's sign-in set no cookie");
  return { cookie: cookies.join("; ") };
}
