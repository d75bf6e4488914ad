/**
 * The CSMS node: an HTTP server whose only route is the OCPP-J WebSocket
 * endpoint `ws://HOST:PORT/ocpp/{chargePointId}`, the per-charger sessions
 * behind it (made by each protocol's adapter), the storage, and the bus
 * through which portals see events, send commands and make admin changes.
 */
import { healthResponse, readiness } from "../shared/health.ts";
import { logger } from "../shared/log.ts";
import { enableProcessMetrics, trackActiveTransactions, trackChargers } from "../shared/metrics.ts";
import { bearerMatches, METRICS_PATH, metricsResponse } from "../shared/metrics_endpoint.ts";
import type { Bus } from "../shared/events.ts";
import type { CsmsStorage } from "../shared/storage.ts";
import { SUPPORTED_PROTOCOLS } from "../shared/ocpp/version.ts";
import { createAdminHandler } from "./admin.ts";
import { ChargerGate } from "./charger_access.ts";
import { createCommandHandler } from "./commands.ts";
import { type CsmsConfig, generateNodeId } from "./config.ts";
import { ChargerConnection, CLOSE } from "./connection.ts";
import { Connections } from "./connections.ts";
import { EventSink } from "./event_sink.ts";
import { decideHandshake } from "./handshake.ts";
import { IdTagAuthorizer } from "./id_tag_auth.ts";
import { NodeLease } from "./node_lease.ts";
import type { VendorHandler } from "./protocol.ts";
import { createAdapters } from "./adapters.ts";
import { isoNow } from "./clock.ts";
import { fileRoute } from "./file_server.ts";
import { RefusalRecorder } from "./refusals.ts";
import { silenceLimitMs, SilenceSweeper } from "./liveness.ts";
import { Retention } from "./retention.ts";
import { openStorage } from "./store/open.ts";

export interface CsmsDeps {
  bus: Bus;
  /**
   * DataTransfer handlers by vendorId, for chargers of either protocol (a 2.0.1 station's `data` may be
   * any JSON, not only text); any other vendorId is answered UnknownVendorId.
   */
  vendors?: Record<string, VendorHandler>;
  /**
   * The process's one store, when this is one of several event loops (csms/loops.ts): used, never opened,
   * pruned or closed here; its owner does those once for all loops.
   */
  storage?: CsmsStorage;
  /** Bind with SO_REUSEPORT, so that the process's other loops listen on the same port (Linux). */
  reusePort?: boolean;
}

export interface CsmsHandle {
  /** The port actually bound (useful with CSMS_PORT=0). */
  port: number;
  /** ws://host:port/ocpp (wss:// under TLS) — chargers connect to `${url}/${chargePointId}`. */
  url: string;
  /** This node's id (NODE_ID, or generated). */
  node: string;
  storage: CsmsStorage;
  close(): Promise<void>;
}
const log = logger("csms");

/** How long shutdown waits for chargers to finish the close handshake. */
const CLOSE_WAIT_MS = 2000;

function text(status: number, message: string, headers: Record<string, string> = {}): Response {
  return new Response(`${message}\n`, {
    status,
    headers: { "content-type": "text/plain; charset=utf-8", ...headers },
  });
}

/** The OCPP port's own address for file URLs; a wildcard host needs FILES_URL to be reachable. */
function fileBaseUrl(host: string, port: number, secure: boolean): string {
  return `${secure ? "https" : "http"}://${host.includes(":") ? `[${host}]` : host}:${port}`;
}

/** The active-transactions gauge, read from `storage`'s read model; returns the undo. */
export function trackActiveTransactionsIn(storage: CsmsStorage): () => void {
  return trackActiveTransactions(async () =>
    (await storage.reads.listTransactions({ active: true, limit: 1 })).total
  );
}

export function wsUrl(host: string, port: number, secure: boolean): string {
  return `${secure ? "wss" : "ws"}://${host.includes(":") ? `[${host}]` : host}:${port}/ocpp`;
}

