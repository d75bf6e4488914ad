/**
 * A small OCPP 1.6J central system for the charger simulator's end-to-end
 * tests: real WebSockets (Deno.serve + Deno.upgradeWebSocket on a free port)
 * and the shared RPC session, so every frame the simulator sends is parsed and
 * schema-validated exactly as a real central system would. It records what it
 * receives, answers plausibly, and can refuse connections or drop them to
 * play a network outage. Independent of csms/ on purpose: the simulator must
 * pass against any central system, not only ours.
 */
import {
  type CentralSystemActions16,
  type ChargePointActions16,
  type Ocpp16,
  OcppError,
  RpcSession,
} from "../shared/ocpp/mod.ts";
import type { ChargePointOptions } from "../charger/options.ts";

export interface Received {
  seq: number;
  chargerId: string;
  action: keyof ChargePointActions16;
  // deno-lint-ignore no-explicit-any
  payload: any;
  /** Which connection of this charger it came on (1 for the first). */
  connection: number;
}

export interface TestCsmsOptions {
  /** Boot answer for a charger's n-th BootNotification (1-based). Default: Accepted. */
  bootStatus?: (chargerId: string, n: number) => "Accepted" | "Pending" | "Rejected";
  /** Interval in a boot answer. Default 300. */
  interval?: (chargerId: string, status: string) => number;
  /** Require HTTP Basic auth with this password (user: the charger id). */
  password?: string;
  /** Answer the handshake without selecting a subprotocol (a broken central system). */
  omitSubprotocol?: boolean;
  /** idTags answered Invalid by Authorize and StartTransaction. */
  invalidTags?: string[];
  /** Answer the first n CALLs of an action with CALLERROR InternalError (a central system having trouble). */
  failFirst?: Partial<Record<keyof ChargePointActions16, number>>;
}

interface Link {
  socket: WebSocket;
  session: RpcSession<ChargePointActions16, CentralSystemActions16>;
  connection: number;
}

export class TestCsms {
  readonly received: Received[] = [];
  /** Authorization headers seen on handshakes, per charger id. */
  readonly authHeaders = new Map<string, string | null>();
  /** Every text frame received, raw, in order. */
  readonly rawIn: { chargerId: string; text: string }[] = [];
  /** While false, handshakes are refused with 503 (the central system is "down"). */
  accepting = true;
  #server: Deno.HttpServer<Deno.NetAddr>;
  #links = new Map<string, Link>();
  #connections = new Map<string, number>();
  #boots = new Map<string, number>();
  #nextTransactionId = 1000;
  #seq = 0;
  #o: TestCsmsOptions;
  #closedSockets: Promise<void>[] = [];

