/**
 * The recent OCPP frames of every charger, for the portal's log: a fixed-size
 * ring per charger, so memory stays bounded however chatty a charger is. Fed
 * from the bus's `ocpp.frame` events (the CSMS cuts and redacts their text
 * before it publishes them), so each portal keeps its own.
 *
 * Thousands of idle chargers each hold a ring, so a ring is one flat array of
 * four slots per frame (a time-and-kind number, the text, the id, the action)
 * instead of an object and an ISO string per frame; the id is not kept when it
 * can be read back from the text. FrameEntry objects are built only when
 * someone reads the log.
 */
import type { OcppFrameEvent } from "../../shared/events.ts";

export type FrameEntry = Omit<OcppFrameEvent, "type">;

export const DEFAULT_FRAME_LOG_CAPACITY = 24;
/** Rings kept for chargers that are gone: ids are the peer's choice, so their number must be bounded. */
export const DEFAULT_OFFLINE_RINGS = 1000;

const MESSAGE_TYPES: readonly OcppFrameEvent["messageType"][] = [0, 2, 3, 4];

/** Time in ms and the frame's kind in one exact double: ms * 8 + direction * 4 + message type index. */
function stamp(atMs: number, direction: "in" | "out", messageType: OcppFrameEvent["messageType"]): number {
  return atMs * 8 + (direction === "out" ? 4 : 0) + MESSAGE_TYPES.indexOf(messageType);
}

const SLOTS = 4;

/** True when `text` starts `[N,"id"`, the id unescaped: then the id need not be kept beside the text. */
function idInText(text: string, id: string): boolean {
  return text.charCodeAt(3) === 34 && text.startsWith(id, 4) && text.charCodeAt(4 + id.length) === 34;
}

function idFromText(text: string): string {
  return text.slice(4, text.indexOf('"', 4));
}

class Ring {
  /** [stamp, text, id, action] per frame. */
  slots: Array<number | string> = [];
  /** Index of the oldest frame once the ring is full. */
  next = 0;
  get size(): number {
    return this.slots.length / SLOTS;
  }
}

export class FrameLog {
  #rings = new Map<string, Ring>();
  /** Chargers that disconnected, oldest first: their rings are the first to go. */
  #offline = new Set<string>();

  constructor(
    readonly capacity = DEFAULT_FRAME_LOG_CAPACITY,
    readonly offlineRings = DEFAULT_OFFLINE_RINGS,
  ) {}

  /** The charger is connected: keep its ring whatever happens. */
  online(chargerId: string): void {
    this.#offline.delete(chargerId);
  }

  /** The charger has gone: its ring stays readable until too many gone chargers' rings pile up. */
  offline(chargerId: string): void {
    if (!this.#rings.has(chargerId)) return;
    this.#offline.delete(chargerId);
    this.#offline.add(chargerId);
    while (this.#offline.size > this.offlineRings) {
      const oldest = this.#offline.values().next().value as string;
      this.#offline.delete(oldest);
      this.#rings.delete(oldest);
    }
  }

  /**
   * The last time text read and its value: a CALL and its answer, and frames of other chargers in the
   * same millisecond, share one, and parsing an ISO time was a visible part of every frame's cost.
   */
  #lastAt = "";
  #lastMs = NaN;

  #ms(at: string): number {
    if (at !== this.#lastAt) {
      this.#lastMs = Date.parse(at);
      this.#lastAt = at;
    }
    return this.#lastMs;
  }

  /** Keeps a frame; `atMs` is `entry.at` as a number, when the caller has it at hand. */
  push(entry: FrameEntry, atMs = this.#ms(entry.at)): void {
    if (this.capacity <= 0) return;
    let ring = this.#rings.get(entry.chargerId);
    if (!ring) this.#rings.set(entry.chargerId, ring = new Ring());
    const s = stamp(atMs, entry.direction, entry.messageType);
    const action = entry.action ?? "";
    // "" means "read it from the text": an OCPP message id is never empty.
    const id = idInText(entry.text, entry.messageId) ? "" : entry.messageId;
    if (ring.size < this.capacity) {
      ring.slots.push(s, entry.text, id, action);
    } else {
      const i = ring.next * SLOTS;
      ring.slots[i] = s;
      ring.slots[i + 1] = entry.text;
      ring.slots[i + 2] = id;
      ring.slots[i + 3] = action;
      ring.next = (ring.next + 1) % this.capacity;
    }
  }

  /** The newest `limit` frames of a charger, oldest first. */
  recent(chargerId: string, limit = this.capacity): FrameEntry[] {
    const ring = this.#rings.get(chargerId);
    if (!ring) return [];
    const size = ring.size;
    const count = Math.max(0, Math.min(limit, size));
    const out: FrameEntry[] = [];
    for (let k = size - count; k < size; k++) {
      const i = (size < this.capacity ? k : (ring.next + k) % size) * SLOTS;
      const s = ring.slots[i] as number;
      const kind = s % 8;
      const text = ring.slots[i + 1] as string;
      const entry: FrameEntry = {
        chargerId,
        at: new Date((s - kind) / 8).toISOString(),
        direction: kind >= 4 ? "out" : "in",
        messageType: MESSAGE_TYPES[kind % 4],
        messageId: (ring.slots[i + 2] as string) || idFromText(text),
        text,
      };
      const action = ring.slots[i + 3] as string;
      if (action) entry.action = action;
      out.push(entry);
    }
    return out;
  }
}
