/** The Socket.IO server and socket types the bridge's modules share, and what each socket carries. */
import type { BroadcastOperator, Server, Socket } from "socket.io";
import type { Principal } from "../auth/roles.ts";
import type { Backlog, Outbox } from "../lib/outbox.ts";
import type { ClientToServerEvents, ServerToClientEvents } from "../lib/protocol.ts";

export interface SocketData {
  view: { fleet: boolean; chargerId: string | null };
  principal: Principal;
  outbox: Outbox;
  backlog: Backlog;
}

export type BridgeServer = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  Record<never, never>,
  SocketData
>;
export type BridgeSocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  Record<never, never>,
  SocketData
>;
export type Broadcast = BroadcastOperator<ServerToClientEvents, SocketData>;
