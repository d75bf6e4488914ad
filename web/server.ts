/**
 * The portal's one HTTP server: node:http with Hono's request listener (via
 * @hono/node-server), and Socket.IO attached to the same server and port. The
 * portal's own database (users, sessions, API tokens, the audit log) opens here,
 * and the first admin is made sure of.
 */
import { type RoomSharing, shareRooms } from "./socket_cluster.ts";
import { createServer, type IncomingMessage } from "node:http";
import { createServer as createTlsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { getRequestListener } from "@hono/node-server";
import { Server as SocketServer } from "socket.io";
import type { Bus } from "../shared/events.ts";
import type { CsmsReads } from "../shared/queries.ts";
import { AuditLog } from "./audit/log.ts";
import { Auth, type AuthOptions, type BootstrapResult } from "./auth/service.ts";
import { createSocketGate } from "./auth/socket_gate.ts";
import { createApp } from "./app.ts";
import { loadAssets } from "./assets.ts";
import { attachBridge, type BridgeOptions, type BridgeServer } from "./bridge.ts";
import { ensureIslands } from "./bundle.ts";
import { RefusalCounter } from "./lib/refusal_stats.ts";
import type { WebConfig } from "./config.ts";
import { enableProcessMetrics, trackActiveTransactions, trackSocketClients } from "../shared/metrics.ts";

export interface WebDeps {
  bus: Bus;
  /** Every read of the fleet, its history, id tags and registrations (storage, not a CSMS's memory). */
  reads: CsmsReads;
  /** The CSMS's OCPP endpoint, shown to operators with an empty fleet. */
  ocppUrl?: string;
  bridge?: BridgeOptions;
  /** Session lifetimes and login limits (defaults in web/auth/). */
  auth?: AuthOptions;
}

export interface WebServer {
  port: number;
  url: string;
  /** What start-up did to user `admin`; a generated password is in it, to be shown this once. */
  admin: BootstrapResult;
  /** How start-up got the islands' build: "built" (the bundler ran) or "up to date" (read as it was). */
  assets: "built" | "up to date";
  close(): Promise<void>;
}

/** How often expired sessions are deleted and live connections' credentials checked again. */
const SWEEP_MS = 60_000;

export async function startWeb(config: WebConfig, deps: WebDeps): Promise<WebServer> {
  let auth: Auth;
  try {
    auth = await Auth.open(config, deps.auth);
  } catch (err) {
    throw new Error(`cannot open the portal's database in ${config.dataDir}: ${(err as Error).message}`);
  }
  let audit: AuditLog;
  try {
    audit = await AuditLog.open(config, { retentionDays: config.auditRetentionDays });
  } catch (err) {
    await auth.close();
    throw new Error(`cannot open the portal's audit log in ${config.dataDir}: ${(err as Error).message}`);
  }
  const closeStores = async () => {
    await audit.close();
    await auth.close();
  };
  let admin: BootstrapResult;
  let assets;
  let assetsBuilt = false;
  try {
    admin = await auth.bootstrap(config.adminPassword);
    if (admin.action === "created" || admin.action === "reset") {
      await audit.record({
        actor: "portal",
        actorKind: "system",
        action: "admin.bootstrap",
        target: "admin",
        detail: {
          result: admin.action,
          password: admin.generatedPassword ? "generated" : "ADMIN_PASSWORD",
        },
      });
    }
    await audit.prune();
    const islands = await ensureIslands();
    assetsBuilt = islands.built;
    assets = await loadAssets(islands);
  } catch (err) {
    await closeStores();
    throw err;
  }

  // Socket.IO takes over the server's request listeners when it attaches and passes on what is not its own,
  // so Hono's listener must be in place first; it forwards to the app once the app exists (before listening).
  // overrideGlobalObjects: false keeps Deno's own Request/Response globals, which the CSMS in the same process
  // (Deno.serve) relies on.
  const route: { fetch: (req: Request, env: unknown) => Response | Promise<Response> } = {
    fetch: () => new Response("starting", { status: 503 }),
  };
  // The env ({ incoming, outgoing }) carries the peer's address, which login rate limits key on.
  const listener = getRequestListener((req, env) => route.fetch(req, env), { overrideGlobalObjects: false });
  // With TLS_CERT and TLS_KEY the portal is https:// (and its session cookie Secure), like the CSMS's wss://.
  const httpServer = config.tls
    ? createTlsServer({ cert: config.tls.cert, key: config.tls.key }, listener)
    : createServer(listener);
  const gate = createSocketGate(auth, config.allowedOrigins);
  const io: BridgeServer = new SocketServer(httpServer, {
    serveClient: false,
    // A fleet snapshot is a few MB of repetitive JSON for 10,000 chargers; compressed it is a tenth of that.
    // Small messages (most updates) stay uncompressed, so the CPU cost is paid only where it pays off.
    perMessageDeflate: { threshold: 8192 },
    allowRequest: gate.allowRequest,
    // Fronts on other origins (ALLOWED_ORIGINS) may also use the long-polling transport, which needs CORS;
    // the portal's own pages are same-origin and need none.
    ...(config.allowedOrigins.length > 0
      ? { cors: { origin: config.allowedOrigins, credentials: true } }
      : {}),
  });
  let rooms: RoomSharing | undefined;
  let bridge;
  try {
    if (config.redisUrl !== undefined) rooms = await shareRooms(io, config.redisUrl, () => recheck());
    const identify = (s: { request: IncomingMessage }) => gate.principalOf(s.request);
    bridge = await attachBridge(io, deps.bus, deps.reads, identify, audit, deps.bridge);
  } catch (err) {
    io.close();
    await rooms?.close();
    await closeStores();
    throw err;
  }
  // Connections the CSMS refused, counted for GET /api/v1/stats.
  const refusals = new RefusalCounter();
  const unsubscribeRefusals = deps.bus.subscribe((e) => e.type === "charger.refused" && refusals.add(e));
  const recheck = () => void bridge?.recheck((p) => auth.recheck(p));
  // A logout, a revoked token or a changed role reaches live connections at once, on every portal node;
  // an expiry within a minute.
  const unwatch = auth.onChange(() => {
    recheck();
    rooms?.announceAuthChange();
  });
  const sweeper = setInterval(() => {
    auth.sweep();
    recheck();
    audit.prune();
  }, SWEEP_MS);
  const app = createApp({
    bus: deps.bus,
    reads: deps.reads,
    fleet: bridge.fleet,
    frames: bridge.frames,
    assets,
    auth,
    audit,
    allowedOrigins: config.allowedOrigins,
    chargerSnapshot: bridge.chargerSnapshot,
    socketStats: () => bridge.stats(),
    fleetHistory: () => bridge.fleetHistory(),
    refusalStats: () => refusals.stats(),
    ocppUrl: deps.ocppUrl,
    metrics: {
      enabled: config.metrics,
      ...(config.metricsToken !== undefined && { token: config.metricsToken }),
    },
  });
  if (config.metrics) enableProcessMetrics();
  // This node's own clients: with rooms shared through Redis, other nodes count theirs.
  const untrackClients = trackSocketClients(() => io.of("/").sockets.size);
  const untrackTransactions = trackActiveTransactions(async () =>
    (await deps.reads.listTransactions({ active: true, limit: 1 })).total
  );
  route.fetch = (req, env) => app.fetch(req, env as never);

  try {
    await new Promise<void>((resolve, reject) => {
      httpServer.once("error", reject);
      httpServer.listen(config.port, config.host, () => {
        httpServer.off("error", reject);
        resolve();
      });
    });
  } catch (err) {
    untrackClients();
    untrackTransactions();
    clearInterval(sweeper);
    unwatch();
    unsubscribeRefusals();
    bridge.close();
    io.close();
    await rooms?.close();
    await closeStores();
    throw new Error(`the portal cannot listen on ${config.host}:${config.port}: ${(err as Error).message}`);
  }
  const port = (httpServer.address() as AddressInfo).port;
  const shownHost = config.host === "0.0.0.0" || config.host === "::" ? "localhost" : config.host;
  const scheme = config.tls ? "https" : "http";
  const url = `${scheme}://${shownHost.includes(":") ? `[${shownHost}]` : shownHost}:${port}`;

  let closing: Promise<void> | undefined;
  return {
    port,
    url,
    admin,
    assets: assetsBuilt ? "built" : "up to date",
    close() {
      closing ??= (async () => {
        untrackClients();
        untrackTransactions();
        clearInterval(sweeper);
        unwatch();
        unsubscribeRefusals();
        bridge.close();
        // This node's sockets: with rooms shared through Redis, io.disconnectSockets would end every node's.
        io.local.disconnectSockets(true);
        const closed = new Promise<void>((resolve) => io.close(() => resolve()));
        // Browsers keep idle HTTP connections open; shutting down must not wait for them.
        httpServer.closeAllConnections();
        await closed;
        await rooms?.close();
        await closeStores();
      })();
      return closing;
    },
  };
}
