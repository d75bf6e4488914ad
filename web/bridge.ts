/**
 * Socket.IO <-> Bus. Every client gets a snapshot of what it watches when it
 * connects (or changes view), then live updates: the fleet room gets compact
 * rows coalesced per charger (web/bridge/fleet_feed.ts), a charger's room gets
 * every event of that one charger (frames included; this portal keeps their
 * recent ones, web/lib/frame_log.ts), everyone gets transaction events.
 * Commands go down the same Bus path as REST's (web/bridge/socket_commands.ts).
 *
 * Every client is signed in (the handshake checked it, web/auth/socket_gate.ts):
 * viewers watch, operators and admins also send commands. Nothing is queued
 * without bound for a client that does not read (web/bridge/delivery.ts): past
 * the bound it misses pushes, and gets fresh state once it reads again.
 */
import type { Bus, BusEvent } from "../shared/events.ts";
import type { CsmsReads } from "../shared/queries.ts";
import type { AuditLog } from "./audit/log.ts";
import type { Principal } from "./auth/roles.ts";
import { chargerSnapshots } from "./bridge/charger_snapshot.ts";
import { Delivery, describeClient } from "./bridge/delivery.ts";
import { FleetFeed } from "./bridge/fleet_feed.ts";
import { chargerRoom, FLEET_ROOM, parseView, WatchedChargers } from "./bridge/rooms.ts";
import { onSocketCommand } from "./bridge/socket_commands.ts";
import type { BridgeServer, BridgeSocket } from "./bridge/types.ts";
import { FleetState } from "./lib/fleet_state.ts";
import {
  FLEET_SERIES_BUCKET_MS,
  FLEET_SERIES_SPAN_MS,
  type FleetHistory,
  FleetSeries,
  fleetTotals,
} from "./lib/fleet_series.ts";
import { FrameLog } from "./lib/frame_log.ts";
import {
  Backlog,
  type BufferLimits,
  DEFAULT_BUFFER_LIMITS,
  Outbox,
  SlowConsumerCounters,
  type SlowConsumerStats,
} from "./lib/outbox.ts";
import type { ChargerSnapshot, View } from "./lib/protocol.ts";
import { logger } from "../shared/log.ts";

const log = logger("web");

export type { BridgeServer, SocketData } from "./bridge/types.ts";

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
  /** Frames in a charger snapshot (default 300; the frame log keeps fewer per charger). */
  snapshotFrames?: number;
  /** The frames this portal keeps per charger (default web/lib/frame_log.ts's). */
  frameLog?: FrameLog;
  /** Meter samples in a charger snapshot (default 1000). */
  snapshotSamples?: number;
  /** What a client may have queued before it misses pushes (default 128 packets, 1 MiB). */
  buffer?: Partial<BufferLimits>;
}

export interface Bridge {
  fleet: FleetState;
  /** The recent frames of every charger, from the bus. */
  frames: FrameLog;
  /** What a client watching one charger starts from (also what its page is rendered from). */
  chargerSnapshot(chargerId: string): Promise<ChargerSnapshot>;
  stats(): SocketStats;
  /** The fleet's total power and chargers charging over the last hour, up to now (web/lib/fleet_series.ts). */
  fleetHistory(): FleetHistory;
  /**
   * Checks every client's credentials again (after a logout, a revoked token, a changed role): a client
   * whose `check` fails is disconnected, the others carry on with the role `check` returns.
   */
  recheck(check: (principal: Principal) => Promise<Principal | undefined>): Promise<void>;
  close(): void;
}

