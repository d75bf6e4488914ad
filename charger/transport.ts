/**
 * The charge point's side of the wire: a WebSocket (Deno's global, web-standard
 * client) to `${url}/${id}` with the OCPP subprotocol, HTTP Basic auth for
 * security profile 1, and reconnection with exponential backoff and jitter.
 * It knows nothing of OCPP messages; the charge point keeps the offline queue.
 */
import { errorText } from "./events.ts";

export interface BackoffOptions {
  /** First delay after a failure, in ms. */
  initialMs: number;
  /** Ceiling of the delay, in ms. */
  maxMs: number;
  /** Growth per failed attempt (default 2). */
  factor?: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 1_000, maxMs: 60_000, factor: 2 };
export const DEFAULT_CONNECT_TIMEOUT_MS = 15_000;

/**
 * Delay before reconnect attempt `attempt` (0-based): exponential, capped, with
 * "equal jitter" (half fixed, half random) so that a fleet dropped by a central
 * system restart does not come back in one thundering wave, yet never retries at once.
 */
export function backoffDelay(attempt: number, o: BackoffOptions, random: () => number = Math.random): number {
  const cap = Math.min(o.maxMs, o.initialMs * (o.factor ?? 2) ** Math.max(0, attempt));
  return Math.round(cap / 2 + (random() * cap) / 2);
}

/** Caps how many handshakes a fleet has in flight, so thousands of chargers ramp up instead of stampeding. */
export class ConnectGate {
  #free: number;
  #waiters: (() => void)[] = [];

  constructor(limit: number) {
    this.#free = Math.max(1, limit);
  }

  /** Resolves with a release function once a slot is free. Releasing twice is harmless. */
  acquire(): Promise<() => void> {
    return new Promise((resolve) => {
      const grant = () => {
        let released = false;
        resolve(() => {
          if (released) return;
          released = true;
          const next = this.#waiters.shift();
          if (next) next();
          else this.#free++;
        });
      };
      if (this.#free > 0) {
        this.#free--;
        grant();
      } else this.#waiters.push(grant);
    });
  }
}

/** The URL a charge point connects to: the central system's base URL, then its identity as the last path segment. */
export function endpointFor(baseUrl: string, id: string): string {
  return `${baseUrl.replace(/\/+$/, "")}/${encodeURIComponent(id)}`;
}

/** `Authorization` header for OCPP security profile 1: the charge point id as user name. */
export function basicAuth(user: string, password: string): string {
  const bytes = new TextEncoder().encode(`${user}:${password}`);
  return `Basic ${btoa(String.fromCharCode(...bytes))}`;
}

/**
 * Deno's WebSocket constructor takes `{ protocols, headers }` (Deno 2), which is how the
 * Basic auth header reaches the handshake; the project's "dom" lib types only the browser's form.
 */
const DenoWebSocket = WebSocket as unknown as new (
  url: string,
  options: { protocols?: string[]; headers?: HeadersInit },
) => WebSocket;

export interface CloseInfo {
  code: number;
  reason: string;
  /** The connection had been open (rather than the attempt failing). */
  wasOpen: boolean;
  /** When the next attempt is due, in ms; absent when the socket was stopped. */
  retryInMs?: number;
}

export interface SocketHandlers {
  onConnecting?(url: string, attempt: number): void;
  onOpen(protocol: string): void;
  onMessage(text: string): void;
  onClose(info: CloseInfo): void;
}

export interface ReconnectingSocketOptions {
  url: string;
  protocols: string[];
  /** Read at each attempt: a credential changed meanwhile is used from the next connection on. */
  headers?: () => Record<string, string> | undefined;
  backoff?: BackoffOptions;
  connectTimeoutMs?: number;
  gate?: ConnectGate;
}

export class ReconnectingSocket {
  #o: ReconnectingSocketOptions;
  #h: SocketHandlers;
  #ws?: WebSocket;
  #open = false;
  #attempt = 0;
  #timer?: ReturnType<typeof setTimeout>;
  #stopped = true;
  /** Set by reconnect(): the next close is ours and has a fixed delay instead of a backoff. */
  #plannedDelayMs?: number;
  #closeWaiters: (() => void)[] = [];

