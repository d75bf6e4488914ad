/**
 * Bounded sending to one Socket.IO client. Engine.io queues what a client has not taken yet in its
 * socket's write buffer, without limit: a browser that stops reading (a stalled network, a frozen tab)
 * would make the portal hold every event for it forever. The bridge asks `Outbox.full()` before each
 * push; past the bound it sends nothing more to that client and notes instead what the client missed,
 * in a few bounded forms (the `Backlog`): the charger in view needs a fresh snapshot, these fleet rows
 * changed, the latest transaction event. When the engine hands its queue to the transport again (its
 * "drain" event: the client is reading), the bridge sends what was noted, once, coalesced.
 *
 * The counts come from engine.io's public events: "packetCreate" for every packet queued and "flush"
 * when the whole queue goes to the transport. Only message packets count; the engine's own heartbeats
 * are a byte each and end the connection when unanswered.
 */

export interface BufferLimits {
  /** Packets a client may have queued before the bridge drops for it (default 128). */
  packets: number;
  /** Bytes a client may have queued before the bridge drops for it (default 1 MiB). */
  bytes: number;
}

export const DEFAULT_BUFFER_LIMITS: BufferLimits = { packets: 128, bytes: 1024 * 1024 };

/** The part of an engine.io socket (`socket.conn`) the outbox listens to. */
export interface EngineEvents {
  on(event: "packetCreate", listener: (packet: { type: string; data?: unknown }) => void): unknown;
  on(event: "flush" | "drain" | "close", listener: () => void): unknown;
}

function sizeOf(data: unknown): number {
  if (typeof data === "string") return data.length;
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return data.byteLength;
  return 0;
}

export class Outbox {
  /** Message packets the engine holds for this client now. */
  packets = 0;
  /** Their size (UTF-16 code units for text: a byte each for the ASCII-heavy JSON the portal sends). */
  bytes = 0;

  constructor(readonly limits: BufferLimits, conn: EngineEvents, onDrain: () => void) {
    conn.on("packetCreate", (packet) => {
      if (packet.type !== "message") return;
      this.packets++;
      this.bytes += sizeOf(packet.data);
    });
    conn.on("flush", () => {
      this.packets = 0;
      this.bytes = 0;
    });
    conn.on("drain", onDrain);
  }

  /** True when nothing more should be queued for this client now. */
  full(): boolean {
    return this.packets >= this.limits.packets || this.bytes >= this.limits.bytes;
  }
}

/** What a client missed while it was not reading, kept in forms whose size does not grow with time. */
export class Backlog {
  /** Fleet rows that changed: the rows are sent as they are when the client catches up. */
  readonly fleetRows = new Set<string>();
  /** The client asked for (or missed) the whole fleet. */
  fleetSnapshot = false;
  /** The client missed events of the charger it watches: it gets a fresh charger snapshot. */
  charger = false;
  /** The latest transaction event missed; clients use these to refresh, so the latest one is enough. */
  transaction: unknown = undefined;
  /** Pushes dropped since the client fell behind. */
  dropped = 0;
  /** When the client fell behind (for the log). */
  since = 0;

  get pending(): boolean {
    return this.fleetSnapshot || this.fleetRows.size > 0 || this.charger || this.transaction !== undefined;
  }

  clear(): void {
    this.fleetRows.clear();
    this.fleetSnapshot = false;
    this.charger = false;
    this.transaction = undefined;
    this.dropped = 0;
    this.since = 0;
  }
}

export type DropKind = "chargerEvents" | "fleetUpdates" | "transactions" | "snapshots";

export interface SlowConsumerStats {
  limits: BufferLimits;
  /** The most any client had queued right after the bridge queued for it, since start. */
  maxBuffered: { packets: number; bytes: number };
  /** Pushes not queued because the client was behind, by kind, since start. */
  dropped: Record<DropKind, number> & { total: number };
  /** Times a client fell behind, and times one caught up again. */
  episodes: { started: number; recovered: number };
}

export class SlowConsumerCounters {
  readonly maxBuffered = { packets: 0, bytes: 0 };
  readonly dropped: Record<DropKind, number> = {
    chargerEvents: 0,
    fleetUpdates: 0,
    transactions: 0,
    snapshots: 0,
  };
  readonly episodes = { started: 0, recovered: 0 };

  constructor(readonly limits: BufferLimits) {}

  /** Notes what a client holds right after the bridge queued for it. */
  observe(outbox: Outbox): void {
    if (outbox.packets > this.maxBuffered.packets) this.maxBuffered.packets = outbox.packets;
    if (outbox.bytes > this.maxBuffered.bytes) this.maxBuffered.bytes = outbox.bytes;
  }

  drop(kind: DropKind, n = 1): void {
    this.dropped[kind] += n;
  }

  snapshot(): SlowConsumerStats {
    const d = this.dropped;
    return {
      limits: { ...this.limits },
      maxBuffered: { ...this.maxBuffered },
      dropped: { ...d, total: d.chargerEvents + d.fleetUpdates + d.transactions + d.snapshots },
      episodes: { ...this.episodes },
    };
  }
}