export async function attachBridge(
  io: BridgeServer,
  bus: Bus,
  reads: CsmsReads,
  identify: Identify,
  audit: AuditLog,
  options: BridgeOptions = {},
): Promise<Bridge> {
  const fleet = new FleetState();
  const frames = options.frameLog ?? new FrameLog();
  const limits: BufferLimits = { ...DEFAULT_BUFFER_LIMITS, ...options.buffer };
  const counters = new SlowConsumerCounters(limits);
  const delivery = new Delivery(io, counters);
  const rooms = new WatchedChargers(io);
  const fleetFeed = new FleetFeed(fleet, delivery, rooms, {
    batchMs: options.fleetBatchMs ?? 20,
    intervalMs: options.fleetIntervalMs ?? 400,
  });
  const chargerSnapshot = chargerSnapshots(reads, fleet, frames, {
    frames: options.snapshotFrames ?? 300,
    samples: options.snapshotSamples ?? 1000,
    events: 500,
  });
  /** Sockets whose charger snapshot is being read: the events meanwhile wait here, so none is lost. */
  const loading = new Map<string, { chargerId: string; events: BusEvent[] }>();
  /** Events kept per loading snapshot at most; past it the client gets a fresh snapshot instead. */
  const maxLoadingEvents = limits.packets * 4;
  let seeded = false;
  const early: BusEvent[] = [];
  const series = new FleetSeries({ bucketMs: FLEET_SERIES_BUCKET_MS, spanMs: FLEET_SERIES_SPAN_MS });
  const sampleFleet = () => series.record(fleetTotals(fleet.rows()));

  /** The frame log follows the bus: frames go in, and a charger's presence decides how long its ring stays. */
  const logFrames = (event: BusEvent) => {
    if (event.type === "ocpp.frame") frames.push(event);
    else if (event.type === "charger.connected") frames.online(event.chargerId);
    else if (event.type === "charger.disconnected" && !fleet.summary(event.chargerId)?.online) {
      frames.offline(event.chargerId);
    }
  };

  const onEvent = (event: BusEvent) => {
    if (!seeded) {
      early.push(event);
      return;
    }
    if (fleet.apply(event)) fleetFeed.mark(event.chargerId);
    logFrames(event);
    if (rooms.has(event.chargerId)) {
      delivery.pushToRoom(
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
          delivery.missed(socket, "chargerEvents");
          socket.data.backlog.charger = true;
        }
      }
    }
    if (event.type === "transaction.started" || event.type === "transaction.stopped") {
      delivery.pushToRoom(
        undefined,
        "transactions",
        (s) => s.data.backlog.transaction = event,
        (to) => to.emit("transaction", event),
      );
    }
    // Rare, and for every client (the event-log page): a slow one misses it and reads the log on reload.
    if (event.type === "security.event") {
      delivery.pushToRoom(undefined, "transactions", () => {}, (to) => to.emit("security", event));
    }
  };

  // Subscribe before listing, so nothing published while the list is read is missed; replaying an event the
  // list already reflects changes nothing (the fold is idempotent for these).
  const unsubscribe = bus.subscribe(onEvent);
  try {
    fleet.load(await reads.listChargers());
  } catch (err) {
    unsubscribe();
    rooms.close();
    fleetFeed.close();
    throw err;
  }
  seeded = true;
  for (const event of early.splice(0)) onEvent(event);
  sampleFleet();
  // A point every bucket, events or not: a quiet fleet's line carries on at its level.
  const sampler = setInterval(sampleFleet, FLEET_SERIES_BUCKET_MS);

  async function setView(socket: BridgeSocket, view: View): Promise<void> {
    const current = socket.data.view;
    if (view.fleet !== undefined && view.fleet !== current.fleet) {
      current.fleet = view.fleet;
      if (view.fleet) socket.join(FLEET_ROOM);
      else socket.leave(FLEET_ROOM);
    }
    if (current.fleet && view.fleet) fleetFeed.sendSnapshot(socket);
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
            !delivery.pushTo(socket, "snapshots", () => socket.emit("charger:snapshot", snapshot))
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
    log.info(
      `${describeClient(socket)} reads again after missing ${dropped} pushes over ` +
        `${((Date.now() - since) / 1000).toFixed(1)} s; it gets fresh state`,
    );
    const view = socket.data.view;
    if (view.fleet && fleetSnapshot) fleetFeed.sendSnapshot(socket);
    else if (view.fleet && rows.length > 0) fleetFeed.sendMissedRows(socket, rows);
    if (transaction) socket.emit("transaction", transaction as never);
    if (charger && view.chargerId) {
      const chargerId = view.chargerId;
      setView(socket, { chargerId }).catch((err) => log.error("snapshot failed:", { chargerId, error: err }));
    }
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
    socket.on("command", (request, ack) => void onSocketCommand(bus, audit, socket, request, ack));
    socket.on("disconnect", (reason) => {
      loading.delete(socket.id);
      const dropped = socket.data.backlog.dropped;
      if (dropped > 0) {
        log.warn(
          `${describeClient(socket)} left (${reason}) while behind, after ${dropped} dropped pushes`,
        );
      }
    });
    const auth = socket.handshake.auth;
    if (auth && (auth.fleet !== undefined || auth.chargerId !== undefined)) {
      const view = parseView({ fleet: auth.fleet, chargerId: auth.chargerId });
      if (typeof view !== "string") {
        setView(socket, view).catch((err) =>
          log.error("snapshot failed:", {
            chargerId: view.chargerId ?? undefined,
            error: err,
          })
        );
      }
    }
  });

  return {
    fleet,
    frames,
    chargerSnapshot,
    fleetHistory() {
      sampleFleet();
      return series.history();
    },
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
    // The checks ask the portal's store (a database away with PostgreSQL): all at once, and a socket
    // whose check fails for want of the store keeps its principal until the next recheck rather than
    // being dropped for an outage. Never rejects.
    async recheck(check) {
      // One check per session or token, however many tabs and sockets it has open.
      const checks = new Map<string, Promise<Principal | undefined>>();
      const checkOnce = (p: Principal) => {
        const key = p.kind === "session" ? `s:${p.sessionId}` : `t:${p.tokenId}`;
        let pending = checks.get(key);
        if (!pending) checks.set(key, pending = check(p));
        return pending;
      };
      await Promise.all([...io.sockets.sockets.values()].map(async (socket) => {
        try {
          const fresh = await checkOnce(socket.data.principal);
          if (!socket.connected) return;
          if (fresh) socket.data.principal = fresh;
          else socket.disconnect(true);
        } catch (err) {
          log.error(
            `socket ${socket.id} not rechecked: ${(err as Error).message}`,
          );
        }
      }));
    },
    close() {
      clearInterval(sampler);
      unsubscribe();
      rooms.close();
      fleetFeed.close();
      loading.clear();
    },
  };
}
