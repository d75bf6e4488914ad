/**
 * One OCPP-J connection as a conformance case sees it: every frame kept with its schema verdict, calls
 * answered by the peer or timed out on the injected clock, and the peer's calls kept in an inbox that a
 * case reads in order. Unlike the RPC session (shared/ocpp/rpc.ts), it sends whatever a case asks for —
 * wrong frames included — and never refuses: a case that checks the peer's error handling must be able to
 * send the error. The frame grammar and the schemas are the project's one source (frames.ts, validate.ts).
 */
import {
  CALL,
  CALLERROR,
  CALLRESULT,
  newMessageId,
  parseFrame,
  serializeFrame,
} from "../shared/ocpp/frames.ts";
import type { JsonObject } from "../shared/ocpp/frames.ts";
import { isKnownAction, validatePayload } from "../shared/ocpp/validate.ts";
import type { OcppVersion } from "../shared/ocpp/version.ts";
import type { Clock } from "./clock.ts";
import type { Transport } from "./transport.ts";

/** A frame as it crossed the wire, with what the schema check found. */
export interface WireFrame {
  /** Milliseconds on the runner's clock. */
  at: number;
  direction: "in" | "out";
  text: string;
  action?: string;
  /** Why the frame breaks the frame grammar or its payload's schema; absent when it conforms. */
  problem?: string;
}

// Payloads are whatever the schema allows; cases read their fields freely.
// deno-lint-ignore no-explicit-any
export type Payload = any;

export type Answer =
  | { kind: "result"; payload: Payload }
  | { kind: "error"; code: string; description: string }
  | { kind: "timeout" }
  | { kind: "closed" };

export interface IncomingCall {
  id: string;
  action: string;
  payload: Payload;
  at: number;
  /** Set once answered, by a handler or by the case. */
  answered: boolean;
}

/** What a handler answers: a CALLRESULT payload, or a CALLERROR. */
export type HandlerAnswer = JsonObject | { callError: string; description?: string };
export type CallHandler = (payload: Payload, call: IncomingCall) => HandlerAnswer | undefined;

export interface LinkOptions {
  version: OcppVersion;
  transport: Transport;
  clock: Clock;
  /** Receives every frame. */
  record(frame: WireFrame): void;
}

interface Waiter {
  check(): boolean;
  wake(): void;
}

export class Link {
  readonly version: OcppVersion;
  readonly inbox: IncomingCall[] = [];
  readonly handlers = new Map<string, CallHandler>();
  /** Answers a call no handler takes; unset, such a call waits for the case to answer it. */
  fallback?: CallHandler;
  #o: LinkOptions;
  /** Our calls by message id, to name the action of their answers and to hand the answer to the caller. */
  #calls = new Map<string, { action: string; answer?: Answer }>();
  #waiters = new Set<Waiter>();
  #closed = false;
  #consumed = new Set<IncomingCall>();
  closeInfo?: { code: number; reason: string };