/** Starts the CSMS; rejects (with a one-line message) when the database cannot be opened or the port bound. */
export async function startCsms(config: CsmsConfig, deps: CsmsDeps): Promise<CsmsHandle> {
  const node = config.nodeId ?? generateNodeId();
  const storage = deps.storage ?? await openStorage(config, node);
  const ownsStorage = deps.storage === undefined;
  const sink = new EventSink(deps.bus, storage);
  const connections = new Connections(sink, storage.chargers, node);
  // One adapter per protocol; a charger's negotiated subprotocol picks its adapter.
  const auth = new IdTagAuthorizer(config.authPolicy, storage.idTokens);
  const vendors = new Map(Object.entries(deps.vendors ?? {}));
  // Known once the port is bound (CSMS_PORT=0 in tests); FILES_URL when chargers reach the CSMS elsewhere.
  let filesUrl = config.filesUrl ?? "";
  const adapters = createAdapters({ config, storage, sink, auth, vendors }, () => filesUrl);
  const adapterFor = new Map(adapters.map((a) => [a.protocol as string, a]));
  const services = {
    config,
    chargers: storage.chargers,
    sink,
    onOpened: connections.attach.bind(connections),
    onEnded: connections.ended.bind(connections),
  };
  // Presence left by an earlier run under the same NODE_ID is stale: none of its sockets survived.
  const lease = new NodeLease(storage.nodes, node);
  try {
    await lease.start();
  } catch (err) {
    if (ownsStorage) await storage.close();
    throw new Error(`cannot record node ${node} in the database: ${(err as Error).message}`);
  }
  const secure = config.tls !== undefined;
  const gate = new ChargerGate(config.chargerPolicy, secure, storage.registrations);
  const refusals = new RefusalRecorder({ bus: deps.bus, store: { record: (r) => storage.recordRefusal(r) } });
  // Sockets that offered no subprotocol of ours: open only long enough to be closed.
  const refused = new Set<WebSocket>();
  let closing = false;
  // Deno pings after idleTimeout/2 of silence and closes when nothing (frame or pong) follows within
  // another idleTimeout/2: so "ping after PING_INTERVAL, give up after as long again".
  const idleTimeout = config.pingInterval * 2;

  const handler = async (req: Request, info: Deno.ServeHandlerInfo<Deno.NetAddr>): Promise<Response> => {
    const pathname = new URL(req.url).pathname;
    // For load balancers: whether this node lives, and whether its database and bus answer.
    const health = await healthResponse(req.method, pathname, () => readiness(storage.reads, deps.bus));
    if (health) return health;
    if (pathname === METRICS_PATH) {
      // Open like /healthz, unless METRICS_TOKEN asks scrapers for a token (docs/security.md).
      const token = config.metricsToken;
      const access = token === undefined || bearerMatches(req.headers.get("authorization"), token);
      return metricsResponse(req.method, { enabled: config.metrics, access: access ? "granted" : "refused" });
    }
    const file = await fileRoute(req, pathname, {
      files: storage.files,
      now: isoNow,
      uploaded: (chargerId, stored) => {
        if (chargerId === undefined) return;
        const at = isoNow();
        sink.emit({ type: "charger.transfer", chargerId, at, kind: stored.kind, file: stored });
        sink.log(chargerId, `${stored.kind}.uploaded`, at, {
          id: stored.id,
          name: stored.name,
          size: stored.size,
        });
      },
    });
    if (file) return file;
    const decision = decideHandshake({
      method: req.method,
      pathname,
      upgrade: req.headers.get("upgrade"),
      protocols: req.headers.get("sec-websocket-protocol"),
    });
    // Read before the upgrade: afterwards the request is consumed and its address gone.
    const remoteAddress = info.remoteAddr.hostname;
    if (decision.kind === "refuse") {
      if (decision.charger) {
        const { id: chargerId, reason } = decision.charger;
        refusals.record({ chargerId, remoteAddress, reason, status: decision.status });
      }
      return text(decision.status, decision.message, decision.headers);
    }
    if (closing) return text(503, "CSMS is shutting down");
    // Security profiles 1 and 2: before the upgrade, so that a refused charger never gets a socket.
    const refusal = await gate.check(decision.chargerId, req.headers.get("authorization"), remoteAddress);
    if (refusal) {
      refusals.record({
        chargerId: decision.chargerId,
        remoteAddress,
        reason: refusal.reason,
        status: refusal.status,
      });
      return text(refusal.status, refusal.message, refusal.headers);
    }
    if (closing) return text(503, "CSMS is shutting down");
    let upgraded: { socket: WebSocket; response: Response };
    try {
      // No `protocol` option: Deno would reject a header such as "ocpp2.0.1,ocpp1.6" (no space after the
      // comma); the negotiated protocol is echoed below instead.
      upgraded = Deno.upgradeWebSocket(req, { idleTimeout });
    } catch (err) {
      return text(400, `WebSocket handshake failed: ${(err as Error).message}`);
    }
    const { socket, response } = upgraded;
    if (decision.kind === "unsupported") {
      refusals.record({
        chargerId: decision.chargerId,
        remoteAddress,
        reason: "unsupported-subprotocol",
        status: CLOSE.protocolError,
        detail: decision.offered.join(", "),
      });
      refused.add(socket);
      socket.onopen = () =>
        socket.close(CLOSE.protocolError, `unsupported subprotocol; offer ${SUPPORTED_PROTOCOLS.join(", ")}`);
      socket.onclose = () => refused.delete(socket);
      return response;
    }
    response.headers.set("sec-websocket-protocol", decision.protocol);
    const conn = new ChargerConnection(
      decision.chargerId,
      adapterFor.get(decision.protocol)!,
      socket,
      services,
      remoteAddress,
    );
    connections.track(conn);
    return response;
  };

  let server: Deno.HttpServer<Deno.NetAddr>;
  try {
    server = Deno.serve({
      hostname: config.host,
      port: config.port,
      ...(deps.reusePort && { reusePort: true }),
      ...(config.tls && { cert: config.tls.cert, key: config.tls.key }),
      onListen() {},
      onError(err) {
        log.error("request failed:", { error: err });
        return text(500, "internal error");
      },
    }, handler);
  } catch (err) {
    await lease.stop();
    if (ownsStorage) await storage.close();
    const what = config.tls ? ` with TLS_CERT=${config.tls.certFile} TLS_KEY=${config.tls.keyFile}` : "";
    throw new Error(`cannot listen on ${config.host}:${config.port}${what}: ${(err as Error).message}`);
  }

  const unserve = deps.bus.serveCommands(
    createCommandHandler({ connections, sink, adapters, callTimeoutMs: config.callTimeout * 1000 }),
  );
  const unserveAdmin = deps.bus.serveAdmin(createAdminHandler({ storage, connections, sink, bus: deps.bus }));
  // One connection per charger in the whole cluster: when it connects to another node, the socket it left
  // here is closed (the charger may not have noticed it is dead yet), and presence stays with the new node.
  const unwatchMoves = deps.bus.subscribe((e) => {
    if (e.type !== "charger.connected" || e.node === node) return;
    const conn = connections.get(e.chargerId);
    if (!conn?.open) return;
    log.charger(e.chargerId).warn(`connected to CSMS node ${e.node}: closing its connection on ${node}`);
    conn.close(CLOSE.movedAway, `connected to CSMS node ${e.node}`, "replaced");
  });
  // Process-wide figures are counted once, by the thread that owns the store (csms/loops.ts for loops).
  if (config.metrics && ownsStorage) enableProcessMetrics();
  const untrackChargers = trackChargers(() => connections.connections());
  const untrackTransactions = ownsStorage ? trackActiveTransactionsIn(storage) : () => {};
  const retention = ownsStorage
    ? new Retention(storage, config.meterRetentionDays, config.eventRetentionDays)
    : undefined;
  retention?.start();
  const sweeper = config.pingInterval > 0
    ? undefined
    : new SilenceSweeper(() => connections.connections(), silenceLimitMs(config.heartbeatInterval));
  sweeper?.start();
  // Started means serving: on a bus across processes the subscriptions for commands and admin requests
  // settle asynchronously, and a request in between would find no CSMS. (If the bus is down, /readyz says so.)
  await deps.bus.ready();

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> =>
    closed ??= (async () => {
      closing = true;
      untrackChargers();
      untrackTransactions();
      unserve();
      unserveAdmin();
      unwatchMoves();
      retention?.stop();
      sweeper?.stop();
      for (const s of refused) s.close(CLOSE.goingAway, "CSMS shutting down");
      await connections.closeAll(CLOSE_WAIT_MS);
      await server.shutdown();
      // After the sockets: an orderly stop leaves no charger present on this node.
      await lease.stop();
      if (ownsStorage) await storage.close();
    })();

  const port = server.addr.port;
  filesUrl ||= fileBaseUrl(config.host, port, secure);
  return { port, url: wsUrl(config.host, port, secure), node, storage, close };
}
