/**
 * An independent OCPP-J peer for tests: npm `ocpp-rpc` (not written here) in strict mode, so that every
 * payload it sends or receives is checked against the OCA schemas by someone else's code. Its typings ask
 * for every option; these wrappers give the few a test sets and keep the casts in one place.
 */
import { RPCClient, RPCServer } from "ocpp-rpc";

export type PeerProtocol = "ocpp1.6" | "ocpp2.0.1";

/** What a test needs of an ocpp-rpc client or server-side client. */
export interface PeerSession {
  readonly identity: string;
  readonly protocol: string | undefined;
  call<T = Record<string, unknown>>(
    action: string,
    payload: unknown,
    options?: { callTimeoutMs?: number },
  ): Promise<T>;
  // Payloads are whatever the schema allows; tests read their fields freely.
  // deno-lint-ignore no-explicit-any
  handle(action: string, handler: (ctx: { params: any; method: string }) => unknown): void;
  // deno-lint-ignore no-explicit-any
  on(event: string, listener: (...args: any[]) => void): void;
  close(
    options?: { code?: number; reason?: string; awaitPending?: boolean; force?: boolean },
  ): Promise<unknown>;
}

export interface PeerClientOptions {
  /** The CSMS's base URL; the client connects to `${endpoint}/${identity}`. */
  endpoint: string;
  identity: string;
  protocols: PeerProtocol[];
  /** HTTP Basic password (security profile 1/2). */
  password?: string;
  callTimeoutMs?: number;
}

/** A strict ocpp-rpc charging station, connected (rejects with the handshake's failure). */
export async function connectPeerClient(o: PeerClientOptions): Promise<PeerSession> {
  const client = new RPCClient({
    endpoint: o.endpoint,
    identity: o.identity,
    protocols: o.protocols,
    strictMode: true,
    reconnect: false,
    callTimeoutMs: o.callTimeoutMs ?? 10_000,
    ...(o.password !== undefined && { password: o.password }),
  } as never);
  await client.connect();
  return client as unknown as PeerSession;
}

export interface PeerServer {
  /** ws://127.0.0.1:PORT (chargers connect to `${url}/${id}`). */
  readonly url: string;
  /** Resolves with the next station that connects. */
  nextClient(): Promise<PeerSession>;
  close(): Promise<void>;
}

export interface PeerServerOptions {
  /** Asked at each handshake; false refuses the connection (HTTP 503), as a CSMS that is down would. */
  accept?: (identity: string) => boolean;
  /** false: no schema checks, for a test's deliberately wrong CSMS (default true). */
  strict?: boolean;
}

/** A strict ocpp-rpc CSMS on a free port of 127.0.0.1; `onClient` installs handlers as each station connects. */
export async function startPeerServer(
  protocols: PeerProtocol[],
  onClient: (client: PeerSession) => void,
  options: PeerServerOptions = {},
): Promise<PeerServer> {
  const server = new RPCServer({ protocols, strictMode: options.strict ?? true } as never);
  if (options.accept) {
    const accept = options.accept;
    (server as unknown as {
      auth(
        cb: (ok: () => void, no: (code: number, message: string) => void, h: { identity: string }) => void,
      ): void;
    }).auth((ok, no, h) => accept(h.identity) ? ok() : no(503, "Service Unavailable"));
  }
  const waiting: ((c: PeerSession) => void)[] = [];
  const arrived: PeerSession[] = [];
  server.on("client", (client: unknown) => {
    const session = client as PeerSession;
    onClient(session);
    const w = waiting.shift();
    if (w) w(session);
    else arrived.push(session);
  });
  const http = await server.listen(0, "127.0.0.1");
  const port = (http.address() as { port: number }).port;
  return {
    url: `ws://127.0.0.1:${port}`,
    nextClient: () => {
      const c = arrived.shift();
      return c ? Promise.resolve(c) : new Promise((resolve) => waiting.push(resolve));
    },
    close: async () => {
      await server.close({ force: true } as never);
    },
  };
}
