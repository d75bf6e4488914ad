/**
 * The browser's one Socket.IO connection, shared by every island on the page.
 * Islands say what they watch with `watch()`; after every (re)connect the view
 * is sent again, so the server answers with fresh snapshots and nothing is
 * stale after a network drop. The connection state is a signal for the header.
 * The handshake carries the session cookie; when the server refuses it, the
 * page asks whether the session has ended and, if so, goes to sign-in.
 */
import { signal } from "@preact/signals";
import { io, type Socket } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents, View } from "../lib/protocol.ts";
import { toSignIn } from "./api.ts";

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
    checkSession();
  });
  return s;
}

let lastCheck = 0;

/** A refused handshake may be an ended session (or just a server that is down): ask, at most every 5 s. */
function checkSession(): void {
  if (Date.now() - lastCheck < 5000) return;
  lastCheck = Date.now();
  fetch("/api/v1/session", { credentials: "same-origin" }).then((res) => {
    if (res.status === 401) toSignIn();
  }, () => {});
}

/** Adds to what this page watches; the server sends the matching snapshot right away. */
export function watch(next: View): PortalSocket {
  if (next.fleet !== undefined) view.fleet = next.fleet;
  if (next.chargerId !== undefined) view.chargerId = next.chargerId;
  const s = getSocket();
  if (s.connected) s.emit("subscribe", { ...next });
  return s;
}