  constructor(options: ReconnectingSocketOptions, handlers: SocketHandlers) {
    this.#o = options;
    this.#h = handlers;
  }

  get online(): boolean {
    return this.#open;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#attempt = 0;
    void this.#connect();
  }

  /** Sends a text frame; throws when the socket is not open (the RPC session turns that into a failed call). */
  send(text: string): void {
    if (!this.#ws || !this.#open) throw new Error("not connected");
    this.#ws.send(text);
  }

  /** Drops the connection on purpose (a reboot) and connects again `delayMs` after it closed. */
  async reconnect(delayMs: number, reason = "reboot"): Promise<void> {
    if (this.#stopped) return;
    this.#plannedDelayMs = delayMs;
    if (this.#ws) {
      const closed = this.#whenClosed();
      this.#ws.close(1000, reason);
      await closed;
    } else {
      // Between attempts: replace the pending backoff with the planned delay.
      clearTimeout(this.#timer);
      this.#plannedDelayMs = undefined;
      this.#attempt = 0;
      this.#timer = setTimeout(() => void this.#connect(), delayMs);
    }
  }

  /** Closes for good and waits (bounded) for the socket to be released. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    clearTimeout(this.#timer);
    const ws = this.#ws;
    if (!ws) return;
    const closed = this.#whenClosed();
    try {
      ws.close(1000, "charge point stopped");
    } catch { /* already closing */ }
    let bound: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([closed, new Promise<void>((r) => bound = setTimeout(r, 5_000))]);
    clearTimeout(bound);
  }

  #whenClosed(): Promise<void> {
    return new Promise((resolve) => this.#closeWaiters.push(resolve));
  }

  async #connect(): Promise<void> {
    this.#timer = undefined;
    if (this.#stopped) return;
    const release = this.#o.gate ? await this.#o.gate.acquire() : () => {};
    if (this.#stopped) return release();
    this.#h.onConnecting?.(this.#o.url, this.#attempt);
    let ws: WebSocket;
    try {
      ws = new DenoWebSocket(this.#o.url, { protocols: this.#o.protocols, headers: this.#o.headers?.() });
    } catch (err) {
      release();
      return this.#scheduleRetry({ code: 1006, reason: errorText(err), wasOpen: false });
    }
    this.#ws = ws;
    let failure = "";
    const handshakeTimer = setTimeout(() => {
      failure = `no handshake within ${this.#o.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS} ms`;
      ws.close();
    }, this.#o.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS);
    ws.onopen = () => {
      clearTimeout(handshakeTimer);
      release();
      // Deno's client opens even when the server picked no subprotocol; OCPP-J requires one we offered.
      if (!this.#o.protocols.includes(ws.protocol)) {
        failure = `server did not accept subprotocol ${this.#o.protocols.join(", ")}`;
        ws.close(1000, "subprotocol not accepted");
        return;
      }
      this.#open = true;
      this.#attempt = 0;
      this.#h.onOpen(ws.protocol);
    };
    ws.onmessage = (e) => {
      // OCPP-J is text only; a binary frame is not a message we can read.
      if (typeof e.data === "string") this.#h.onMessage(e.data);
    };
    ws.onerror = (e) => {
      if (!failure) failure = (e as ErrorEvent).message ?? "connection error";
    };
    ws.onclose = (e) => {
      clearTimeout(handshakeTimer);
      release();
      const wasOpen = this.#open;
      this.#open = false;
      this.#ws = undefined;
      const waiters = this.#closeWaiters.splice(0);
      for (const w of waiters) w();
      const info: CloseInfo = { code: e.code, reason: failure || e.reason, wasOpen };
      if (this.#stopped) return this.#h.onClose(info);
      this.#scheduleRetry(info);
    };
  }

  #scheduleRetry(info: CloseInfo): void {
    if (this.#stopped) return;
    let delay: number;
    if (this.#plannedDelayMs !== undefined) {
      delay = this.#plannedDelayMs;
      this.#plannedDelayMs = undefined;
      this.#attempt = 0;
    } else {
      delay = backoffDelay(this.#attempt++, this.#o.backoff ?? DEFAULT_BACKOFF);
    }
    this.#timer = setTimeout(() => void this.#connect(), delay);
    this.#h.onClose({ ...info, retryInMs: delay });
  }
}
