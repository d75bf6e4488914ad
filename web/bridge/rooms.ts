/**
 * Who watches what: a client's view (the fleet, one charger) as Socket.IO rooms, and the set of chargers
 * some client watches, kept from the adapter's own events.
 */
import { CHARGER_ID_RULE, isChargerId } from "../../shared/identifiers.ts";
import type { View } from "../lib/protocol.ts";
import type { BridgeServer } from "./types.ts";

export const FLEET_ROOM = "fleet";
const CHARGER_ROOM = "charger:";
export const chargerRoom = (id: string) => `${CHARGER_ROOM}${id}`;

/** A client's view request, checked; a string says what is wrong with it. */
export function parseView(raw: unknown): View | string {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return "view must be an object";
  const { fleet, chargerId } = raw as Record<string, unknown>;
  if (fleet !== undefined && typeof fleet !== "boolean") return "view.fleet must be a boolean";
  if (chargerId !== undefined && chargerId !== null && !isChargerId(chargerId)) {
    return `view.chargerId must be null or a string of ${CHARGER_ID_RULE}`;
  }
  return { fleet, chargerId: chargerId as string | null | undefined };
}

/**
 * The chargers some client watches (their rooms exist). Every bus event asks, three per OCPP message under
 * load, and a lookup by the id alone builds no room name.
 */
export class WatchedChargers {
  readonly #ids = new Set<string>();
  readonly #onCreated = (room: unknown) => {
    if (typeof room === "string" && room.startsWith(CHARGER_ROOM)) {
      this.#ids.add(room.slice(CHARGER_ROOM.length));
    }
  };
  readonly #onDeleted = (room: unknown) => {
    if (typeof room === "string" && room.startsWith(CHARGER_ROOM)) {
      this.#ids.delete(room.slice(CHARGER_ROOM.length));
    }
  };

  constructor(private readonly io: BridgeServer) {
    io.sockets.adapter.on("create-room", this.#onCreated);
    io.sockets.adapter.on("delete-room", this.#onDeleted);
  }

  has(chargerId: string): boolean {
    return this.#ids.has(chargerId);
  }

  roomSize(room: string): number {
    return this.io.sockets.adapter.rooms.get(room)?.size ?? 0;
  }

  close(): void {
    this.io.sockets.adapter.off("create-room", this.#onCreated);
    this.io.sockets.adapter.off("delete-room", this.#onDeleted);
  }
}