  constructor(options: TestCsmsOptions = {}) {
    this.#o = options;
    this.#server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: () => {} },
      (req) => this.#handle(req),
    );
  }

  get url(): string {
    return `ws://127.0.0.1:${this.#server.addr.port}/ocpp`;
  }

  get port(): number {
    return this.#server.addr.port;
  }

  #handle(req: Request): Response {
    const match = new URLPattern({ pathname: "/ocpp/:id" }).exec(req.url);
    if (!match || req.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return new Response("not found", { status: 404 });
    }
    if (!this.accepting) return new Response("down", { status: 503 });
    const id = decodeURIComponent(match.pathname.groups.id!);
    this.authHeaders.set(id, req.headers.get("authorization"));
    if (this.#o.password !== undefined) {
      const expected = `Basic ${btoa(`${id}:${this.#o.password}`)}`;
      if (req.headers.get("authorization") !== expected) return new Response("unauthorized", { status: 401 });
    }
    const offered = (req.headers.get("sec-websocket-protocol") ?? "").split(",").map((s) => s.trim());
    if (!offered.includes("ocpp1.6")) return new Response("subprotocol required", { status: 400 });
    const { socket, response } = Deno.upgradeWebSocket(
      req,
      this.#o.omitSubprotocol ? {} : { protocol: "ocpp1.6" },
    );
    const connection = (this.#connections.get(id) ?? 0) + 1;
    this.#connections.set(id, connection);
    const session = new RpcSession<ChargePointActions16, CentralSystemActions16>({
      version: "ocpp1.6",
      send: (t) => socket.send(t),
      log: () => {},
    });
    this.#answer(id, session, connection);
    const link: Link = { socket, session, connection };
    this.#closedSockets.push(
      new Promise((resolve) => {
        socket.onclose = () => {
          session.close();
          if (this.#links.get(id) === link) this.#links.delete(id);
          resolve();
        };
      }),
    );
    socket.onopen = () => this.#links.set(id, link);
    socket.onmessage = (e) => {
      this.rawIn.push({ chargerId: id, text: String(e.data) });
      session.receive(String(e.data));
    };
    return response;
  }

  #failures = new Map<string, number>();

  #record(chargerId: string, action: keyof ChargePointActions16, payload: unknown, connection: number): void {
    this.received.push({ seq: ++this.#seq, chargerId, action, payload, connection });
    const budget = this.#o.failFirst?.[action] ?? 0;
    const key = `${chargerId}/${action}`;
    const failed = this.#failures.get(key) ?? 0;
    if (failed < budget) {
      this.#failures.set(key, failed + 1);
      throw new OcppError("InternalError", "scripted failure");
    }
  }

  #answer(id: string, s: RpcSession<ChargePointActions16, CentralSystemActions16>, connection: number): void {
    const now = () => new Date().toISOString();
    const tagInfo = (idTag: string): Ocpp16.AuthorizeResponse["idTagInfo"] => ({
      status: this.#o.invalidTags?.includes(idTag) ? "Invalid" : "Accepted",
    });
    s.handle("BootNotification", (p) => {
      this.#record(id, "BootNotification", p, connection);
      const n = (this.#boots.get(id) ?? 0) + 1;
      this.#boots.set(id, n);
      const status = this.#o.bootStatus?.(id, n) ?? "Accepted";
      return { status, currentTime: now(), interval: this.#o.interval?.(id, status) ?? 300 };
    });
    s.handle("Heartbeat", (p) => {
      this.#record(id, "Heartbeat", p, connection);
      return { currentTime: now() };
    });
    s.handle("StatusNotification", (p) => {
      this.#record(id, "StatusNotification", p, connection);
      return {};
    });
    s.handle("Authorize", (p) => {
      this.#record(id, "Authorize", p, connection);
      return { idTagInfo: tagInfo(p.idTag) };
    });
    s.handle("StartTransaction", (p) => {
      this.#record(id, "StartTransaction", p, connection);
      return { transactionId: ++this.#nextTransactionId, idTagInfo: tagInfo(p.idTag) };
    });
    s.handle("StopTransaction", (p) => {
      this.#record(id, "StopTransaction", p, connection);
      return {};
    });
    s.handle("MeterValues", (p) => {
      this.#record(id, "MeterValues", p, connection);
      return {};
    });
    s.handle("DataTransfer", (p) => {
      this.#record(id, "DataTransfer", p, connection);
      return { status: "Accepted" };
    });
    s.handle("DiagnosticsStatusNotification", (p) => {
      this.#record(id, "DiagnosticsStatusNotification", p, connection);
      return {};
    });
    s.handle("FirmwareStatusNotification", (p) => {
      this.#record(id, "FirmwareStatusNotification", p, connection);
      return {};
    });
  }

  /** Sends a command to a connected charger and returns its answer. */
  call<A extends keyof CentralSystemActions16 & string>(
    chargerId: string,
    action: A,
    payload: CentralSystemActions16[A][0],
  ): Promise<CentralSystemActions16[A][1]> {
    const link = this.#links.get(chargerId);
    if (!link) return Promise.reject(new Error(`${chargerId} is not connected`));
    return link.session.call(action, payload);
  }

  /** Sends raw text to a charger (for malformed-frame tests). */
  sendRaw(chargerId: string, text: string): void {
    const link = this.#links.get(chargerId);
    if (!link) throw new Error(`${chargerId} is not connected`);
    link.socket.send(text);
  }

  isConnected(chargerId: string): boolean {
    return this.#links.has(chargerId);
  }

  connectedCount(): number {
    return this.#links.size;
  }

  connections(chargerId: string): number {
    return this.#connections.get(chargerId) ?? 0;
  }

  /** Drops every connection from the server side (a network outage or a central system restart). */
  dropAll(): void {
    for (const link of this.#links.values()) link.socket.close(1001, "going away");
  }

  of(chargerId: string, action?: keyof ChargePointActions16): Received[] {
    return this.received.filter((r) => r.chargerId === chargerId && (!action || r.action === action));
  }

  /** Waits (bounded) until `predicate` holds; fails with `what` and the last frames seen. */
  async until(what: string, predicate: () => boolean, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) {
        const tail = this.received.slice(-8).map((r) =>
          `${r.chargerId} ${r.action} ${JSON.stringify(r.payload)}`
        );
        throw new Error(`timed out waiting for ${what}; last frames:\n  ${tail.join("\n  ")}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Waits for the first frame (after `afterSeq`) that matches, and returns it. */
  async next(
    chargerId: string,
    action: keyof ChargePointActions16,
    // deno-lint-ignore no-explicit-any
    where: (payload: any) => boolean = () => true,
    afterSeq = 0,
  ): Promise<Received> {
    let found: Received | undefined;
    await this.until(`${chargerId} ${action}`, () => {
      found = this.received.find((r) =>
        r.seq > afterSeq && r.chargerId === chargerId && r.action === action && where(r.payload)
      );
      return !!found;
    });
    return found!;
  }

  get lastSeq(): number {
    return this.#seq;
  }

  async close(): Promise<void> {
    this.accepting = false;
    this.dropAll();
    await Promise.all(this.#closedSockets);
    await this.#server.shutdown();
  }
}

/** Options that keep the simulator's clocks short for tests (still real time, real sockets). */
export function fastCharger(
  csms: TestCsms,
  o: Partial<ChargePointOptions> & { id: string },
): ChargePointOptions {
  return {
    url: csms.url,
    tickMs: 200,
    unplugDelayMs: 300,
    rebootDelayMs: 300,
    bootRetryMs: 500,
    backoff: { initialMs: 100, maxMs: 400 },
    ...o,
  };
}

/**
 * Reads one measurand out of a MeterValues payload, or out of a StopTransaction's transactionData: its
 * latest value (the series runs from the transaction's beginning to its end).
 */
// deno-lint-ignore no-explicit-any
export function measurand(payload: any, name: string): number | undefined {
  for (const mv of payload.meterValue ?? [...(payload.transactionData ?? [])].reverse()) {
    for (const sv of mv.sampledValue) if (sv.measurand === name) return Number(sv.value);
  }
  return undefined;
}
