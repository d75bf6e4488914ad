/**
 * Socket.IO <-> Bus. Every client gets a snapshot of what it watches when it
 * connects (or changes view), then live updates: the fleet room gets compact
 * rows coalesced per charger, a charger's room gets every event of that one
 * charger (frames included), everyone gets transaction events. Commands go down
 * the same Bus path as REST's and are acknowledged with the charger's answer.
 *
 * Every client is signed in (the handshake checked it, web/auth/socket_gate.ts):
 * viewers watch, operators and admins also send commands. Nothing is queued
 * without bound for a client that does not read (web/lib/outbox.ts): past the
 * bound it misses pushes, and gets fresh state once it reads again.
 */
import type { BroadcastOperator, Server, Socket } from "socket.io";
import type { Bus, BusEvent } from "../shared/events.ts";
import type { CsmsQueries } from "../shared/queries.ts";
import { actorOf } from "./audit/actor.ts";
import type { AuditLog } from "./audit/log.ts";
import { allows, type Principal } from "./auth/roles.ts";
import { Coalescer } from "./lib/coalescer.ts";
import { FleetState } from "./lib/fleet_state.ts";
import {
  Backlog,
  type BufferLimits,
  DEFAULT_BUFFER_LIMITS,
  type DropKind,
  Outbox,
  SlowConsumerCounters,
  type SlowConsumerStats,
} from "./lib/outbox.ts";
import type {
  ChargerSnapshot,
  ClientToServerEvents,
  CommandAck,
  CommandRequestMessage,
  MeterPoint,
  ServerToClientEvents,
  View,
} from "./lib/protocol.ts";
import { runAuditedCommand } from "./commands.ts";
import { CHARGER_ID_RULE, isChargerId } from "../shared/identifiers.ts";

export type BridgeServer = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  Record<never, never>,
  SocketData
>;
type BridgeSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<never, never>, SocketData>;
type Broadcast = BroadcastOperator<ServerToClientEvents, SocketData>;

export interface SocketData {
  view: { fleet: boolean; chargerId: string | null };
  principal: Principal;
  outbox: Outbox;
  backlog: Backlog;
}

/** Who a client is, as the handshake established (see web/auth/socket_gate.ts). */
export type Identify = (socket: BridgeSocket) => Principal | undefined;

/** The bridge's figures for GET /api/v1/stats. */
export interface SocketStats extends SlowConsumerStats {
  clients: number;
  /** Clients with something queued or missed now (at most 100). */
  behind: Array<{ id: string; user: string; packets: number; bytes: number; dropped: number }>;
}

export interface BridgeOptions {
  /** How often at most the fleet room hears about one charger (default 400 ms: a few updates a second). */
  fleetIntervalMs?: number;
  /**
   * How often at most the fleet room gets a `fleet:update` (default 20 ms): a change waits at most this
   * long (once its charger's interval is over), and a client gets at most 50 updates a second.
   */
  fleetBatchMs?: number;
  /** Frames in a charger snapshot (default 300). */
  snapshotFrames?: number;
  /** Meter samples in a charger snapshot (default 1000). */
  snapshotSamples?: number;
  /** What a client may have queued before it misses pushes (default 128 packets, 1 MiB). */
  buffer?: Partial<BufferLimits>;
}

export interface Bridge {
  fleet: FleetState;
  /** What a client watching one charger starts from (also what its page is rendered from). */
  chargerSnapshot(chargerId: string): Promise<ChargerSnapshot>;
  stats(): SocketStats;
  /**
   * Checks every client's credentials again (after a logout, a revoked token, a changed role): a client
   * whose `check` fails is disconnected, the others carry on with the role `check` returns.
   */
  recheck(check: (principal: Principal) => Principal | undefined): void;
  close(): void;
}

const FLEET_ROOM = "fleet";
const CHARGER_ROOM = "charger:";
const chargerRoom = (id: string) => `${CHARGER_ROOM}${id}`;

function parseView(raw: unknown): View | string {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return "view must be an object";
  const { fleet, chargerId } = raw as Record<string, unknown>;
  if (fleet !== undefined && typeof fleet !== "boolean") return "view.fleet must be a boolean";
  if (chargerId !== undefined && chargerId !== null && !isChargerId(chargerId)) {
    return `view.chargerId must be null or a string of ${CHARGER_ID_RULE}`;
  }
  return { fleet, chargerId: chargerId as string | null | undefined };
}