  constructor(o: LinkOptions) {
    this.version = o.version;
    this.#o = o;
    o.transport.onMessage((text) => this.#receive(text));
    o.transport.closed.then((info) => {
      this.#closed = true;
      this.closeInfo = info;
      this.#wakeAll();
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Sends a CALL and waits for its answer. The payload is sent as given, valid or not. */
  call(action: string, payload: JsonObject, timeoutMs: number): Promise<Answer> {
    const id = newMessageId();
    return this.callRaw(serializeFrame({ type: CALL, id, action, payload }), id, action, timeoutMs);
  }

  /** Sends any text (a wrong frame too) and, when `id` is given, waits for the answer to that id. */
  async callRaw(text: string, id: string | undefined, action: string | undefined, timeoutMs: number) {
    if (id !== undefined) this.#calls.set(id, { action: action ?? "" });
    this.#send(text, action);
    if (id === undefined) return { kind: "timeout" } as Answer;
    const entry = this.#calls.get(id)!;
    await this.#waitUntil(() => entry.answer !== undefined || this.#closed, timeoutMs);
    return entry.answer ?? (this.#closed ? { kind: "closed" } : { kind: "timeout" });
  }

  /** Answers one of the peer's calls with a CALLRESULT. */
  reply(call: IncomingCall, payload: JsonObject): void {
    call.answered = true;
    this.#send(serializeFrame({ type: CALLRESULT, id: call.id, payload }), call.action);
  }

  /** Answers one of the peer's calls with a CALLERROR. */
  replyError(call: IncomingCall, code: string, description = ""): void {
    call.answered = true;
    this.#send(serializeFrame({ type: CALLERROR, id: call.id, code, description, details: {} }), call.action);
  }

  /**
   * The first call of the peer not taken yet that `match` accepts, waiting up to `timeoutMs` for it;
   * undefined when none came. Calls skipped over stay for later.
   */
  async expectCall(match: string | ((c: IncomingCall) => boolean), timeoutMs: number) {
    const accept = typeof match === "string" ? (c: IncomingCall) => c.action === match : match;
    const find = () => this.inbox.find((c) => !this.#consumed.has(c) && accept(c));
    await this.#waitUntil(() => find() !== undefined || this.#closed, timeoutMs);
    const found = find();
    if (found) this.#consumed.add(found);
    return found;
  }

  /** Marks every call received so far as taken: a case starts from what comes next. */
  skipReceived(): void {
    for (const c of this.inbox) this.#consumed.add(c);
  }

  /** Waits until the connection closes; true if it did within `timeoutMs`. */
  async waitClosed(timeoutMs: number): Promise<boolean> {
    await this.#waitUntil(() => this.#closed, timeoutMs);
    return this.#closed;
  }

  async close(): Promise<void> {
    await this.#o.transport.close();
  }

  #send(text: string, action: string | undefined): void {
    const frame: WireFrame = { at: this.#o.clock.now(), direction: "out", text, action };
    const problem = this.#check(text, "out");
    if (problem) frame.problem = problem.problem;
    if (problem?.action) frame.action = problem.action;
    this.#o.record(frame);
    try {
      this.#o.transport.send(text);
    } catch {
      // Closed meanwhile: the caller sees "closed".
    }
  }

  /** The schema verdict on a frame, and the action it belongs to when that can be told. */
  #check(text: string, direction: "in" | "out"): { problem?: string; action?: string } | undefined {
    const parsed = parseFrame(text);
    if (!parsed.ok) return { problem: `${parsed.error.code}: ${parsed.error.description}` };
    const f = parsed.frame;
    if (f.type === CALL) {
      if (!isKnownAction(this.version, f.action)) return { problem: `unknown action ${f.action}` };
      const bad = validatePayload(this.version, f.action, "request", f.payload);
      return bad ? { problem: `${f.action} request: ${bad.description}` } : undefined;
    }
    if (f.type === CALLRESULT) {
      const action = direction === "in"
        ? this.#calls.get(f.id)?.action
        : this.inbox.find((c) => c.id === f.id)?.action;
      if (!action) {
        return direction === "in" ? { problem: `CALLRESULT for unknown message id ${f.id}` } : undefined;
      }
      const bad = validatePayload(this.version, action, "response", f.payload);
      return { action, ...(bad && { problem: `${action} response: ${bad.description}` }) };
    }
    return undefined;
  }

  #receive(text: string): void {
    const at = this.#o.clock.now();
    const parsed = parseFrame(text);
    const verdict = this.#check(text, "in");
    const frame: WireFrame = { at, direction: "in", text, ...verdict };
    if (parsed.ok && parsed.frame.type === CALL) frame.action = parsed.frame.action;
    if (parsed.ok && parsed.frame.type === CALLERROR) frame.action = this.#calls.get(parsed.frame.id)?.action;
    this.#o.record(frame);
    if (!parsed.ok) {
      // As a strict peer would: a CALL we cannot read gets its CALLERROR; a broken answer fails our call.
      const e = parsed.error;
      if (e.answerable) {
        this.#send(
          serializeFrame({
            type: CALLERROR,
            id: e.messageId,
            code: e.code,
            description: e.description,
            details: {},
          }),
          undefined,
        );
      }
      const mine = this.#calls.get(e.messageId);
      if (mine && !mine.answer) mine.answer = { kind: "error", code: e.code, description: e.description };
      this.#wakeAll();
      return;
    }
    const f = parsed.frame;
    if (f.type === CALL) {
      const call: IncomingCall = { id: f.id, action: f.action, payload: f.payload, at, answered: false };
      this.inbox.push(call);
      if (verdict?.problem) {
        const bad = isKnownAction(this.version, f.action)
          ? validatePayload(this.version, f.action, "request", f.payload)
          : { code: "NotImplemented", description: `unknown action ${f.action}` };
        this.replyError(call, bad?.code ?? "FormatViolation", bad?.description ?? "invalid payload");
      } else {
        const handler = this.handlers.get(f.action) ?? this.fallback;
        const answer = handler?.(f.payload, call);
        if (answer && "callError" in answer) {
          this.replyError(call, String(answer.callError), String(answer.description ?? ""));
        } else if (answer) this.reply(call, answer);
      }
    } else {
      const mine = this.#calls.get(f.id);
      if (mine && !mine.answer) {
        mine.answer = f.type === CALLRESULT
          ? { kind: "result", payload: f.payload }
          : { kind: "error", code: f.code, description: f.description };
      }
    }
    this.#wakeAll();
  }

  #wakeAll(): void {
    for (const w of [...this.#waiters]) if (w.check()) w.wake();
  }

  /** Resolves when `check` holds (re-checked at every frame and at close) or after `timeoutMs`. */
  async #waitUntil(check: () => boolean, timeoutMs: number): Promise<void> {
    if (check()) return;
    const stop = new AbortController();
    const waiter: Waiter = { check, wake: () => stop.abort() };
    this.#waiters.add(waiter);
    try {
      await this.#o.clock.sleep(timeoutMs, stop.signal);
    } finally {
      this.#waiters.delete(waiter);
    }
  }
}
