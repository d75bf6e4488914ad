/**
 * The CSMS: an HTTP server whose only route is the OCPP-J WebSocket endpoint
 * `ws://HOST:PORT/ocpp/{chargePointId}`, the per-charger sessions behind it,
 * the SQLite store, and the bus through which the portal sees events and sends
 * commands.
 */
import type { Bus } from "../shared/events.ts";
import { SUPPORTED_PROTOCOLS } from "../shared/ocpp/version.ts";
import { Authorizer } from "./auth.ts";
import { ChargerGate } from "./charger_access.ts";
import { createCommandHandler } from "./commands.ts";
import type { CsmsConfig } from "./config.ts";
import { ChargerConnection, CLOSE } from "./connection.ts";
import { EventSink } from "./event_sink.ts";
import { Fleet } from "./fleet.ts";
import { FrameLog } from "./frame_log.ts";
import { decideHandshake } from "./handshake.ts";
import { createHandlers16, type VendorHandler } from "./handlers16.ts";
import { RefusalRecorder } from "./refusals.ts";
import { silenceLimitMs, SilenceSweeper } from "./liveness.ts";
import { Retention } from "./retention.ts";
import { FALLBACK_CHECKPOINT_PAGES, startCheckpointer } from "./store/checkpointer.ts";
import { databasePath, openDatabase } from "./store/db.ts";
import { SqliteQueries } from "./store/queries.ts";
import { CsmsStore, LATEST_WRITE_EVERY_MS } from "./store/store.ts";
import { BatchWriter } from "./store/writer.ts";

export interface CsmsDeps {
  bus: Bus;
  /** DataTransfer handlers by vendorId; any other vendorId is answered UnknownVendorId. */
  vendors?: Record<string, VendorHandler>;
}

export interface CsmsHandle {
  /** The port actually bound (useful with CSMS_PORT=0). */
  port: number;
  /** ws://host:port/ocpp (wss:// under TLS) — chargers connect to `${url}/${chargePointId}`. */
  url: string;
  queries: SqliteQueries;
  close(): Promise<void>;
}

/** How long shutdown waits for chargers to finish the close handshake. */
const CLOSE_WAIT_MS = 2000;

function text(status: number, message: string, headers: Record<string, string> = {}): Response {
  return new Response(`${message}\n`, {
    status,
    headers: { "content-type": "text/plain; charset=utf-8", ...headers },
  });
}

function wsUrl(host: string, port: number, secure: boolean): string {
  return `${secure ? "wss" : "ws"}://${host.includes(":") ? `[${host}]` : host}:${port}/ocpp`;
}

/** Starts the CSMS; rejects (with a one-line message) when the database cannot be opened or the port bound. */
export async function startCsms(config: CsmsConfig, deps: CsmsDeps): Promise<CsmsHandle> {
  let db: ReturnType<typeof openDatabase>;
  try {
    db = openDatabase(config.dataDir);
  } catch (err) {
    throw new Error(`cannot open the database in ${config.dataDir}: ${(err as Error).message}`);
  }
  // The writer's and the checkpointer's threads start before the CSMS listens: the first charger must find
  // it whole.
  const path = databasePath(config.dataDir);
  const checkpointer = await startCheckpointer(path);
  const writer = new BatchWriter(path, {
    hookDelayMs: LATEST_WRITE_EVERY_MS,
    autocheckpointPages: checkpointer.running ? FALLBACK_CHECKPOINT_PAGES : 1000,
  });
  // In this order: the writer's last batch commits before its checkpoints and the connection end.
  const closeStorage = async (): Promise<void> => {
    await writer.close();
    await checkpointer.stop();
    db.close();
  };
  try {
    await writer.ready();
  } catch (err) {
    await closeStorage();
    throw new Error(`cannot open the database in ${config.dataDir}: ${(err as Error).message}`);
  }
  const store = new CsmsStore(db, writer);
  const sink = new EventSink(deps.bus, store);
  const frames = new FrameLog();
  const fleet = new Fleet(sink, store, frames);
  const services = {
    config,
    store,
    sink,
    frames,
    handlers: createHandlers16({
      config,
      store,
      sink,
      auth: new Authorizer(config.authPolicy, store),
      vendors: new Map(Object.entries(deps.vendors ?? {})),
    }),
    onEnded: fleet.ended.bind(fleet),
  };
  const queries = new SqliteQueries(
    store,
    {
      isOnline: (id) => fleet.isOnline(id),
      recentFrames: (id, limit) => frames.recent(id, limit),
      disconnect: (id, reason) => fleet.get(id)?.close(CLOSE.policyViolation, reason, "kicked"),
    },
    sink,
    { staleAfterMs: config.staleTransactionMinutes * 60_000 },
  );
  const secure = config.tls !== undefined;
  const gate = new ChargerGate(config.chargerPolicy, secure, store.registrations);
  const refusals = new RefusalRecorder({ bus: deps.bus, store: store.refusals });
  // Sockets that offered no subprotocol of ours: open only long enough to be closed.
  const refused = new Set<WebSocket>();
  let closing = false;
  // Deno pings after idleTimeout/2 of silence and closes when nothing (frame or pong) follows within
  // another idleTimeout/2: so "ping after PING_INTERVAL, give up after as long again".
  const idleTimeout = config.pingInterval * 2;

  const handler = async (req: Request, info: Deno.ServeHandlerInfo<Deno.NetAddr>): Promise<Response> => {
    const decision = decideHandshake({
      method: req.method,
      pathname: new URL(req.url).pathname,
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
      decision.protocol,
      socket,
      services,
      remoteAddress,
    );
    fleet.track(conn);
    socket.onopen = () => fleet.attach(conn);
    return response;
  };

  let server: Deno.HttpServer<Deno.NetAddr>;
  try {
    server = Deno.serve({
      hostname: config.host,
      port: config.port,
      ...(config.tls && { cert: config.tls.cert, key: config.tls.key }),
      onListen() {},
      onError(err) {
        console.error("csms: request failed:", err);
        return text(500, "internal error");
      },
    }, handler);
  } catch (err) {
    await closeStorage();
    const what = config.tls ? ` with TLS_CERT=${config.tls.certFile} TLS_KEY=${config.tls.keyFile}` : "";
    throw new Error(`cannot listen on ${config.host}:${config.port}${what}: ${(err as Error).message}`);
  }

  const unserve = deps.bus.serveCommands(
    createCommandHandler({
      fleet,
      sink,
      registrations: store.registrations,
      callTimeoutMs: config.callTimeout * 1000,
    }),
  );
  const retention = new Retention(store, config.meterRetentionDays, config.eventRetentionDays);
  retention.start();
  const sweeper = config.pingInterval > 0
    ? undefined
    : new SilenceSweeper(() => fleet.connections(), silenceLimitMs(config.heartbeatInterval));
  sweeper?.start();

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> =>
    closed ??= (async () => {
      closing = true;
      unserve();
      retention.stop();
      sweeper?.stop();
      for (const s of refused) s.close(CLOSE.goingAway, "CSMS shutting down");
      await fleet.closeAll(CLOSE_WAIT_MS);
      await server.shutdown();
      await closeStorage();
    })();

  const port = server.addr.port;
  return { port, url: wsUrl(config.host, port, secure), queries, close };
}
