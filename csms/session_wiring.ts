/**
 * What a charger's RPC session is given by its connection, as one object per connection whose methods live
 * on the prototype: a literal with `send`/`onFrame`/`onBadFrame`/`log` arrow functions cost four closures
 * and their shared scope per socket, and the adapter's spread copy of it another object (issue 15: memory
 * per idle charger).
 */
import type { ActionMap } from "../shared/ocpp/actions16.ts";
import type { FrameRecord, HandlerTable, RpcSessionOptions } from "../shared/ocpp/rpc.ts";
import type { FrameError } from "../shared/ocpp/frames.ts";
import type { OcppVersion } from "../shared/ocpp/version.ts";

/** The connection's side: where the session's frames, bad frames and diagnostic lines go. */
export interface SessionHost {
  readonly callTimeoutMs: number;
  readonly maxFrameBytes: number;
  /** Writes one text frame to the socket; throws when it is not open (the session settles the call). */
  sendText(text: string): void;
  frameSeen(record: FrameRecord): void;
  badFrame(error: FrameError): void;
  logLine(line: string): void;
}

export class SessionWiring implements RpcSessionOptions {
  readonly callTimeoutMs: number;
  readonly maxFrameBytes: number;

  constructor(
    readonly host: SessionHost,
    readonly version: OcppVersion,
    readonly handlers: HandlerTable<ActionMap>,
  ) {
    this.callTimeoutMs = host.callTimeoutMs;
    this.maxFrameBytes = host.maxFrameBytes;
  }

  send(text: string): void {
    this.host.sendText(text);
  }

  onFrame(record: FrameRecord): void {
    this.host.frameSeen(record);
  }

  onBadFrame(error: FrameError): void {
    this.host.badFrame(error);
  }

  log(line: string): void {
    this.host.logLine(line);
  }
}
