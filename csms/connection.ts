/**
 * One charger's live connection: its WebSocket, its RPC session (made by its
 * protocol's adapter) and the limits that protect the CSMS from it (frame
 * size, bad-frame rate). Frames go to the bus as they cross the wire, their
 * secrets redacted (the socket gets them whole); the portal keeps the log.
 */
import type { Protocol } from "../shared/domain.ts";
import type { OcppFrameEvent } from "../shared/events.ts";
import { spellErrorCode } from "../shared/ocpp/errors.ts";
import {
  CALL,
  CALLERROR,
  type FrameError,
  serializeFrame,
  UNKNOWN_MESSAGE_ID,
} from "../shared/ocpp/frames.ts";
import { type FrameMeter, frameMeter } from "../shared/metrics.ts";
import { type Logger, logger } from "../shared/log.ts";
import { redactFrameText } from "../shared/ocpp/redact.ts";
import type { FrameRecord } from "../shared/ocpp/rpc.ts";
import type { ChargerWrites } from "../shared/storage.ts";
import type { CsmsConfig } from "./config.ts";
import type { EventSink } from "./event_sink.ts";
import { cutText } from "./frame_text.ts";
import type { ChargerSession, ProtocolAdapter } from "./protocol.ts";
import type { SessionHost } from "./session_wiring.ts";
import { isoAt } from "./clock.ts";
import { SlidingWindowLimit } from "./rate_limit.ts";

/** WebSocket close codes the CSMS uses (RFC 6455). */
export const CLOSE = {
  normal: 1000,
  goingAway: 1001,
  protocolError: 1002,
  unsupportedData: 1003,
  policyViolation: 1008,
  tooBig: 1009,
  /** The charger connected to another CSMS node of the cluster (one connection per charger). */
  movedAway: 4000,
} as const;

/** Why a connection ended, as published in charger.disconnected. */
export type DisconnectReason = "closed" | "replaced" | "timeout" | "kicked" | "shutdown";

export interface ConnectionServices {
  config: Pick<CsmsConfig, "callTimeout" | "maxFrameBytes" | "badFramesPerMinute">;
  chargers: Pick<ChargerWrites, "seen">;
  sink: EventSink;
  /** Told when the socket has opened: the connection becomes the charger's. */
  onOpened(conn: ChargerConnection): void;
  /** Told once when the connection has ended, whatever ended it. */
  onEnded(conn: ChargerConnection, reason: DisconnectReason, code: number | undefined): void;
}

const BAD_FRAME_WINDOW_MS = 60_000;
const LOG_LINES_PER_MINUTE = 10;
const log = logger("csms");
/** Deno reports a missed pong with this close reason (idleTimeout). */
const PING_TIMEOUT_REASON = "No response from ping frame.";

export class ChargerConnection implements SessionHost, EventListenerObject {
  readonly id: string;
  readonly adapter: ProtocolAdapter;
  readonly socket: WebSocket;
  readonly session: ChargerSession;
  readonly remoteAddress?: string;
  /** When the last frame (of any kind) arrived, ms. */
  lastFrameMs = Date.now();
  #svc: ConnectionServices;
  /** Made on the first bad frame: most chargers never send one. */
  #badFrames?: SlidingWindowLimit;
  #logLimit?: SlidingWindowLimit;
  /** Set when the CSMS itself closes the socket, so the close event reports why. */
  #endReason?: DisconnectReason;
  #ended = false;
  #closed?: PromiseWithResolvers<void>;
  /** Secrets of the last CALL sent, until the next: a charger's answer may echo them (an error text). */
  #sentSecrets?: readonly string[];
  #meter: FrameMeter;
  /** When the frame being read arrived (performance.now()), for the handling time of a CALL. */
  #arrivedAt = 0;
  /**
   * The charger's CALL being handled, and when it arrived. OCPP-J allows one at a time; a charger that
   * sends another before the answer has the first one's time forgotten, not its answer.
   */
  #callId?: string;
  #callAt = 0;
  #logger?: Logger;

  constructor(
    id: string,
    adapter: ProtocolAdapter,
    socket: WebSocket,
    svc: ConnectionServices,
    remoteAddress?: string,
  ) {
    this.id = id;
    this.adapter = adapter;
    this.socket = socket;
    this.remoteAddress = remoteAddress;
    this.#svc = svc;
    this.#meter = frameMeter(adapter.protocol);
    this.session = adapter.openSession(id, this);
    // The connection is the listener (handleEvent), not closures: per socket, no closure or scope, and no
    // `wrappedHandler` that each `on…` property adds. No error listener: errors are always followed by a
    // close event, where the connection ends.
    socket.addEventListener("open", this, { once: true });
    socket.addEventListener("message", this);
    socket.addEventListener("close", this);
  }

  /** The socket's events (EventListenerObject). */
  handleEvent(e: Event): void {
    if (e.type === "message") this.#onMessage(e as MessageEvent);
    else if (e.type === "open") this.#svc.onOpened(this);
    else if (e.type === "close") this.#onClose((e as CloseEvent).code, (e as CloseEvent).reason);
  }

  // SessionHost: what the session is wired to (session_wiring.ts).
  get callTimeoutMs(): number {
    return this.#svc.config.callTimeout * 1000;
  }

  get maxFrameBytes(): number {
    return this.#svc.config.maxFrameBytes;
  }

  sendText(text: string): void {
    if (this.socket.readyState !== WebSocket.OPEN) throw new Error("connection is not open");
    this.socket.send(text);
  }

  frameSeen(r: FrameRecord): void {
    this.#onFrame(r);
  }

