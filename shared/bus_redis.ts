/**
 * The Bus across processes, on Redis (REDIS_URL): every CSMS node and portal node of one deployment
 * connects to the same Redis (and database number), under one key prefix.
 *
 * - Events: one pub/sub channel; every process, its publisher included, receives each event once, from
 *   Redis (a process's own events are not short-cut, so all its listeners see one order).
 * - Presence: a CSMS node's `charger.connected` sets `presence:{charger}` to its node id and its
 *   `charger.disconnected` removes it only while it still names that node (a charger that moved to
 *   another node meanwhile stays there). A node that serves commands holds a lease key `node:{id}` that
 *   it renews; when the node dies the lease lapses, and its chargers count as held by no one.
 * - Commands and admin requests: published on the serving node's own channel with a reply channel of the
 *   asker's; a charger that no live node holds answers `offline` at once, without a round trip.
 *
 * Written on ioredis: pub/sub, keys with a TTL and one Lua compare-and-delete are all it needs.
 */
import { Redis } from "ioredis";
import type { AdminHandler, AdminKind, AdminRequest, AdminResult } from "./admin.ts";
import { type BusListener, deliver } from "./bus_listeners.ts";
import type { CommandResult } from "./domain.ts";
import type { Bus, BusEvent, CommandHandler, CommandRequest } from "./events.ts";
import { logger } from "./log.ts";

const log = logger("bus");

export interface RedisBusOptions {
  /** This process's id: a CSMS node's NODE_ID (it serves commands under it), or any unique id. */
  node: string;
  /** Prefix of every key and channel, so that deployments (and tests) can share one Redis. */
  prefix?: string;
  /** How long a serving node's lease lasts without renewal (renewed every third of it). */
  leaseMs?: number;
  /** How long an asker waits beyond a command's own timeout for the serving node's answer. */
  replyMarginMs?: number;
  /** The command timeout assumed when a request names none (the CSMS's CALL_TIMEOUT default). */
  defaultCommandTimeoutMs?: number;
}

const DEFAULT_PREFIX = "chargewire:";
const DEFAULT_LEASE_MS = 15_000;
const DEFAULT_REPLY_MARGIN_MS = 5_000;
const DEFAULT_COMMAND_TIMEOUT_MS = 30_000;
/** Admin requests write storage and maybe close a socket: they answer fast or not at all. */
const ADMIN_TIMEOUT_MS = 15_000;

/** Deletes `key` only while it still holds `value`: a node clears only the presence it owns. */
const DELETE_IF_EQUAL =
  `if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end return 0`;

interface Envelope<T> {
  id: string;
  replyTo: string;
  body: T;
}
interface Reply {
  id: string;
  result: unknown;
}

/**
 * The prefix of a deployment's pub/sub channels. Redis's pub/sub has no databases (a message published
 * while on database 5 reaches subscribers on every database), so deployments that share one Redis by
 * database number get channels of their own by naming it: database 0 keeps the bare prefix.
 */
export function channelPrefix(prefix: string, db: number): string {
  return db === 0 ? prefix : `${prefix}db${db}:`;
}

