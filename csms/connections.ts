/**
 * The live connections of this CSMS node, one per charger id. A charger is
 * connected here exactly while its current socket is open; that presence is
 * stored (which node holds the charger) for every portal to read, and the
 * node's lease bounds how long a crashed node can leave it standing.
 */
import type { ChargerWrites } from "../shared/storage.ts";
import type { ChargerConnection, DisconnectReason } from "./connection.ts";
import { CLOSE } from "./connection.ts";
import { isoNow } from "./clock.ts";
import type { EventSink } from "./event_sink.ts";
import { logger } from "../shared/log.ts";

const log = logger("csms");

export class Connections {
  #live = new Map<string, ChargerConnection>();
  /** Every connection not yet ended, current or replaced: all must be closed on shutdown. */
  #all = new Set<ChargerConnection>();

  constructor(
    private readonly sink: EventSink,
    private readonly chargers: Pick<ChargerWrites, "connected" | "gone">,
    /** This CSMS node's id (NODE_ID). */
    readonly node: string,
  ) {}

  get size(): number {
    return this.#live.size;
  }

  get(id: string): ChargerConnection | undefined {
    return this.#live.get(id);
  }

  /** The current connection of every charger. */
  connections(): IterableIterator<ChargerConnection> {
    return this.#live.values();
  }

  isOnline(id: string): boolean {
    return this.#live.get(id)?.open ?? false;
  }

  /** A connection exists (its socket may not be open yet): it must be closed on shutdown. */
  track(conn: ChargerConnection): void {
    this.#all.add(conn);
  }

  /** A socket for `conn.id` has opened: it becomes the charger's connection, replacing any older one. */
  attach(conn: ChargerConnection): void {
    const at = isoNow();
    const old = this.#live.get(conn.id);
    this.#live.set(conn.id, conn);
    if (old) {
      // Published here, not when the old socket's close completes: by then the new one is already current.
      this.sink.emit({
        type: "charger.disconnected",
        chargerId: conn.id,
        at,
        node: this.node,
        reason: "replaced",
      });
      old.close(CLOSE.normal, "replaced by a new connection", "replaced");
    }
    if (log.enabled("debug")) {
      log.charger(conn.id).debug(
        `connected (${conn.protocol}) from ${conn.remoteAddress ?? "an unknown address"}`,
      );
    }
    void this.chargers.connected(conn.id, conn.protocol, this.node, at);
    this.sink.emit({
      type: "charger.connected",
      chargerId: conn.id,
      at,
      protocol: conn.protocol,
      node: this.node,
      ...(conn.remoteAddress !== undefined && { remoteAddress: conn.remoteAddress }),
    });
  }

  /** Called by a connection once it has ended. */
  ended(conn: ChargerConnection, reason: DisconnectReason, code: number | undefined): void {
    this.#all.delete(conn);
    if (this.#live.get(conn.id) !== conn) return; // replaced: its successor is the charger now
    this.#live.delete(conn.id);
    if (log.enabled("debug")) {
      log.charger(conn.id).debug(`disconnected (${reason}${code !== undefined ? `, ${code}` : ""})`);
    }
    void this.chargers.gone(conn.id, this.node, Date.now());
    this.sink.emit({
      type: "charger.disconnected",
      chargerId: conn.id,
      at: isoNow(),
      node: this.node,
      reason,
      ...(code !== undefined && { code }),
    });
  }

  /** Closes every connection and waits (bounded) for their sockets to finish closing. */
  async closeAll(waitMs: number): Promise<void> {
    const all = [...this.#all];
    for (const c of all) c.close(CLOSE.goingAway, "CSMS shutting down", "shutdown");
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      Promise.all(all.map((c) => c.closed())),
      new Promise<void>((resolve) => timer = setTimeout(resolve, waitMs)),
    ]);
    clearTimeout(timer);
  }
}
