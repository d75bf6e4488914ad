/**
 * The seam between the CSMS's protocol-neutral core (connection.ts, connections.ts, commands.ts,
 * server.ts) and a protocol adapter (csms/ocpp16/; a 2.0.1 one goes beside it). The core knows sockets,
 * frames and operator commands as action names with payloads; each adapter knows its protocol's session,
 * its handlers (wire shapes in, domain records to storage), and which operator commands it accepts and how
 * they are checked and followed up.
 */
import type { CommandResult, Protocol } from "../shared/domain.ts";
import type { BootStatus } from "../shared/queries.ts";
import type { SessionHost } from "./session_wiring.ts";

/** A DataTransfer from a charger, in the fields both protocols share (1.6's `data` is text, 2.0.1's any JSON). */
export interface VendorRequest {
  vendorId: string;
  messageId?: string;
  data?: unknown;
}

export interface VendorAnswer {
  status: "Accepted" | "Rejected" | "UnknownMessageId" | "UnknownVendorId";
  data?: unknown;
}

/**
 * Answers the DataTransfers of one vendorId, whatever the charger's protocol (`protocol` says which, for a
 * handler whose answer depends on it). The answer is still checked against that protocol's schema before
 * it is sent (shared/ocpp/rpc.ts): 1.6 takes text `data` only.
 */
export type VendorHandler = (
  request: VendorRequest,
  chargerId: string,
  protocol: Protocol,
) => VendorAnswer | Promise<VendorAnswer>;

/** What the core needs of a charger's RPC session, whatever its protocol. */
export interface ChargerSession {
  /** How this connection's last BootNotification was answered; undefined before any. */
  readonly bootStatus?: BootStatus;
  receive(text: string): void;
  close(reason: string): void;
  /** Sends a CALL; rejects with RpcTimeoutError, RpcClosedError or OcppError (shared/ocpp/errors.ts). */
  call(action: string, payload: unknown, options: { timeoutMs: number }): Promise<unknown>;
}

/** The connection's side of a session (the adapter wires it with its version and handlers: SessionWiring). */
export type { SessionHost };

/** An operator command the adapter has checked, ready to be sent. */
export interface PreparedCommand {
  /**
   * The payload to send, when the adapter completed the operator's (a 2.0.1 RequestStartTransaction's
   * remoteStartId, which the CSMS assigns); absent: the operator's as it came.
   */
  payload?: Record<string, unknown>;
  /** Runs after the charger answered, before the command is answered (a key's hash stored, say). */
  afterAnswer?(response: unknown): Promise<void>;
}

export type CommandCheck =
  | { ok: true; command: PreparedCommand }
  | { ok: false; result: Extract<CommandResult, { ok: false }> };

export interface ProtocolAdapter {
  /** The OCPP-J subprotocol it speaks, as negotiated on the WebSocket. */
  readonly protocol: Protocol;
  /** A session for a charger that connected with this protocol. */
  openSession(chargerId: string, host: SessionHost): ChargerSession;
  /** The actions an operator may send to a charger of this protocol. */
  readonly operatorCommands: readonly string[];
  /** Of those, the ones the protocol forbids while the charger's boot is Pending or Rejected. */
  readonly onlyWhenAccepted: readonly string[];
  /**
   * Checks an operator command (one of operatorCommands) before it is sent: its payload against the
   * protocol's schema and rules ("invalid" otherwise), and what must follow the charger's answer.
   */
  prepareCommand(chargerId: string, action: string, payload: Record<string, unknown>): Promise<CommandCheck>;
}
