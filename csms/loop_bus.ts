/**
 * The bus between a CSMS's event loops (CSMS_WORKERS) when there is no Redis: each loop thread runs a
 * LoopBus, and the thread that owns the process's bus runs a LoopHub, which is a CSMS on that bus as far
 * as the portal can tell. The hub publishes every loop's events on the process's bus, keeps who holds each
 * charger from their presence events, carries commands and admin requests to the loop holding the charger
 * (any loop, for admin requests about no socket), and hands a loop's own requests to the process's bus.
 *
 * A loop subscribes only to presence (csms/server.ts closes a socket its charger has left for another
 * node), so the hub sends loops presence events only: every MeterValues crossing to every loop would cost
 * each loop a copy to decode for nothing. With Redis, loops are nodes on Redis and none of this is used.
 */
import type { AdminHandler, AdminKind, AdminRequest, AdminResult } from "../shared/admin.ts";
import { type BusListener, deliver } from "../shared/bus_listeners.ts";
import type { CommandResult } from "../shared/domain.ts";
import type { Bus, BusEvent, CommandHandler, CommandRequest } from "../shared/events.ts";
import { logger } from "../shared/log.ts";
import { PendingAnswers } from "./pending_answers.ts";
import type { PortLike } from "./store/remote.ts";

const log = logger("csms");

type Kind = "command" | "admin";
interface SendCommandBody {
  chargerId: string;
  action: string;
  payload: Record<string, unknown>;
  options?: { timeoutMs?: number };
}

/** What crosses between a loop and the hub on the `bus` channel. */
export type LoopBusMessage =
  | { ch: "bus"; t: "event"; event: BusEvent }
  | { ch: "bus"; t: "request"; id: number; kind: Kind; body: unknown }
  | { ch: "bus"; t: "answer"; id: number; result: unknown };

const UNAVAILABLE = { ok: false, error: "unavailable", message: "this CSMS loop is stopping" } as const;

/** A request to the other side of `port`, answered through `pending`. */
function ask(pending: PendingAnswers<unknown>, port: PortLike, kind: Kind, body: unknown): Promise<unknown> {
  return pending.ask((id) =>
    port.postMessage({ ch: "bus", t: "request", id, kind, body } satisfies LoopBusMessage)
  );
}

function answer(port: PortLike, id: number, work: Promise<unknown>): void {
  work.then(
    (result) => port.postMessage({ ch: "bus", t: "answer", id, result } satisfies LoopBusMessage),
    (err) => {
      log.error("a request between loops failed:", { error: err });
      port.postMessage({ ch: "bus", t: "answer", id, result: UNAVAILABLE } satisfies LoopBusMessage);
    },
  );
}

/** A loop thread's bus: its events go to the hub, requests come from it. */
export class LoopBus implements Bus {
  #listeners = new Set<BusListener>();
  #commands?: CommandHandler;
  #admin?: AdminHandler;
  #asks = new PendingAnswers<unknown>();
  #closed = false;

  constructor(private readonly port: PortLike) {}

  /** Feed the port's bus messages here. */
  receive(m: LoopBusMessage): void {
    if (m.t === "event") return deliver(this.#listeners, m.event);
    if (m.t === "answer") return this.#asks.answered(m.id, m.result);
    const handler = m.kind === "command" ? this.#commands : this.#admin;
    const work = handler
      ? (handler as (b: unknown) => Promise<unknown>)(m.body)
      : Promise.resolve({ ok: false, error: "unavailable", message: `this CSMS loop serves no ${m.kind}s` });
    answer(this.port, m.id, work);
  }

  publish(event: BusEvent): void {
    if (!this.#closed) this.port.postMessage({ ch: "bus", t: "event", event } satisfies LoopBusMessage);
  }

  subscribe(listener: BusListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  sendCommand: Bus["sendCommand"] = async (chargerId, action, payload, options) => {
    if (this.#closed) return UNAVAILABLE;
    const body: SendCommandBody = { chargerId, action, payload, ...(options && { options }) };
    return await ask(this.#asks, this.port, "command", body) as CommandResult;
  };

  serveCommands(handler: CommandHandler): () => void {
    this.#commands = handler;
    return () => {
      if (this.#commands === handler) this.#commands = undefined;
    };
  }

  async admin<K extends AdminKind>(request: Extract<AdminRequest, { kind: K }>): Promise<AdminResult<K>> {
    if (this.#closed) return UNAVAILABLE;
    return await ask(this.#asks, this.port, "admin", request) as AdminResult<K>;
  }

  serveAdmin(handler: AdminHandler): () => void {
    this.#admin = handler;
    return () => {
      if (this.#admin === handler) this.#admin = undefined;
    };
  }

  ready(): Promise<boolean> {
    return Promise.resolve(!this.#closed);
  }

  close(): Promise<void> {
    this.#closed = true;
    this.#asks.drop(UNAVAILABLE);
    this.#listeners.clear();
    return Promise.resolve();
  }
}

/** The loops' side of the process's bus: see the module comment. */
export class LoopHub {
  readonly #loops: PortLike[];
  readonly #asks: PendingAnswers<unknown>[];
  /** Charger → index of the loop holding its socket, from the loops' presence events. */
  readonly #holder = new Map<string, number>();
  #nextAdmin = 0;
  #unserve: Array<() => void> = [];

  constructor(private readonly bus: Bus, loops: PortLike[]) {
    this.#loops = loops;
    this.#asks = loops.map(() => new PendingAnswers<unknown>());
    this.#unserve.push(
      bus.serveCommands((req) =>
        this.#ask(this.#commandLoop(req.chargerId), "command", req) as Promise<CommandResult>
      ),
      bus.serveAdmin((req) => this.#admin(req)),
    );
  }

  /** Feed loop `index`'s bus messages here. */
  receive(index: number, m: LoopBusMessage): void {
    const port = this.#loops[index];
    if (m.t === "answer") return this.#asks[index].answered(m.id, m.result);
    if (m.t === "request") {
      const work = m.kind === "command"
        ? (({ chargerId, action, payload, options }: SendCommandBody) =>
          this.bus.sendCommand(chargerId, action, payload, options))(m.body as SendCommandBody)
        : this.bus.admin(m.body as AdminRequest);
      return answer(port, m.id, work);
    }
    const event = m.event;
    if (event.type === "charger.connected") this.#holder.set(event.chargerId, index);
    else if (event.type === "charger.disconnected" && this.#holder.get(event.chargerId) === index) {
      this.#holder.delete(event.chargerId);
    }
    if (event.type === "charger.connected" || event.type === "charger.disconnected") {
      for (const loop of this.#loops) loop.postMessage(m);
    }
    this.bus.publish(event);
  }

  /** The loop holding the charger; else the first, which answers `offline` in the CSMS's own words. */
  #commandLoop(chargerId: string): number {
    return this.#holder.get(chargerId) ?? 0;
  }

  #admin(req: AdminRequest): Promise<AdminResult> {
    let index: number;
    if (req.kind === "charger.disconnect") index = this.#commandLoop(req.chargerId);
    else index = this.#nextAdmin++ % this.#loops.length;
    return this.#ask(index, "admin", req) as Promise<AdminResult>;
  }

  #ask(index: number, kind: Kind, body: CommandRequest | AdminRequest): Promise<unknown> {
    return ask(this.#asks[index], this.#loops[index], kind, body);
  }

  /** Stops serving the process's bus and answers every request still waiting `unavailable`. */
  close(): void {
    for (const unserve of this.#unserve) unserve();
    this.#unserve = [];
    for (const asks of this.#asks) asks.drop(UNAVAILABLE);
  }
}
