/**
 * Socket.IO <-> Bus. Every client gets a snapshot of what it watches when it
 * connects (or changes view), then live updates: the fleet room gets compact
 * rows coalesced per charger, a charger's room gets every event of that one
 * charger (frames included), everyone gets transaction events. Commands go down
 * the same Bus path as REST's and are acknowledged with the charger's answer.
 */
import type { Server, Socket } from "socket.io";
import type { Bus, BusEvent } from "../shared/events.ts";
import type { CsmsQueries } from "../shared/queries.ts";
import { Coalescer } from "./lib/coalescer.ts";
import { FleetState } from "./lib/fleet_state.ts";
import type {
  ChargerSnapshot,
  ClientToServerEvents,
  CommandRequestMessage,
  MeterPoint,
  ServerToClientEvents,
  View,
} from "./lib/protocol.ts";
import { MAX_CHARGER_ID_LENGTH, runCommand } from "./commands.ts";

export type BridgeServer = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  Record<never, never>,
  SocketData
>;
type BridgeSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<never, never>, SocketData>;

interface SocketData {
  view: { fleet: boolean; chargerId: string | null };
}

export interface BridgeOptions {
  /** How often at most the fleet room hears about one charger (default 400 ms: a few updates a second). */
  fleetIntervalMs?: number;
  /** Frames in a charger snapshot (default 300). */
  snapshotFrames?: number;
  /** Meter samples in a charger snapshot (default 1000). */
  snapshotSamples?: number;
}

export interface Bridge {
  fleet: FleetState;
  /** What a client watching one charger starts from (also what its page is rendered from). */
  chargerSnapshot(chargerId: string): Promise<ChargerSnapshot>;
  close(): void;
}

const FLEET_ROOM = "fleet";
const chargerRoom = (id: string) => `charger:${id}`;

function parseView(raw: unknown): View | string {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return "view must be an object";
  const { fleet, chargerId } = raw as Record<string, unknown>;
  if (fleet !== undefined && typeof fleet !== "boolean") return "view.fleet must be a boolean";
  if (
    chargerId !== undefined && chargerId !== null &&
    (typeof chargerId !== "string" || chargerId.length === 0 || chargerId.length > MAX_CHARGER_ID_LENGTH)
  ) {
    return `view.chargerId must be null or a string of 1 to ${MAX_CHARGER_ID_LENGTH} characters`;
  }
  return { fleet, chargerId: chargerId as string | null | undefined };
}

export async function attachBridge(
  io: BridgeServer,
  bus: Bus,
  queries: CsmsQueries,
  options: BridgeOptions = {},
): Promise<Bridge> {
  const fleet = new FleetState();
  const snapshotFrames = options.snapshotFrames ?? 300;
  const snapshotSamples = options.snapshotSamples ?? 1000;
  /** Sockets whose charger snapshot is being read: the events meanwhile wait here, so none is lost. */
  const loading = new Map<string, { chargerId: string; events: BusEvent[] }>();
  let seeded = false;
  const early: BusEvent[] = [];

  const roomSize = (room: string) => io.sockets.adapter.rooms.get(room)?.size ?? 0;

  const coalescer = new Coalescer<string>(options.fleetIntervalMs ?? 400, (ids) => {
    if (roomSize(FLEET_ROOM) === 0) return;
    const rows = ids.flatMap((id) => fleet.row(id) ?? []);
    io.to(FLEET_ROOM).emit("fleet:update", { at: new Date().toISOString(), rows, counts: fleet.counts() });
  });

  const onEvent = (event: BusEvent) => {
    if (!seeded) {
      early.push(event);
      return;
    }
    if (fleet.apply(event)) coalescer.mark(event.chargerId);
    const room = chargerRoom(event.chargerId);
    if (roomSize(room) > 0) io.to(room).emit("charger:event", event);
    for (const pending of loading.values()) {
      if (pending.chargerId === event.chargerId) pending.events.push(event);
    }
    if (event.type === "transaction.started" || event.type === "transaction.stopped") {
      io.emit("transaction", event);
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
    if (current.fleet && view.fleet) {
      socket.emit("fleet:snapshot", {
        at: new Date().toISOString(),
        rows: fleet.rows(),
        counts: fleet.counts(),
      });
    }
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
          socket.emit("charger:snapshot", snapshot);
          for (const event of pending.events) socket.emit("charger:event", event);
          socket.join(chargerRoom(chargerId));
        } finally {
          if (loading.get(socket.id) === pending) loading.delete(socket.id);
        }
      }
    }
  }

  async function onCommand(request: CommandRequestMessage, ack: unknown) {
    if (typeof ack !== "function") return; // a command nobody waits for is a mistake; do not send it blind
    const r = (typeof request === "object" && request !== null ? request : {}) as Partial<
      CommandRequestMessage
    >;
    ack(await runCommand(bus, r.chargerId, r.action, r.payload, r.timeoutMs));
  }

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
    socket.on("command", (request, ack) => void onCommand(request, ack));
    socket.on("disconnect", () => loading.delete(socket.id));
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
    close() {
      unsubscribe();
      coalescer.close();
      loading.clear();
    },
  };
}
