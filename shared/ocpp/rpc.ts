/**
 * An OCPP-J RPC session, independent of the transport: it is given `send(text)`
 * and fed every incoming text with `receive(text)`. It keeps at most one
 * outgoing CALL outstanding (OCPP-J forbids more) and queues the rest in order,
 * matches answers by id, times calls out, validates every payload in both
 * directions and dispatches incoming CALLs to handlers.
 */
import type { ActionMap, RequestOf, ResponseOf } from "./actions16.ts";
import {
  type ErrorCode,
  errorText,
  normalizeErrorCode,
  OcppError,
  RpcClosedError,
  RpcTimeoutError,
  spellErrorCode,
} from "./errors.ts";
import {
  CALL,
  CALLERROR,
  type CallFrame,
  CALLRESULT,
  type Frame,
  type FrameError,
  type JsonObject,
  newMessageId,
  parseFrame,
  serializeFrame,
} from "./frames.ts";
import { isKnownAction, validatePayload } from "./validate.ts";
import type { OcppVersion } from "./version.ts";

export const DEFAULT_CALL_TIMEOUT_MS = 30_000;

/** One frame as it crossed the wire, for the live log. `action` is filled in for answers too. */
export interface FrameRecord {
  direction: "in" | "out";
  text: string;
  messageType: 2 | 3 | 4 | 0;
  messageId: string;
  action?: string;
  /** For a CALLERROR, sent or received: the canonical code, whatever the version spells on the wire. */
  errorCode?: ErrorCode;
}

export interface RpcSessionOptions {
  version: OcppVersion;
  send(text: string): void;
  callTimeoutMs?: number;
  /** Validate payloads against the schemas (default true). */
  validate?: boolean;
  /** Frame size limit for incoming text, in UTF-8 bytes. */
  maxFrameBytes?: number;
  /** Told of every frame sent or received. */
  onFrame?(record: FrameRecord): void;
  /** Told of frames that could not be parsed (after any CALLERROR was sent). */
  onBadFrame?(error: FrameError, text: string): void;
  /** Where diagnostic lines go (late answers, invalid handler responses). Default: console.warn. */
  log?(line: string): void;
  /**
   * Handlers shared with other sessions (see HandlerTable). A later `handle()` on this session adds to a
   * private copy, never to the shared table.
   */
  handlers?: HandlerTable<ActionMap>;
}

export interface CallOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface HandlerContext {
  messageId: string;
  action: string;
  /** The session the CALL arrived on, so that one shared handler can serve many sessions. */
  session: RpcSession<ActionMap, ActionMap>;
  /**
   * Runs `fn` once this CALL's CALLRESULT is written: for a CALL of ours that must follow the answer (the
   * CSMS's first commands after a boot, which the charger must know is Accepted first). Not run when no
   * CALLRESULT goes out (a CALLERROR, a closed session).
   */
  afterAnswer(fn: () => void): void;
}

type Handler = (payload: never, ctx: HandlerContext) => unknown;

/**
 * A CALL's context as a class: a literal with an `afterAnswer` closure, and the array it pushes to, were
 * three objects per CALL; this is one, and the array is made only for a CALL that has something to run.
 */
class CallContext implements HandlerContext {
  after?: Array<() => void>;

  constructor(
    readonly messageId: string,
    readonly action: string,
    readonly session: RpcSession<ActionMap, ActionMap>,
  ) {}

  afterAnswer(fn: () => void): void {
    (this.after ??= []).push(fn);
  }
}

/** The typed handler of one incoming action: its return value is the CALLRESULT payload. */
export type ActionHandler<In extends ActionMap, A extends keyof In> = (
  payload: RequestOf<In, A>,
  ctx: HandlerContext,
) => ResponseOf<In, A> | Promise<ResponseOf<In, A>>;

/**
 * One set of handlers for many sessions: a server holding thousands of
 * connections registers its handlers once, not once per connection (a Map and
 * a closure per action per connection add up). Handlers tell sessions apart by
 * `ctx.session`.
 */
export class HandlerTable<In extends ActionMap> {
  readonly map: Map<string, Handler> = new Map();

  handle<A extends keyof In & string>(
    action: A,
    handler: ActionHandler<In, A>,
  ): this {
    this.map.set(action, handler as Handler);
    return this;
  }
}

interface PendingCall {
  id: string;
  action: string;
  text: string;
  resolve(payload: unknown): void;
  reject(err: Error): void;
  timeoutMs: number;
  timer?: ReturnType<typeof setTimeout>;
  signal?: AbortSignal;
  onAbort?: () => void;
}

/**
 * `In` is the map of actions the peer calls on us; `Out` the map of actions we
 * call on the peer. A CSMS is `RpcSession<ChargePointActions16, CentralSystemActions16>`.
 */
export class RpcSession<In extends ActionMap, Out extends ActionMap> {
  readonly version: OcppVersion;
  #opts: RpcSessionOptions;
  #handlers: Map<string, Handler>;
  /** #handlers is a shared table: copy it before adding to it. */
  #sharedHandlers: boolean;
  #outstanding?: PendingCall;
  /** Made on the first call queued behind another: most sessions of a server never have one. */
  #queue?: PendingCall[];
  #closed = false;
  #closeReason = "";