  badFrame(e: FrameError): void {
    if (e.tooLarge) {
      this.close(CLOSE.tooBig, `frame exceeds ${this.#svc.config.maxFrameBytes} bytes`, "kicked");
    } // Answerable bad frames were counted when their CALLERROR went out.
    else if (!e.answerable) this.#badFrame();
  }

  logLine(line: string): void {
    this.#log(line);
  }

  get protocol(): Protocol {
    return this.adapter.protocol;
  }

  get open(): boolean {
    return !this.#ended && this.socket.readyState === WebSocket.OPEN;
  }

  #onMessage(e: MessageEvent): void {
    const nowMs = Date.now();
    this.#arrivedAt = performance.now();
    this.lastFrameMs = nowMs;
    this.#svc.chargers.seen(this.id, nowMs);
    if (typeof e.data === "string") {
      this.session.receive(e.data);
      return;
    }
    // OCPP-J is text only. A binary frame is answered like any unreadable frame.
    const size = e.data instanceof ArrayBuffer ? e.data.byteLength : (e.data as Blob).size;
    if (size > this.#svc.config.maxFrameBytes) {
      this.close(CLOSE.tooBig, `frame exceeds ${this.#svc.config.maxFrameBytes} bytes`, "kicked");
      return;
    }
    this.#record("in", `<binary frame, ${size} bytes>`, 0, UNKNOWN_MESSAGE_ID);
    this.#sendRaw(
      serializeFrame({
        type: CALLERROR,
        id: UNKNOWN_MESSAGE_ID,
        code: spellErrorCode("RpcFrameworkError", this.protocol),
        description: "binary frames are not OCPP-J: send JSON text frames",
        details: {},
      }),
    );
    this.#badFrame();
  }

  #sendRaw(text: string): void {
    if (this.socket.readyState !== WebSocket.OPEN) return;
    this.#record("out", text, CALLERROR, UNKNOWN_MESSAGE_ID);
    this.#meter.error("out", "RpcFrameworkError");
    this.socket.send(text);
  }

  #onFrame(r: FrameRecord): void {
    this.#record(r.direction, r.text, r.messageType, r.messageId, r.action);
    if (r.errorCode !== undefined) this.#meter.error(r.direction, r.errorCode);
    if (r.messageType === CALL) {
      if (r.direction === "in") {
        this.#callId = r.messageId;
        this.#callAt = this.#arrivedAt;
      }
    } else if (r.direction === "out" && r.messageId === this.#callId) {
      this.#callId = undefined;
      this.#meter.handled(r.action, (performance.now() - this.#callAt) / 1000);
    }
    // Every CALLERROR we send answers a frame the charger got wrong, except our own InternalError.
    if (r.direction === "out" && r.messageType === CALLERROR && r.errorCode !== "InternalError") {
      this.#badFrame();
    }
  }

  #record(
    direction: "in" | "out",
    text: string,
    messageType: OcppFrameEvent["messageType"],
    messageId: string,
    action?: string,
  ): void {
    this.#meter.frame(direction, action);
    const atMs = Date.now();
    // Before anything keeps or shows the frame: the bus, and through it the portal's log.
    const shown = redactFrameText(text, {
      json: messageType !== 0,
      alsoHide: direction === "in" ? this.#sentSecrets : undefined,
    });
    if (direction === "out" && messageType === CALL) {
      this.#sentSecrets = shown.secrets.length > 0 ? shown.secrets : undefined;
    }
    const event: OcppFrameEvent = {
      type: "ocpp.frame",
      chargerId: this.id,
      at: isoAt(atMs),
      direction,
      messageType,
      messageId,
      // Cut after redaction: a cut frame is no longer JSON, and its secrets harder to find.
      text: cutText(shown.value),
    };
    if (action !== undefined) event.action = action;
    this.#svc.sink.emit(event);
  }

  #badFrame(): void {
    this.#badFrames ??= new SlidingWindowLimit(this.#svc.config.badFramesPerMinute, BAD_FRAME_WINDOW_MS);
    if (this.#badFrames.hit(Date.now())) {
      // After the current frame's CALLERROR has gone out, so the charger learns what was wrong.
      queueMicrotask(() =>
        this.close(
          CLOSE.policyViolation,
          `more than ${this.#svc.config.badFramesPerMinute} bad frames a minute`,
          "kicked",
        )
      );
    }
  }

  /** Diagnostic lines from the session, at most LOG_LINES_PER_MINUTE per connection: a peer cannot flood the log. */
  #log(line: string): void {
    this.#logLimit ??= new SlidingWindowLimit(LOG_LINES_PER_MINUTE, 60_000);
    if (!this.#logLimit.hit(Date.now())) (this.#logger ??= log.charger(this.id)).warn(line);
  }

  /** Closes the socket; the connection ends when the close completes (or at once if it cannot). */
  close(code: number, reason: string, why: DisconnectReason): void {
    if (this.#ended) return;
    this.#endReason ??= why;
    this.session.close(reason);
    try {
      this.socket.close(code, reason);
    } catch {
      this.#end(code);
    }
  }

  /** Resolves once the socket has closed. */
  closed(): Promise<void> {
    if (this.#ended) return Promise.resolve();
    this.#closed ??= Promise.withResolvers();
    return this.#closed.promise;
  }

  #onClose(code: number, reason: string): void {
    // Deno may fire close twice (after a ping timeout); the first one counts.
    if (this.#ended) return;
    if (!this.#endReason && code === CLOSE.goingAway && reason === PING_TIMEOUT_REASON) {
      this.#endReason = "timeout";
    }
    this.#end(code);
  }

  #end(code: number | undefined): void {
    if (this.#ended) return;
    this.#ended = true;
    this.session.close("connection closed");
    this.socket.removeEventListener("message", this);
    this.#svc.onEnded(this, this.#endReason ?? "closed", code);
    this.#closed?.resolve();
  }
}
