/**
 * One bench charger: a WebSocket speaking just enough OCPP-J 1.6 to boot, start a transaction and send
 * MeterValues. Deliberately lean (no schema validation, no per-call timer or promise on the hot path)
 * so that the driver, not the server, is never what a measurement measures; the frames themselves come
 * from shared/ocpp so they are the real wire format.
 */
import {
  CALL,
  CALLERROR,
  CALLRESULT,
  type JsonObject,
  parseFrame,
  serializeFrame,
} from "../shared/ocpp/frames.ts";
import type { ChargePointAction16, ChargePointActions16, RequestOf } from "../shared/ocpp/actions16.ts";
import { withTimeout } from "./wait.ts";

export const SUBPROTOCOL = "ocpp1.6";

/** How a CALL ended: `result` with the CALLRESULT payload, `error` with a CALLERROR code, or `timeout`. */
export type CallOutcome =
  | { kind: "result"; payload: JsonObject }
  | { kind: "error"; code: string; description: string }
  | { kind: "timeout" }
  | { kind: "closed" };

/** `rttMs` is from the send to the answer (or to the moment the call was given up). */
export type CallDone = (outcome: CallOutcome, rttMs: number) => void;

interface Pending {
  id: string;
  action: string;
  sentAt: number;
  deadline: number;
  done: CallDone;
}

export class BenchCharger {
  readonly ws: WebSocket;
  isOpen = false;
  booted = false;
  closedByPeer = false;
  transactionId?: number;
  energyWh = 0;
  #seq = 0;
  #pending?: Pending;
  #opened: Promise<void>;

  constructor(readonly id: string, url: string, private readonly onClose: (c: BenchCharger) => void) {
    this.ws = new WebSocket(url, SUBPROTOCOL);
    this.#opened = new Promise((resolve, reject) => {
      this.ws.onopen = () => {
        this.isOpen = true;
        // Deno's client opens even when the server echoes no subprotocol: a real charger would not go on.
        if (this.ws.protocol !== SUBPROTOCOL) {
          reject(new Error(`server did not accept subprotocol ${SUBPROTOCOL}`));
          this.close();
        } else resolve();
      };
      this.ws.onerror = (e) => reject(new Error((e as ErrorEvent).message || "WebSocket error"));
    });
    this.#opened.catch(() => {}); // the owner awaits it; a failure here must not become unhandled
    this.ws.onclose = () => {
      const wasOpen = this.isOpen;
      this.isOpen = false;
      if (wasOpen) this.closedByPeer = true;
      this.#finish({ kind: "closed" }, performance.now());
      this.onClose(this);
    };
    this.ws.onmessage = (e) => {
      if (typeof e.data === "string") this.#receive(e.data);
    };
  }

  get busy(): boolean {
    return this.#pending !== undefined;
  }

  opened(timeoutMs: number): Promise<void> {
    return withTimeout(this.#opened, timeoutMs, "WebSocket open");
  }

  /** Sends a CALL; the caller guarantees none is outstanding (OCPP-J allows one at a time). */
  call<A extends ChargePointAction16>(
    action: A,
    payload: RequestOf<ChargePointActions16, A>,
    timeoutMs: number,
    done: CallDone,
  ): void {
    if (this.#pending) throw new Error(`${this.id}: a CALL is already outstanding`);
    const id = String(++this.#seq);
    const sentAt = performance.now();
    this.#pending = { id, action, sentAt, deadline: sentAt + timeoutMs, done };
    this.ws.send(serializeFrame({ type: CALL, id, action, payload: payload as JsonObject }));
  }

  /** The setup path: a CALL as a promise, rejecting on anything but a CALLRESULT. */
  request<A extends ChargePointAction16>(
    action: A,
    payload: RequestOf<ChargePointActions16, A>,
    timeoutMs: number,
  ): Promise<JsonObject> {
    return new Promise((resolve, reject) => {
      this.call(action, payload, timeoutMs, (outcome) => {
        if (outcome.kind === "result") resolve(outcome.payload);
        else if (outcome.kind === "error") reject(new Error(`${action}: CALLERROR ${outcome.code}`));
        else reject(new Error(`${action}: ${outcome.kind}`));
      });
    });
  }

  /** Gives up an overdue CALL; the driver sweeps all chargers with this instead of one timer per call. */
  expire(now: number): void {
    if (this.#pending && now >= this.#pending.deadline) this.#finish({ kind: "timeout" }, now);
  }

  close(): void {
    try {
      this.ws.close(1000);
    } catch {
      // already closing
    }
  }

  #finish(outcome: CallOutcome, now: number): void {
    const p = this.#pending;
    if (!p) return;
    this.#pending = undefined;
    p.done(outcome, now - p.sentAt);
  }

  #receive(text: string): void {
    const now = performance.now();
    const parsed = parseFrame(text);
    if (!parsed.ok) return; // the server's own framing bugs are not ours to answer
    const frame = parsed.frame;
    if (frame.type === CALL) {
      // The bench charger carries out no commands; say so rather than leave the server waiting.
      this.ws.send(serializeFrame({
        type: CALLERROR,
        id: frame.id,
        code: "NotImplemented",
        description: "bench charger carries out no commands",
        details: {},
      }));
      return;
    }
    if (!this.#pending || frame.id !== this.#pending.id) return; // late answer to a timed-out CALL
    if (frame.type === CALLRESULT) this.#finish({ kind: "result", payload: frame.payload }, now);
    else this.#finish({ kind: "error", code: frame.code, description: frame.description }, now);
  }
}

/** A realistic MeterValues sample; the timestamp is the send time, which the latency scenario reads back. */
export function meterValues(c: BenchCharger): RequestOf<ChargePointActions16, "MeterValues"> {
  c.energyWh += 3;
  return {
    connectorId: 1,
    transactionId: c.transactionId,
    meterValue: [{
      timestamp: new Date().toISOString(),
      sampledValue: [
        {
          value: String(c.energyWh),
          context: "Sample.Periodic",
          measurand: "Energy.Active.Import.Register",
          unit: "Wh",
        },
        { value: "11000", context: "Sample.Periodic", measurand: "Power.Active.Import", unit: "W" },
        { value: "48", context: "Sample.Periodic", measurand: "SoC", unit: "Percent" },
      ],
    }],
  };
}