  constructor(options: RpcSessionOptions) {
    this.version = options.version;
    this.#opts = options;
    this.#sharedHandlers = options.handlers !== undefined;
    this.#handlers = options.handlers?.map ?? new Map();
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Calls waiting behind the outstanding one. */
  get queued(): number {
    return this.#queue?.length ?? 0;
  }

  /** Registers the handler for an incoming action. Its return value is the CALLRESULT payload. */
  handle<A extends keyof In & string>(
    action: A,
    handler: ActionHandler<In, A>,
  ): this {
    if (this.#sharedHandlers) {
      this.#handlers = new Map(this.#handlers);
      this.#sharedHandlers = false;
    }
    this.#handlers.set(action, handler as Handler);
    return this;
  }

  /** Sends a CALL and resolves with the peer's CALLRESULT payload; rejects with OcppError, RpcTimeoutError or RpcClosedError. */
  call<A extends keyof Out & string>(
    action: A,
    payload: RequestOf<Out, A>,
    options: CallOptions = {},
  ): Promise<ResponseOf<Out, A>> {
    if (this.#closed) return Promise.reject(new RpcClosedError(action, this.#closeReason));
    if (this.#opts.validate !== false) {
      const bad = validatePayload(this.version, action, "request", payload);
      if (bad) {
        return Promise.reject(new OcppError(bad.code, `refusing to send ${action}: ${bad.description}`));
      }
    }
    if (options.signal?.aborted) return Promise.reject(options.signal.reason);
    const id = newMessageId();
    return new Promise((resolve, reject) => {
      const pending: PendingCall = {
        id,
        action,
        text: serializeFrame({ type: CALL, id, action, payload: payload as JsonObject }),
        resolve: resolve as (p: unknown) => void,
        reject,
        timeoutMs: options.timeoutMs ?? this.#opts.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS,
        signal: options.signal,
      };
      if (options.signal) {
        pending.onAbort = () => this.#settle(pending, options.signal!.reason ?? new Error("aborted"));
        options.signal.addEventListener("abort", pending.onAbort, { once: true });
      }
      (this.#queue ??= []).push(pending);
      this.#pump();
    });
  }

  /** Feeds one incoming text frame. Never throws. */
  receive(text: string): void {
    if (this.#closed) return;
    const parsed = parseFrame(text, { maxBytes: this.#opts.maxFrameBytes });
    if (!parsed.ok) {
      const e = parsed.error;
      this.#notify(() =>
        this.#opts.onFrame?.({ direction: "in", text, messageType: 0, messageId: e.messageId })
      );
      if (e.answerable && !e.tooLarge) this.#sendError(e.messageId, e.code, e.description);
      else if (!e.answerable && this.#outstanding && this.#outstanding.id === e.messageId) {
        // A broken answer to our own CALL: fail the call now instead of letting it wait for the timeout.
        const p = this.#outstanding;
        this.#settle(p, new OcppError(e.code, `malformed answer to ${p.action}: ${e.description}`));
      }
      this.#notify(() => this.#opts.onBadFrame?.(e, text));
      return;
    }
    const frame = parsed.frame;
    if (this.#opts.onFrame) {
      const record: FrameRecord = {
        direction: "in",
        text,
        messageType: frame.type,
        messageId: frame.id,
        action: frame.type === CALL
          ? frame.action
          : this.#outstanding?.id === frame.id
          ? this.#outstanding.action
          : undefined,
      };
      if (frame.type === CALLERROR) record.errorCode = normalizeErrorCode(frame.code);
      this.#frameSeen(record);
    }
    if (frame.type === CALL) {
      this.#dispatch(frame).catch((err) =>
        this.#log(`dispatch of ${frame.action} ${frame.id} failed: ${errorText(err)}`)
      );
    } else {
      this.#answer(frame);
    }
  }

  /** Ends the session: every outstanding and queued call rejects with RpcClosedError. */
  close(reason = "connection closed"): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#closeReason = reason;
    const queued = this.#queue ?? [];
    const all = this.#outstanding ? [this.#outstanding, ...queued] : queued;
    this.#outstanding = undefined;
    this.#queue = undefined;
    for (const p of all) this.#settle(p, new RpcClosedError(p.action, reason), false);
  }

  #log(line: string): void {
    // Called as a method: the options may be an object whose methods live on its prototype.
    if (this.#opts.log) this.#opts.log(line);
    else console.warn(line);
  }

  /** Runs an observer callback; its failure is logged, never allowed to break the session. */
  #notify(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.#log(`frame observer failed: ${errorText(err)}`);
    }
  }

  /**
   * Tells the frame observer, never letting its failure break the session. Not through #notify: the
   * closure (and its scope) it takes would be made for every frame, two per message (issue 15).
   */
  #frameSeen(record: FrameRecord): void {
    try {
      this.#opts.onFrame?.(record);
    } catch (err) {
      this.#log(`frame observer failed: ${errorText(err)}`);
    }
  }

