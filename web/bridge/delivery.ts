/**
 * Pushes to clients without queueing without bound for one that does not read (web/lib/outbox.ts): a client
 * whose outbox is full misses the push, what it missed is noted in its backlog, and the first miss of a
 * spell is logged. The counters feed GET /api/v1/stats.
 */
import { type DropKind, SlowConsumerCounters } from "../lib/outbox.ts";
import type { BridgeServer, BridgeSocket, Broadcast } from "./types.ts";
import { logger } from "../../shared/log.ts";

const log = logger("web");

export const describeClient = (s: BridgeSocket) =>
  `Socket.IO client ${s.id} (${s.data.principal.name} from ${s.handshake.address})`;

export class Delivery {
  constructor(private readonly io: BridgeServer, readonly counters: SlowConsumerCounters) {}

  /** A push `socket` misses because it is behind; the first one of a spell is logged. */
  missed(socket: BridgeSocket, kind: DropKind): void {
    const backlog = socket.data.backlog;
    if (backlog.dropped === 0) {
      backlog.since = Date.now();
      this.counters.episodes.started++;
      log.warn(
        `${describeClient(socket)} is not reading; it has ${socket.data.outbox.packets} messages ` +
          `(${socket.data.outbox.bytes} bytes) waiting, so its live updates are dropped until it catches up`,
      );
    }
    backlog.dropped++;
    this.counters.drop(kind);
  }

  /** Sends to one client unless it is behind; false when the push was dropped. */
  pushTo(socket: BridgeSocket, kind: DropKind, send: () => void): boolean {
    if (socket.data.outbox.full()) {
      this.missed(socket, kind);
      return false;
    }
    send();
    this.counters.observe(socket.data.outbox);
    return true;
  }

  /**
   * Sends to a room (every client when `room` is undefined) but the clients that are behind; for each of
   * those, `onMissed` notes what it missed. The message is still encoded once for all.
   */
  pushToRoom(
    room: string | undefined,
    kind: DropKind,
    onMissed: (socket: BridgeSocket) => void,
    send: (to: Broadcast) => void,
  ): void {
    const io = this.io;
    const ids = room === undefined ? io.sockets.sockets.keys() : io.sockets.adapter.rooms.get(room)?.values();
    if (!ids) return;
    const slow: string[] = [];
    const fast: BridgeSocket[] = [];
    for (const id of ids) {
      const socket = io.sockets.sockets.get(id);
      if (!socket) continue;
      if (socket.data.outbox.full()) {
        slow.push(id);
        this.missed(socket, kind);
        onMissed(socket);
      } else fast.push(socket);
    }
    if (fast.length === 0) return;
    // This node's sockets only: every portal node gets every bus event and sends it to its own (shared
    // rooms would send each event once per node to every browser).
    send(room === undefined ? io.local.except(slow) : io.local.to(room).except(slow));
    for (const socket of fast) this.counters.observe(socket.data.outbox);
  }
}
