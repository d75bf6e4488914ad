/**
 * Chargers and their presence in PostgreSQL: what a charger said of itself and of its connectors, and
 * which CSMS node holds its socket (chargers.node) while that node's lease runs (nodes.alive_until). The
 * read model's `online` is both together, so a node that dies leaves no charger online past its lease.
 *
 * Each write is one autocommitted statement: `durable` has settled when it returns. One charger's writes
 * run in the order they were asked for (KeyedChain); the last frame time is coalesced in memory and
 * written for every charger at once (Background).
 */
import type { ChargerIdentity, Protocol, StatusReport } from "../../../shared/domain.ts";
import type { ChargerWrites, NodeWrites, Written } from "../../../shared/storage.ts";
import { isoAt } from "../../clock.ts";
import type { Background } from "./background.ts";
import type { Sql } from "./pool.ts";
import { committed, KeyedChain } from "./written.ts";
import { lockChargersInOrder } from "./charger_locks.ts";

export class PostgresChargers implements ChargerWrites {
  #sql: Sql;
  #chain = new KeyedChain();
  #background: Background;
  /** The last frame time of each charger not written yet. */
  #seen = new Map<string, number>();

  constructor(sql: Sql, background: Background) {
    this.#sql = sql;
    this.#background = background;
    background.add(() => this.#flushSeen());
  }

  #write(id: string, fn: () => Promise<unknown>): Promise<Written<void>> {
    return this.#chain.run(id, fn).then(() => committed(undefined));
  }

  connected(id: string, protocol: Protocol, node: string, at: string): Promise<Written<void>> {
    const sql = this.#sql;
    return this.#write(
      id,
      () =>
        sql`
        INSERT INTO chargers (id, protocol, node, first_seen_at, last_seen_at)
        VALUES (${id}, ${protocol}, ${node}, ${at}, ${at})
        ON CONFLICT (id) DO UPDATE SET protocol = excluded.protocol, node = excluded.node,
          last_seen_at = excluded.last_seen_at`,
    );
  }

  seen(id: string, atMs: number): void {
    const known = this.#seen.get(id);
    if (known === undefined || atMs > known) this.#seen.set(id, atMs);
    this.#background.pending();
  }

  #flushSeen(): Promise<void> | undefined {
    if (this.#seen.size === 0) return undefined;
    const rows = [...this.#seen].map(([id, ms]) => ({ id, at: isoAt(ms) }));
    this.#seen.clear();
    // Never moves a time back: another node (the charger moved) may have written a later one.
    return this.#sql.begin(async (tx) => {
      await lockChargersInOrder(tx, rows.map((r) => r.id));
      await tx`
        UPDATE chargers AS c SET last_seen_at = s.at
        FROM jsonb_to_recordset(${this.#sql.json(rows)}) AS s(id text, at text)
        WHERE c.id = s.id AND (c.last_seen_at IS NULL OR c.last_seen_at < s.at)`;
    }).then(() => {});
  }

  gone(id: string, node: string, atMs: number): Promise<Written<void>> {
    this.#seen.delete(id);
    const at = isoAt(atMs);
    // Presence ends only where it still is: the charger may have reconnected to another node meanwhile.
    return this.#write(
      id,
      () =>
        this.#sql`
        UPDATE chargers SET last_seen_at = ${at}, node = CASE WHEN node = ${node} THEN NULL ELSE node END
        WHERE id = ${id}`,
    );
  }

  booted(id: string, b: ChargerIdentity, at: string): Promise<Written<void>> {
    return this.#write(
      id,
      () =>
        this.#sql`
        UPDATE chargers SET vendor = ${b.vendor}, model = ${b.model}, serial_number = ${
          b.serialNumber ?? null
        },
          firmware_version = ${b.firmwareVersion ?? null}, iccid = ${b.iccid ?? null}, imsi = ${
          b.imsi ?? null
        },
          meter_type = ${b.meterType ?? null}, meter_serial_number = ${b.meterSerialNumber ?? null},
          last_boot_at = ${at}
        WHERE id = ${id}`,
    );
  }

  status(id: string, r: StatusReport, at: string): Promise<Written<void>> {
    // A whole EVSE's report (no connector) is kept as its connector 0.
    const connectorId = r.connectorId ?? 0;
    return this.#write(
      id,
      () =>
        this.#sql`
        INSERT INTO connectors (charger_id, evse_id, connector_id, status, charging_state, error_code, info,
          original, updated_at)
        VALUES (${id}, ${r.evseId}, ${connectorId}, ${r.status}, ${r.chargingState ?? null},
          ${r.errorCode ?? null}, ${r.info ?? null}, ${r.original}, ${at})
        ON CONFLICT (charger_id, evse_id, connector_id) DO UPDATE SET status = excluded.status,
          charging_state = excluded.charging_state, error_code = excluded.error_code, info = excluded.info,
          original = excluded.original, updated_at = excluded.updated_at`,
    );
  }

  /** Settles once the writes asked for so far have returned (later ones not waited for). */
  settled(): Promise<void> {
    return this.#chain.settled();
  }

  /** Settles once every write asked for so far has returned. */
  idle(): Promise<void> {
    return this.#chain.idle();
  }
}

export class PostgresNodes implements NodeWrites {
  constructor(private readonly sql: Sql) {}

  async alive(node: string, untilMs: number): Promise<Written<void>> {
    await this.sql`
      INSERT INTO nodes (id, alive_until) VALUES (${node}, to_timestamp(${untilMs}::float8 / 1000))
      ON CONFLICT (id) DO UPDATE SET alive_until = excluded.alive_until`;
    return committed(undefined);
  }

  async release(node: string): Promise<Written<void>> {
    // One statement, so one commit: no reader sees the node gone with its chargers still on it.
    await this.sql`
      WITH released AS (UPDATE chargers SET node = NULL WHERE node = ${node} RETURNING 1)
      DELETE FROM nodes WHERE id = ${node}`;
    return committed(undefined);
  }
}