  /** Sends a frame of ours; `record` is what the frame observer is told of it. */
  #write(record: FrameRecord): void {
    this.#frameSeen(record);
    this.#opts.send(record.text);
  }

  #pump(): void {
    if (this.#outstanding || this.#closed) return;
    const next = this.#queue?.shift();
    if (!next) return;
    this.#outstanding = next;
    next.timer = setTimeout(
      () => this.#settle(next, new RpcTimeoutError(next.action, next.timeoutMs)),
      next.timeoutMs,
    );
    try {
      this.#write({
        direction: "out",
        text: next.text,
        messageType: CALL,
        messageId: next.id,
        action: next.action,
      });
    } catch (err) {
      this.#settle(next, err instanceof Error ? err : new Error(String(err)));
    }
  }

  /** Removes a call wherever it is, rejects it, and lets the next one go. */
  #settle(p: PendingCall, err: Error | undefined, pump = true, payload?: unknown): void {
    clearTimeout(p.timer);
    if (p.onAbort) p.signal?.removeEventListener("abort", p.onAbort);
    if (this.#outstanding === p) this.#outstanding = undefined;
    else {
      const i = this.#queue?.indexOf(p) ?? -1;
      if (i >= 0) this.#queue!.splice(i, 1);
    }
    if (err) p.reject(err);
    else p.resolve(payload);
    if (pump) this.#pump();
  }

  #answer(frame: Exclude<Frame, CallFrame>): void {
    const p = this.#outstanding;
    if (!p || p.id !== frame.id) {
      this.#log(
        `dropping ${
          frame.type === CALLRESULT ? "CALLRESULT" : "CALLERROR"
        } for unknown or late message ${frame.id}`,
      );
      return;
    }
    if (frame.type === CALLERROR) {
      this.#settle(p, new OcppError(normalizeErrorCode(frame.code), frame.description, frame.details));
      return;
    }
    if (this.#opts.validate !== false) {
      const bad = validatePayload(this.version, p.action, "response", frame.payload);
      if (bad) {
        this.#settle(p, new OcppError(bad.code, `invalid ${p.action} response: ${bad.description}`));
        return;
      }
    }
    this.#settle(p, undefined, true, frame.payload);
  }

  async #dispatch(frame: CallFrame): Promise<void> {
    const { id, action, payload } = frame;
    const handler = this.#handlers.get(action);
    if (!handler) {
      if (isKnownAction(this.version, action)) {
        this.#sendError(id, "NotSupported", `${action} is not supported`, {}, action);
      } else this.#sendError(id, "NotImplemented", `unknown action ${action}`, {}, action);
      return;
    }
    if (this.#opts.validate !== false) {
      const bad = validatePayload(this.version, action, "request", payload);
      if (bad) return this.#sendError(id, bad.code, bad.description, {}, action);
    }
    let result: unknown;
    const ctx = new CallContext(id, action, this as unknown as RpcSession<ActionMap, ActionMap>);
    try {
      result = await handler(payload as never, ctx);
    } catch (err) {
      if (err instanceof OcppError) {
        // Normalized so that a code thrown in any spelling goes out spelt right for this version.
        return this.#sendError(id, normalizeErrorCode(err.code), err.description, err.details, action);
      }
      // The peer learns that we failed, never how: stack traces stay in our log.
      this.#log(
        `handler for ${action} failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`,
      );
      return this.#sendError(id, "InternalError", `${action} could not be processed`, {}, action);
    }
    if (this.#closed) return;
    if (this.#opts.validate !== false) {
      const bad = validatePayload(this.version, action, "response", result);
      if (bad) {
        this.#log(`handler for ${action} returned an invalid response: ${bad.description}`);
        return this.#sendError(id, "InternalError", `${action} could not be processed`, {}, action);
      }
    }
    let text: string;
    try {
      text = serializeFrame({ type: CALLRESULT, id, payload: result as JsonObject });
    } catch (err) {
      this.#log(`handler for ${action} returned an unserializable response: ${errorText(err)}`);
      return this.#sendError(id, "InternalError", `${action} could not be processed`, {}, action);
    }
    try {
      this.#write({ direction: "out", text, messageType: CALLRESULT, messageId: id, action });
    } catch (err) {
      // The transport is gone; the peer will time out. Never an unhandled rejection.
      this.#log(`could not send CALLRESULT ${id}: ${errorText(err)}`);
      return;
    }
    if (ctx.after) { for (const fn of ctx.after) fn(); }
  }

  #sendError(
    id: string,
    code: ErrorCode,
    description: string,
    details: JsonObject = {},
    action?: string,
  ): void {
    if (this.#closed) return;
    const text = serializeFrame({
      type: CALLERROR,
      id,
      code: spellErrorCode(code, this.version),
      description,
      details,
    });
    try {
      this.#write({ direction: "out", text, messageType: CALLERROR, messageId: id, action, errorCode: code });
    } catch (err) {
      this.#log(`could not send CALLERROR ${id}: ${errorText(err)}`);
    }
  }
}
