/**
 * The browser's one Socket.IO connection, shared by every island on the page.
 * Islands say what they watch with `watch()`; after every (re)connect the view
 * is sent again, so the server answers with fresh snapshots and nothing is
 * stale after a network drop. The connection state is a signal for the header.
 */
import { signal } from "@preact/signals";
import { io, type Socket } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents, View } from "../lib/protocol.ts";

export type PortalSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type ConnectionState = "connecting" | "connected" | "reconnecting";

export const connection = signal<{ state: ConnectionState; attempt: number; since: number }>({
  state: "connecting",
  attempt: 0,
  since: Date.now(),
});

let socket: PortalSocket | undefined;
const view: { fleet: boolean; chargerId: string | null } = { fleet: false, chargerId: null };

export function getSocket(): PortalSocket {
  if (socket) return socket;
  const s: PortalSocket = io({ transports: ["websocket", "polling"] });
  socket = s;
  s.on("connect", () => {
    connection.value = { state: "connected", attempt: 0, since: Date.now() };
    s.emit("subscribe", { ...view });
  });
  s.on("disconnect", (reason) => {
    connection.value = { state: "reconnecting", attempt: 0, since: Date.now() };
    // After a server-side disconnect socket.io does not retry by itself; the portal should.
    if (reason === "io server disconnect") setTimeout(() => s.connect(), 1000);
  });
  s.io.on("reconnect_attempt", (attempt) => {
    connection.value = { ...connection.value, state: "reconnecting", attempt };
  });
  s.on("connect_error", () => {
    if (connection.value.state === "connected") {
      connection.value = { state: "reconnecting", attempt: 0, since: Date.now() };
    }
  });
  return s;
}

/** Adds to what this page watches; the server sends the matching snapshot right away. */
export function watch(next: View): PortalSocket {
  if (next.fleet !== undefined) view.fleet = next.fleet;
  if (next.chargerId !== undefined) view.chargerId = next.chargerId;
  const s = getSocket();
  if (s.connected) s.emit("subscribe", { ...next });
  return s;
}
