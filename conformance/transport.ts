/**
 * The runner's side of the wire, behind one small interface so that the link and the cases never see a
 * socket: a WebSocket client (csms mode: we are the station) or one accepted by our own listener (charger
 * mode: we are the CSMS).
 */
import { basicAuth, endpointFor } from "../charger/transport.ts";

export interface Transport {
  /** The subprotocol agreed at the handshake. */
  readonly protocol: string;
  send(text: string): void;
  /** Every text frame, in order; set once. */
  onMessage(listener: (text: string) => void): void;
  /** Resolves when the connection is gone, with the close code and reason. */
  readonly closed: Promise<{ code: number; reason: string }>;
  close(code?: number, reason?: string): Promise<void>;
}

/** Wraps an open WebSocket. */
function wrap(ws: WebSocket): Transport {
  let listener: ((text: string) => void) | undefined;
  const early: string[] = [];
  ws.addEventListener("message", (e) => {
    const text = typeof e.data === "string" ? e.data : new TextDecoder().decode(e.data as ArrayBuffer);
    if (listener) listener(text);
    else early.push(text);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    if (ws.readyState === WebSocket.CLOSED) resolve({ code: 1006, reason: "" });
    ws.addEventListener("close", (e) => resolve({ code: e.code, reason: e.reason }));
  });
  return {
    get protocol() {
      return ws.protocol;
    },
    send(text) {
      if (ws.readyState !== WebSocket.OPEN) throw new Error("connection is closed");
      ws.send(text);
    },
    onMessage(l) {
      listener = l;
      for (const text of early.splice(0)) l(text);
    },
    closed,
    async close(code = 1000, reason = "") {
      if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close(code, reason);
      await closed;
    },
  };
}

const DenoWebSocket = WebSocket as unknown as new (
  url: string,
  options: { protocols?: string[]; headers?: HeadersInit },
) => WebSocket;

export interface ConnectOptions {
  /** The CSMS's base URL; we connect to `${url}/${id}`. */
  url: string;
  id: string;
  protocol: string;
  password?: string;
  timeoutMs: number;
}

export class ConnectError extends Error {}

/** Connects as a station; rejects with ConnectError when the CSMS refuses or does not answer. */
export function connectStation(o: ConnectOptions): Promise<Transport> {
  const ws = new DenoWebSocket(endpointFor(o.url, o.id), {
    protocols: [o.protocol],
    ...(o.password !== undefined && { headers: { authorization: basicAuth(o.id, o.password) } }),
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      ws.close();
      reject(new ConnectError(`no WebSocket handshake with ${o.url} within ${o.timeoutMs} ms`));
    }, o.timeoutMs);
    ws.addEventListener("open", () => {
      clearTimeout(timer);
      resolve(wrap(ws));
    }, { once: true });
    ws.addEventListener("close", (e) => {
      clearTimeout(timer);
      reject(
        new ConnectError(
          `the CSMS refused the connection (close ${e.code}${e.reason ? ` ${e.reason}` : ""})`,
        ),
      );
    }, { once: true });
  });
}

export interface AcceptedStation {
  /** The last path segment of the URL the station connected to. */
  identity: string;
  /** The `Authorization` header it sent, if any. */
  authorization: string | null;
  transport: Transport;
}

export interface StationListener {
  readonly port: number;
  /** The next station that connects (in order of arrival). */
  next(signal?: AbortSignal): Promise<AcceptedStation | undefined>;
  close(): Promise<void>;
}

/** Listens as a CSMS on `hostname:port` (0: a free one), offering only `protocol`. */
export function listenForStations(hostname: string, port: number, protocol: string): StationListener {
  const arrived: AcceptedStation[] = [];
  const waiting: ((s: AcceptedStation) => void)[] = [];
  const server = Deno.serve({ hostname, port, onListen: () => {} }, (req) => {
    if (req.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return new Response("a WebSocket endpoint for OCPP-J\n", { status: 426 });
    }
    const offered = (req.headers.get("sec-websocket-protocol") ?? "").split(",").map((s) => s.trim());
    if (!offered.includes(protocol)) {
      return new Response(`subprotocol ${protocol} required\n`, { status: 400 });
    }
    // Read before the upgrade: the request is gone after it.
    const segments = new URL(req.url).pathname.split("/").filter((s) => s !== "");
    const authorization = req.headers.get("authorization");
    const { socket, response } = Deno.upgradeWebSocket(req, { protocol });
    const station: AcceptedStation = {
      identity: decodeURIComponent(segments.at(-1) ?? ""),
      authorization,
      transport: wrap(socket),
    };
    socket.addEventListener("open", () => {
      const w = waiting.shift();
      if (w) w(station);
      else arrived.push(station);
    }, { once: true });
    return response;
  });
  return {
    port: server.addr.port,
    next(signal) {
      const s = arrived.shift();
      if (s) return Promise.resolve(s);
      return new Promise((resolve) => {
        const take = (st: AcceptedStation) => resolve(st);
        waiting.push(take);
        signal?.addEventListener("abort", () => {
          const i = waiting.indexOf(take);
          if (i >= 0) waiting.splice(i, 1);
          resolve(undefined);
        }, { once: true });
      });
    },
    async close() {
      await server.shutdown();
    },
  };
}
