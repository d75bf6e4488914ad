/**
 * Chargers and their presence in SQLite: what a charger said of itself and of its connectors, and which
 * CSMS node holds its socket (chargers.node) while that node's lease runs (nodes.alive_until). The read
 * model's `online` is both together, so a node that dies leaves no charger online past its lease.
 */
import type { ChargerIdentity, Protocol, StatusReport } from "../../../shared/domain.ts";
import type { ChargerWrites, NodeWrites, Written } from "../../../shared/storage.ts";
import { isoAt } from "../../clock.ts";
import { nullable } from "./rows.ts";
import type { BatchWriter, WriteStatement } from "./writer.ts";
import { queued } from "./written.ts";

export class SqliteChargers implements ChargerWrites {
  #writer: BatchWriter;
  /** The last frame time of each charger not written yet (the latest state, see storage.ts). */
  #seen = new Map<string, number>();
  #s: Record<
    "connected" | "seen" | "gone" | "booted" | "status",
    WriteStatement
  >;

  constructor(writer: BatchWriter) {
    this.#writer = writer;
    const p = (sql: string) => writer.prepare(sql);
    this.#s = {
      connected: p(
        `INSERT INTO chargers (id, protocol, node, first_seen_at, last_seen_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET protocol = excluded.protocol, node = excluded.node,
           last_seen_at = excluded.last_seen_at`,
      ),
      seen: p("UPDATE chargers SET last_seen_at = ? WHERE id = ?"),
      // Presence ends only where it still is: the charger may have reconnected to another node meanwhile.
      gone: p(
        `UPDATE chargers SET last_seen_at = ?, node = CASE WHEN node = ? THEN NULL ELSE node END WHERE id = ?`,
      ),
      booted: p(
        `UPDATE chargers SET vendor = ?, model = ?, serial_number = ?, firmware_version = ?, iccid = ?, imsi = ?,
           meter_type = ?, meter_serial_number = ?, last_boot_at = ? WHERE id = ?`,
      ),
      status: p(
        `INSERT INTO connectors (charger_id, evse_id, connector_id, status, charging_state, error_code, info,
           original, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (charger_id, evse_id, connector_id) DO UPDATE SET status = excluded.status,
           charging_state = excluded.charging_state, error_code = excluded.error_code, info = excluded.info,
           original = excluded.original, updated_at = excluded.updated_at`,
      ),
    };
    writer.addFlushHook(() => {
      for (const [id, ms] of this.#seen) writer.coalesce(this.#s.seen, id, [isoAt(ms), id]);
      this.#seen.clear();
    });
  }

  connected(id: string, protocol: Protocol, node: string, at: string): Promise<Written<void>> {
    this.#writer.write(this.#s.connected, [id, protocol, node, at, at]);
    return Promise.resolve(queued(undefined, this.#writer));
  }

  seen(id: string, atMs: number): void {
    this.#seen.set(id, atMs);
    this.#writer.hookPending();
  }

  gone(id: string, node: string, atMs: number): Promise<Written<void>> {
    this.#seen.delete(id);
    // Ordered, not coalesced: a reconnection queued after it must win.
    this.#writer.write(this.#s.gone, [isoAt(atMs), node, id]);
    return Promise.resolve(queued(undefined, this.#writer));
  }

  booted(id: string, b: ChargerIdentity, at: string): Promise<Written<void>> {
    this.#writer.write(this.#s.booted, [
      b.vendor,
      b.model,
      nullable(b.serialNumber),
      nullable(b.firmwareVersion),
      nullable(b.iccid),
      nullable(b.imsi),
      nullable(b.meterType),
      nullable(b.meterSerialNumber),
      at,
      id,
    ]);
    return Promise.resolve(queued(undefined, this.#writer));
  }

  status(id: string, r: StatusReport, at: string): Promise<Written<void>> {
    this.#writer.write(this.#s.status, [
      id,
      r.evseId,
      r.connectorId ?? 0,
      r.status,
      nullable(r.chargingState),
      nullable(r.errorCode),
      nullable(r.info),
      r.original,
      at,
    ]);
    return Promise.resolve(queued(undefined, this.#writer));
  }
}

export class SqliteNodes implements NodeWrites {
  #writer: BatchWriter;
  #s: Record<"alive" | "releaseChargers" | "forget", WriteStatement>;

  constructor(writer: BatchWriter) {
    this.#writer = writer;
    this.#s = {
      alive: writer.prepare(
        `INSERT INTO nodes (id, alive_until) VALUES (?, ?)
         ON CONFLICT (id) DO UPDATE SET alive_until = excluded.alive_until`,
      ),
      releaseChargers: writer.prepare("UPDATE chargers SET node = NULL WHERE node = ?"),
      forget: writer.prepare("DELETE FROM nodes WHERE id = ?"),
    };
  }

  alive(node: string, untilMs: number): Promise<Written<void>> {
    this.#writer.write(this.#s.alive, [node, untilMs]);
    return Promise.resolve(queued(undefined, this.#writer));
  }

  release(node: string): Promise<Written<void>> {
    this.#writer.write(this.#s.releaseChargers, [node]);
    this.#writer.write(this.#s.forget, [node]);
    return Promise.resolve(queued(undefined, this.#writer));
  }
}