/** Reads REDIS_URL's parts for messages: never the password. */
export function describeRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.hostname}:${u.port || "6379"}${
      u.pathname && u.pathname !== "/" ? u.pathname : "/0"
    }`;
  } catch {
    return "an unreadable REDIS_URL";
  }
}

export class RedisBus implements Bus {
  readonly node: string;
  readonly #prefix: string;
  /** Channels' prefix: Redis pub/sub ignores database numbers, so the channel names carry it. */
  readonly #channelPrefix: string;
  readonly #leaseMs: number;
  readonly #replyMarginMs: number;
  readonly #defaultTimeoutMs: number;
  readonly #cmd: Redis;
  readonly #sub: Redis;
  readonly #listeners = new Set<BusListener>();
  readonly #pending = new Map<
    string,
    { resolve: (r: unknown) => void; timer: ReturnType<typeof setTimeout> }
  >();
  /** Channel → what to do with its messages (events, replies, served requests). */
  readonly #routes = new Map<string, (text: string) => void>();
  #lease?: ReturnType<typeof setInterval>;
  /** Subscriptions of serveCommands/serveAdmin not in place yet. */
  readonly #settling = new Set<Promise<void>>();
  #serving = 0;
  #closed = false;

  private constructor(cmd: Redis, sub: Redis, options: RedisBusOptions) {
    this.node = options.node;
    this.#prefix = options.prefix ?? DEFAULT_PREFIX;
    this.#channelPrefix = channelPrefix(this.#prefix, cmd.options.db ?? 0);
    this.#leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.#replyMarginMs = options.replyMarginMs ?? DEFAULT_REPLY_MARGIN_MS;
    this.#defaultTimeoutMs = options.defaultCommandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    this.#cmd = cmd;
    this.#sub = sub;
    sub.on("message", (channel: string, text: string) => this.#routes.get(channel)?.(text));
  }

  /** Connects (both connections answer PING) or rejects with a one-line reason. */
  static async connect(url: string, options: RedisBusOptions): Promise<RedisBus> {
    // Offline commands would queue forever while Redis is down; failing fast lets the caller say so.
    const make = () =>
      new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: true });
    const cmd = make();
    const sub = make();
    for (const c of [cmd, sub]) c.on("error", () => {}); // ioredis reconnects by itself; errors surface per call
    try {
      await Promise.all([cmd.connect(), sub.connect()]);
      await cmd.ping();
    } catch (err) {
      cmd.disconnect();
      sub.disconnect();
      throw new Error(`cannot reach Redis at ${describeRedisUrl(url)}: ${(err as Error).message}`);
    }
    const bus = new RedisBus(cmd, sub, options);
    await bus.#listen(bus.#replyChannel, (text) => bus.#onReply(text));
    await bus.#listen(bus.#channel("events"), (text) => bus.#onEvent(text));
    return bus;
  }

  #key(name: string): string {
    return `${this.#prefix}${name}`;
  }

  #channel(name: string): string {
    return `${this.#channelPrefix}${name}`;
  }

  get #replyChannel(): string {
    return this.#channel(`reply:${this.node}`);
  }

  async #listen(channel: string, route: (text: string) => void): Promise<void> {
    this.#routes.set(channel, route);
    await this.#sub.subscribe(channel);
  }

  async #unlisten(channel: string): Promise<void> {
    this.#routes.delete(channel);
    if (!this.#closed) await this.#sub.unsubscribe(channel).catch(() => {});
  }

  /**
   * Whether Redis answers and this process serves what it registered to serve (readiness): a CSMS node
   * that awaits it before it calls itself started gets no request in between that would find it absent.
   */
  async ready(): Promise<boolean> {
    if (this.#closed) return false;
    try {
      await Promise.all(this.#settling);
      return (await this.#cmd.ping()) === "PONG";
    } catch {
      return false;
    }
  }

  // --- events -----------------------------------------------------------------------------------------------

  publish(event: BusEvent): void {
    if (this.#closed) return;
    const fail = (err: unknown) =>
      log.error(`publishing ${event.type} failed: ${(err as Error).message}`, { chargerId: event.chargerId });
    // Presence goes first: a command routed right after a connection must find it.
    if (event.type === "charger.connected") {
      this.#cmd.set(this.#key(`presence:${event.chargerId}`), event.node).catch(fail);
    } else if (event.type === "charger.disconnected") {
      this.#cmd.eval(DELETE_IF_EQUAL, 1, this.#key(`presence:${event.chargerId}`), event.node).catch(fail);
    }
    this.#cmd.publish(this.#channel("events"), JSON.stringify(event)).catch(fail);
  }

  subscribe(listener: BusListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #onEvent(text: string): void {
    let event: BusEvent;
    try {
      event = JSON.parse(text);
    } catch {
      log.error("dropped an unreadable event");
      return;
    }
    deliver(this.#listeners, event);
  }

  // --- presence and leases ----------------------------------------------------------------------------------

  /** The node holding the charger's socket, if that node is alive. */
  async holder(chargerId: string): Promise<string | undefined> {
    const node = await this.#cmd.get(this.#key(`presence:${chargerId}`));
    if (node === null) return undefined;
    return (await this.#cmd.exists(this.#key(`node:${node}`))) === 1 ? node : undefined;
  }

  /** Serving nodes whose lease is alive. */
  async liveNodes(): Promise<string[]> {
    return await this.#cmd.zrangebyscore(this.#key("nodes"), Date.now(), "+inf");
  }

  async #renewLease(): Promise<void> {
    const until = Date.now() + this.#leaseMs;
    await this.#cmd.multi()
      .set(this.#key(`node:${this.node}`), String(until), "PX", this.#leaseMs)
      .zadd(this.#key("nodes"), until, this.node)
      // Nodes gone for a while leave the set, so it never grows with every restart.
      .zremrangebyscore(this.#key("nodes"), "-inf", Date.now() - 10 * this.#leaseMs)
      .exec();
  }

  async #startServing(): Promise<void> {
    if (this.#serving++ > 0) return;
    await this.#renewLease();
    this.#lease = setInterval(() => {
      this.#renewLease().catch((err) => log.error(`renewing the node lease failed: ${err.message}`));
    }, Math.max(100, Math.floor(this.#leaseMs / 3)));
  }

  async #stopServing(): Promise<void> {
    if (--this.#serving > 0) return;
    clearInterval(this.#lease);
    this.#lease = undefined;
    if (this.#closed) return;
    await this.#cmd.multi().del(this.#key(`node:${this.node}`)).zrem(this.#key("nodes"), this.node).exec()
      .catch(() => {});
  }

  // --- requests and replies ---------------------------------------------------------------------------------

  #onReply(text: string): void {
    let reply: Reply;
    try {
      reply = JSON.parse(text);
    } catch {
      return;
    }
    const waiting = this.#pending.get(reply.id);
    if (!waiting) return; // answered after we gave up: dropped
    this.#pending.delete(reply.id);
    clearTimeout(waiting.timer);
    waiting.resolve(reply.result);
  }

  /** Publishes a request on `channel` and waits for its reply; `late` is the answer when none comes. */
  async #ask<R>(channel: string, body: unknown, waitMs: number, noReceiver: R, late: R): Promise<R> {
    const id = crypto.randomUUID();
    const answer = new Promise<R>((resolve) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        resolve(late);
      }, waitMs);
      this.#pending.set(id, { resolve: resolve as (r: unknown) => void, timer });
    });
    const envelope: Envelope<unknown> = { id, replyTo: this.#replyChannel, body };
    const receivers = await this.#cmd.publish(channel, JSON.stringify(envelope));
    if (receivers === 0) {
      const waiting = this.#pending.get(id);
      if (waiting) {
        this.#pending.delete(id);
        clearTimeout(waiting.timer);
        waiting.resolve(noReceiver);
      }
    }
    return await answer;
  }

  /** Subscribes `channel` to a handler whose result is published back to each request's asker. */
  async #serve<T>(channel: string, handle: (body: T) => Promise<unknown>): Promise<void> {
    await this.#listen(channel, (text) => {
      let envelope: Envelope<T>;
      try {
        envelope = JSON.parse(text);
      } catch {
        return;
      }
      handle(envelope.body).then(
        (result) => this.#cmd.publish(envelope.replyTo, JSON.stringify({ id: envelope.id, result })),
        (err) => log.error("a served request failed:", { error: err }),
      ).catch((err) => log.error(`replying failed: ${err.message}`));
    });
  }

  sendCommand: Bus["sendCommand"] = async (chargerId, action, payload, options) => {
    const offline: CommandResult = {
      ok: false,
      error: "offline",
      message: `charger ${chargerId} is not connected`,
    };
    if (this.#closed) return { ok: false, error: "unavailable", message: "the bus is closed" };
    let node: string | undefined;
    try {
      node = await this.holder(chargerId);
    } catch (err) {
      return { ok: false, error: "unavailable", message: `Redis did not answer: ${(err as Error).message}` };
    }
    if (node === undefined) {
      // No node at all: nothing serves commands (as on an in-process bus with no CSMS), not a charger away.
      const live = await this.liveNodes().catch(() => []);
      return live.length > 0
        ? offline
        : { ok: false, error: "unavailable", message: "no CSMS is serving commands" };
    }
    const request: CommandRequest = { commandId: crypto.randomUUID(), chargerId, action, payload };
    if (options?.timeoutMs !== undefined) request.timeoutMs = options.timeoutMs;
    const waitMs = (options?.timeoutMs ?? this.#defaultTimeoutMs) + this.#replyMarginMs;
    return await this.#ask<CommandResult>(this.#channel(`cmd:${node}`), request, waitMs, offline, {
      ok: false,
      error: "timeout",
      message: `CSMS node ${node} did not answer ${action} for ${chargerId} within ${waitMs} ms`,
    });
  };

  serveCommands(handler: CommandHandler): () => void {
    const channel = this.#channel(`cmd:${this.node}`);
    const ready = this.#serve<CommandRequest>(channel, handler).then(() => this.#startServing());
    ready.catch((err) => log.error(`serving commands failed: ${err.message}`));
    this.#settle(ready);
    return () => {
      ready.then(() => Promise.all([this.#unlisten(channel), this.#stopServing()])).catch(() => {});
    };
  }

  async admin<K extends AdminKind>(request: Extract<AdminRequest, { kind: K }>): Promise<AdminResult<K>> {
    const unavailable = {
      ok: false,
      error: "unavailable",
      message: "no CSMS is serving admin requests",
    } as const;
    if (this.#closed) return unavailable;
    let node: string | undefined;
    try {
      const req: AdminRequest = request;
      if (req.kind === "charger.disconnect") {
        // Only the node holding the socket can close it; held by no one, there is nothing to close.
        node = await this.holder(req.chargerId);
        if (node === undefined) return { ok: true, value: false } as AdminResult<K>;
      } else {
        const nodes = await this.liveNodes();
        node = nodes[Math.floor(Math.random() * nodes.length)];
      }
    } catch (err) {
      return { ok: false, error: "unavailable", message: `Redis did not answer: ${(err as Error).message}` };
    }
    if (node === undefined) return unavailable;
    return await this.#ask<AdminResult<K>>(
      this.#channel(`admin:${node}`),
      request,
      ADMIN_TIMEOUT_MS,
      unavailable,
      {
        ok: false,
        error: "unavailable",
        message: `CSMS node ${node} did not answer ${request.kind} in time`,
      },
    );
  }

  serveAdmin(handler: AdminHandler): () => void {
    const channel = this.#channel(`admin:${this.node}`);
    const ready = this.#serve<AdminRequest>(channel, handler).then(() => this.#startServing());
    ready.catch((err) => log.error(`serving admin requests failed: ${err.message}`));
    this.#settle(ready);
    return () => {
      ready.then(() => Promise.all([this.#unlisten(channel), this.#stopServing()])).catch(() => {});
    };
  }

  #settle(subscribed: Promise<void>): void {
    const settled = subscribed.catch(() => {}).finally(() => this.#settling.delete(settled));
    this.#settling.add(settled);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    if (this.#serving > 0) {
      this.#serving = 1;
      await this.#stopServing();
    }
    this.#closed = true;
    for (const [id, waiting] of this.#pending) {
      clearTimeout(waiting.timer);
      waiting.resolve({ ok: false, error: "unavailable", message: "the bus closed before an answer came" });
      this.#pending.delete(id);
    }
    this.#listeners.clear();
    this.#routes.clear();
    await Promise.all([this.#cmd.quit().catch(() => {}), this.#sub.quit().catch(() => {})]);
  }
}