export async function attachBridge(
  io: BridgeServer,
  bus: Bus,
  queries: CsmsQueries,
  identify: Identify,
  audit: AuditLog,
  options: BridgeOptions = {},
): Promise<Bridge> {
  const fleet = new FleetState();
  const snapshotFrames = options.snapshotFrames ?? 300;
  const snapshotSamples = options.snapshotSamples ?? 1000;
  const limits: BufferLimits = { ...DEFAULT_BUFFER_LIMITS, ...options.buffer };
  const counters = new SlowConsumerCounters(limits);
  /** Sockets whose charger snapshot is being read: the events meanwhile wait here, so none is lost. */
  const loading = new Map<string, { chargerId: string; events: BusEvent[] }>();
  /** Events kept per loading snapshot at most; past it the client gets a fresh snapshot instead. */
  const maxLoadingEvents = limits.packets * 4;
  let seeded = false;
  const early: BusEvent[] = [];

  const roomSize = (room: string) => io.sockets.adapter.rooms.get(room)?.size ?? 0;
  // The chargers some client watches (their rooms exist), kept from the adapter's own events: every Bus
  // event asks, three per OCPP message under load, and a lookup by the id alone builds no room name.
  const watched = new Set<string>();
  const onRoomCreated = (room: unknown) => {
    if (typeof room === "string" && room.startsWith(CHARGER_ROOM)) {
      watched.add(room.slice(CHARGER_ROOM.length));
    }
  };
  const onRoomDeleted = (room: unknown) => {
    if (typeof room === "string" && room.startsWith(CHARGER_ROOM)) {
      watched.delete(room.slice(CHARGER_ROOM.length));
    }
  };
  io.sockets.adapter.on("create-room", onRoomCreated);
  io.sockets.adapter.on("delete-room", onRoomDeleted);
  const who = (s: BridgeSocket) =>
    `Socket.IO client ${s.id} (${s.data.principal.name} from ${s.handshake.address})`;

  /** A push `socket` misses because it is behind; the first one of a spell is logged. */
  function missed(socket: BridgeSocket, kind: DropKind): void {
    const backlog = socket.data.backlog;
    if (backlog.dropped === 0) {
      backlog.since = Date.now();
      counters.episodes.started++;
      console.warn(
        `web: ${who(socket)} is not reading; it has ${socket.data.outbox.packets} messages ` +
          `(${socket.data.outbox.bytes} bytes) waiting, so its live updates are dropped until it catches up`,
      );
    }
    backlog.dropped++;
    counters.drop(kind);
  }

  /** Sends to one client unless it is behind; false when the push was dropped. */
  function pushTo(socket: BridgeSocket, kind: DropKind, send: () => void): boolean {
    if (socket.data.outbox.full()) {
      missed(socket, kind);
      return false;
    }
    send();
    counters.observe(socket.data.outbox);
    return true;
  }

  /**
   * Sends to a room (every client when `room` is undefined) but the clients that are behind; for each of
   * those, `onMissed` notes what it missed. The message is still encoded once for all.
   */
  function pushToRoom(
    room: string | undefined,
    kind: DropKind,
    onMissed: (socket: BridgeSocket) => void,
    send: (to: Broadcast) => void,
  ): void {
    const ids = room === undefined ? io.sockets.sockets.keys() : io.sockets.adapter.rooms.get(room)?.values();
    if (!ids) return;
    const slow: string[] = [];
    const fast: BridgeSocket[] = [];
    for (const id of ids) {
      const socket = io.sockets.sockets.get(id);
      if (!socket) continue;
      if (socket.data.outbox.full()) {
        slow.push(id);
        missed(socket, kind);
        onMissed(socket);
      } else fast.push(socket);
    }
    if (fast.length === 0) return;
    send(room === undefined ? io.except(slow) : io.to(room).except(slow));
    for (const socket of fast) counters.observe(socket.data.outbox);
  }

  const coalescer = new Coalescer<string>({
    batchMs: options.fleetBatchMs ?? 20,
    minIntervalMs: options.fleetIntervalMs ?? 400,
  }, (ids) => {
    if (roomSize(FLEET_ROOM) === 0) return;
    const rows = ids.flatMap((id) => fleet.row(id) ?? []);
    const update = { at: new Date().toISOString(), rows, counts: fleet.counts() };
    pushToRoom(FLEET_ROOM, "fleetUpdates", (s) => {
      for (const id of ids) s.data.backlog.fleetRows.add(id);
    }, (to) => to.emit("fleet:update", update));
  });

  const onEvent = (event: BusEvent) => {
    if (!seeded) {
      early.push(event);
      return;
    }
    if (fleet.apply(event)) coalescer.mark(event.chargerId);
    if (watched.has(event.chargerId)) {
      pushToRoom(
        chargerRoom(event.chargerId),
        "chargerEvents",
        (s) => s.data.backlog.charger = true,
        (to) => to.emit("charger:event", event),
      );
    }
    for (const [socketId, pending] of loading) {
      if (pending.chargerId !== event.chargerId) continue;
      if (pending.events.length < maxLoadingEvents) pending.events.push(event);
      else {
        const socket = io.sockets.sockets.get(socketId);
        if (socket) {
          missed(socket, "chargerEvents");
          socket.data.backlog.charger = true;
        }
      }
    }
    if (event.type === "transaction.started" || event.type === "transaction.stopped") {
      pushToRoom(
        undefined,
        "transactions",
        (s) => s.data.backlog.transaction = event,
        (to) => to.emit("transaction", event),
      );
    }
  };

  // Subscribe before listing, so nothing published while the list is read is missed; replaying an event the
  // list already reflects changes nothing (the fold is idempotent for these).
  const unsubscribe = bus.subscribe(onEvent);
  try {
    fleet.load(await queries.listChargers());
  } catch (err) {
    unsubscribe();
    throw err;
  }
  seeded = true;
  for (const event of early.splice(0)) onEvent(event);

  async function chargerSnapshot(chargerId: string): Promise<ChargerSnapshot> {
    const charger = fleet.summary(chargerId) ?? await queries.getCharger(chargerId) ?? null;
    const active = charger?.activeTransactions.at(-1);
    const [frames, meter, transactions] = await Promise.all([
      queries.recentFrames(chargerId, snapshotFrames),
      queries.meterHistory(chargerId, {
        transactionId: active?.id,
        limit: snapshotSamples,
      }) as Promise<MeterPoint[]>,
      queries.listTransactions({ chargerId, limit: 10 }).then((r) => r.items),
    ]);
    return { at: new Date().toISOString(), chargerId, charger, frames, meter, transactions };
  }

  async function setView(socket: BridgeSocket, view: View): Promise<void> {
    const current = socket.data.view;
    if (view.fleet !== undefined && view.fleet !== current.fleet) {
      current.fleet = view.fleet;
      if (view.fleet) socket.join(FLEET_ROOM);
      else socket.leave(FLEET_ROOM);
    }
    if (current.fleet && view.fleet) sendFleetSnapshot(socket);
    if (view.chargerId !== undefined) {
      if (current.chargerId) socket.leave(chargerRoom(current.chargerId));
      current.chargerId = view.chargerId;
      loading.delete(socket.id);
      if (view.chargerId) {
        const chargerId = view.chargerId;
        const pending = { chargerId, events: [] as BusEvent[] };
        loading.set(socket.id, pending);
        try {
          const snapshot = await chargerSnapshot(chargerId);
          // The view may have changed while the snapshot was read.
          if (loading.get(socket.id) !== pending || !socket.connected) return;
          socket.join(chargerRoom(chargerId));
          // A client that is behind gets this snapshot when it catches up, not now.
          if (
            !pushTo(socket, "snapshots", () => socket.emit("charger:snapshot", snapshot))
          ) {
            socket.data.backlog.charger = true;
            return;
          }
          for (const event of pending.events) socket.emit("charger:event", event);
          counters.observe(socket.data.outbox);
        } finally {
          if (loading.get(socket.id) === pending) loading.delete(socket.id);
        }
      }
    }
  }

  function sendFleetSnapshot(socket: BridgeSocket): void {
    const sent = pushTo(socket, "snapshots", () =>
      socket.emit("fleet:snapshot", {
        at: new Date().toISOString(),
        rows: fleet.rows(),
        counts: fleet.counts(),
      }));
    if (!sent) socket.data.backlog.fleetSnapshot = true;
  }

  /** The engine handed this client's queue to the transport: if it missed pushes, it gets fresh state now. */
  function catchUp(socket: BridgeSocket): void {
    const backlog = socket.data.backlog;
    if (backlog.dropped === 0 && !backlog.pending) return;
    if (!socket.connected || socket.data.outbox.full()) return;
    const { fleetSnapshot, charger, transaction, dropped, since } = backlog;
    const rows = [...backlog.fleetRows];
    // Cleared before sending: each send below flushes, and a flush calls this again.
    backlog.clear();
    counters.episodes.recovered++;
    console.log(
      `web: ${who(socket)} reads again after missing ${dropped} pushes over ` +
        `${((Date.now() - since) / 1000).toFixed(1)} s; it gets fresh state`,
    );
    const view = socket.data.view;
    if (view.fleet && fleetSnapshot) sendFleetSnapshot(socket);
    else if (view.fleet && rows.length > 0) {
      socket.emit("fleet:update", {
        at: new Date().toISOString(),
        rows: rows.flatMap((id) => fleet.row(id) ?? []),
        counts: fleet.counts(),
      });
    }
    if (transaction) socket.emit("transaction", transaction as never);
    if (charger && view.chargerId) {
      setView(socket, { chargerId: view.chargerId }).catch((err) =>
        console.error("web: snapshot failed:", err)
      );
    }
  }

  async function onCommand(socket: BridgeSocket, request: CommandRequestMessage, ack: unknown) {
    if (typeof ack !== "function") return; // a command nobody waits for is a mistake; do not send it blind
    const { name, role } = socket.data.principal;
    if (!allows(role, "operator")) {
      const refusal: CommandAck = {
        ok: false,
        error: "forbidden",
        message: `sending commands needs the operator role; ${name} is a ${role}`,
      };
      ack(refusal);
      return;
    }
    const r = (typeof request === "object" && request !== null ? request : {}) as Partial<
      CommandRequestMessage
    >;
    const actor = actorOf(socket.data.principal, socket.handshake.address);
    ack(await runAuditedCommand(bus, audit, actor, r));
  }

  // The handshake was checked before Socket.IO saw it; this attaches who it is to the socket.
  io.use((socket, next) => {
    const principal = identify(socket);
    if (!principal) return next(new Error("unauthorized"));
    socket.data.principal = principal;
    socket.data.backlog = new Backlog();
    socket.data.outbox = new Outbox(limits, socket.conn, () => catchUp(socket));
    next();
  });

  io.on("connection", (socket: BridgeSocket) => {
    socket.data.view = { fleet: false, chargerId: null };
    socket.on("subscribe", (raw, ack) => {
      const view = parseView(raw);
      if (typeof view === "string") {
        if (typeof ack === "function") ack({ ok: false, message: view });
        return;
      }
      setView(socket, view).then(
        () => typeof ack === "function" && ack({ ok: true }),
        (err) => typeof ack === "function" && ack({ ok: false, message: `snapshot failed: ${String(err)}` }),
      );
    });
    socket.on("command", (request, ack) => void onCommand(socket, request, ack));
    socket.on("disconnect", (reason) => {
      loading.delete(socket.id);
      const dropped = socket.data.backlog.dropped;
      if (dropped > 0) {
        console.warn(`web: ${who(socket)} left (${reason}) while behind, after ${dropped} dropped pushes`);
      }
    });
    const auth = socket.handshake.auth;
    if (auth && (auth.fleet !== undefined || auth.chargerId !== undefined)) {
      const view = parseView({ fleet: auth.fleet, chargerId: auth.chargerId });
      if (typeof view !== "string") {
        setView(socket, view).catch((err) => console.error("web: snapshot failed:", err));
      }
    }
  });

  return {
    fleet,
    chargerSnapshot,
    stats() {
      const behind: SocketStats["behind"] = [];
      for (const s of io.sockets.sockets.values()) {
        const { outbox, backlog } = s.data;
        if (outbox.packets === 0 && backlog.dropped === 0) continue;
        behind.push({
          id: s.id,
          user: s.data.principal.name,
          packets: outbox.packets,
          bytes: outbox.bytes,
          dropped: backlog.dropped,
        });
        if (behind.length >= 100) break;
      }
      return { clients: io.sockets.sockets.size, ...counters.snapshot(), behind };
    },
    recheck(check) {
      for (const socket of io.sockets.sockets.values()) {
        const fresh = check(socket.data.principal);
        if (fresh) socket.data.principal = fresh;
        else socket.disconnect(true);
      }
    },
    close() {
      unsubscribe();
      io.sockets.adapter.off("create-room", onRoomCreated);
      io.sockets.adapter.off("delete-room", onRoomDeleted);
      coalescer.close();
      loading.clear();
    },
  };
}
