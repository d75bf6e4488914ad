/**
 * Reservations and sent local lists in PostgreSQL: each write is one autocommitted statement, done before
 * the operator's command is answered.
 */
import type { SentLocalList } from "../../../shared/local_list.ts";
import type { NewReservation, ReservationRecord } from "../../../shared/reservation.ts";
import type { LocalListWrites, ReservationWrites, Written } from "../../../shared/storage.ts";
import {
  localListFromRow,
  type LocalListRow,
  reservationFromRow,
  type ReservationRow,
} from "../reservation_row.ts";
import type { Sql } from "./pool.ts";
import { committed } from "./written.ts";

export class PostgresReservations implements ReservationWrites {
  constructor(private readonly sql: Sql) {}

  async nextId(): Promise<number> {
    const [row] = await this.sql`SELECT max(reservation_id) AS id FROM reservations`;
    return (row.id === null ? 0 : Number(row.id)) + 1;
  }

  async put(r: NewReservation): Promise<Written<void>> {
    await this.sql`
      INSERT INTO reservations (charger_id, reservation_id, connector_id, id_tag, parent_id_tag, expires_at,
        created_at, state)
      VALUES (${r.chargerId}, ${r.reservationId}, ${r.connectorId}, ${r.idTag}, ${r.parentIdTag ?? null},
        ${r.expiresAt}, ${r.createdAt}, 'Active')
      ON CONFLICT (charger_id, reservation_id) DO UPDATE SET connector_id = excluded.connector_id,
        id_tag = excluded.id_tag, parent_id_tag = excluded.parent_id_tag, expires_at = excluded.expires_at,
        created_at = excluded.created_at, state = 'Active', ended_at = NULL, transaction_id = NULL`;
    return committed(undefined);
  }

  async end(
    chargerId: string,
    reservationId: number,
    end: { state: "Cancelled" | "Used"; at: string; transactionId?: number },
  ): Promise<Written<boolean>> {
    const r = await this.sql`
      UPDATE reservations SET state = ${end.state}, ended_at = ${end.at},
        transaction_id = ${end.transactionId ?? null}
      WHERE charger_id = ${chargerId} AND reservation_id = ${reservationId} AND state = 'Active'`;
    return committed(r.count > 0);
  }

  async active(chargerId: string, nowMs: number): Promise<ReservationRecord[]> {
    const rows = await this.sql`
      SELECT * FROM reservations WHERE charger_id = ${chargerId} AND state = 'Active' ORDER BY reservation_id`;
    return rows.map((r) => reservationFromRow(r as unknown as ReservationRow, nowMs)).filter((r) =>
      r.state === "Active"
    );
  }
}

export class PostgresLocalLists implements LocalListWrites {
  constructor(private readonly sql: Sql) {}

  async lastSent(chargerId: string): Promise<SentLocalList | undefined> {
    const [row] = await this.sql`SELECT * FROM local_lists WHERE charger_id = ${chargerId}`;
    return row ? localListFromRow(row as unknown as LocalListRow) : undefined;
  }

  async sent(chargerId: string, list: SentLocalList): Promise<Written<void>> {
    await this.sql`
      INSERT INTO local_lists (charger_id, version, update_type, entries, sent_at)
      VALUES (${chargerId}, ${list.version}, ${list.updateType}, ${
      JSON.stringify(list.entries)
    }, ${list.sentAt})
      ON CONFLICT (charger_id) DO UPDATE SET version = excluded.version, update_type = excluded.update_type,
        entries = excluded.entries, sent_at = excluded.sent_at`;
    return committed(undefined);
  }
}
