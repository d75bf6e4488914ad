/**
 * The fleet room's feed: compact rows coalesced per charger (at most one update per charger per interval,
 * batched), and the fleet snapshot a client starts from or gets again once it catches up.
 */
import { Coalescer } from "../lib/coalescer.ts";
import type { FleetState } from "../lib/fleet_state.ts";
import type { Delivery } from "./delivery.ts";
import { FLEET_ROOM, type WatchedChargers } from "./rooms.ts";
import type { BridgeSocket } from "./types.ts";

export interface FleetFeedOptions {
  /** How often at most the fleet room hears about one charger. */
  intervalMs: number;
  /** How often at most the fleet room gets a `fleet:update`. */
  batchMs: number;
}

export class FleetFeed {
  readonly #coalescer: Coalescer<string>;

  constructor(
    private readonly fleet: FleetState,
    private readonly delivery: Delivery,
    rooms: WatchedChargers,
    options: FleetFeedOptions,
  ) {
    this.#coalescer = new Coalescer<string>({
      batchMs: options.batchMs,
      minIntervalMs: options.intervalMs,
    }, (ids) => {
      if (rooms.roomSize(FLEET_ROOM) === 0) return;
      const update = { at: new Date().toISOString(), rows: this.#rows(ids), counts: fleet.counts() };
      delivery.pushToRoom(FLEET_ROOM, "fleetUpdates", (s) => {
        for (const id of ids) s.data.backlog.fleetRows.add(id);
      }, (to) => to.emit("fleet:update", update));
    });
  }

  /** A charger's row changed. */
  mark(chargerId: string): void {
    this.#coalescer.mark(chargerId);
  }

  /** The whole fleet to one client; if it is behind, it gets it once it catches up. */
  sendSnapshot(socket: BridgeSocket): void {
    const sent = this.delivery.pushTo(socket, "snapshots", () =>
      socket.emit("fleet:snapshot", {
        at: new Date().toISOString(),
        rows: this.fleet.rows(),
        counts: this.fleet.counts(),
      }));
    if (!sent) socket.data.backlog.fleetSnapshot = true;
  }

  /** The rows a client missed while it was behind, now. */
  sendMissedRows(socket: BridgeSocket, ids: readonly string[]): void {
    socket.emit("fleet:update", {
      at: new Date().toISOString(),
      rows: this.#rows(ids),
      counts: this.fleet.counts(),
    });
  }

  close(): void {
    this.#coalescer.close();
  }

  #rows(ids: Iterable<string>) {
    return [...ids].flatMap((id) => this.fleet.row(id) ?? []);
  }
}
