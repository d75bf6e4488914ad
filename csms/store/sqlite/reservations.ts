/**
 * Reservations and sent local lists in SQLite. Each write follows a charger's answer to an operator's
 * command and is committed before that command is answered (they are rare, and the next start or list
 * update must find them).
 */
import type { DatabaseSync, StatementSync } from "node:sqlite";
import type { SentLocalList } from "../../../shared/local_list.ts";
import type { NewReservation, ReservationRecord } from "../../../shared/reservation.ts";
import type { LocalListWrites, ReservationWrites, Written } from "../../../shared/storage.ts";
import {
  localListFromRow,
  type LocalListRow,
  reservationFromRow,
  type ReservationRow,
} from "../reservation_row.ts";
import type { BatchWriter, WriteStatement } from "./writer.ts";
import { committed } from "./written.ts";

export class SqliteReservations implements ReservationWrites {
  #writer: BatchWriter;
  #r: Record<"max" | "active", StatementSync>;
  #s: Record<"put" | "end", WriteStatement>;

  constructor(db: DatabaseSync, writer: BatchWriter) {
    this.#writer = writer;
    this.#r = {
      max: db.prepare("SELECT max(reservation_id) AS id FROM reservations"),
      active: db.prepare(
        "SELECT * FROM reservations WHERE charger_id = ? AND state = 'Active' ORDER BY reservation_id",
      ),
    };
    this.#s = {
      put: writer.prepare(
        `INSERT INTO reservations (charger_id, reservation_id, connector_id, id_tag, parent_id_tag, expires_at,
           created_at, state) VALUES (?, ?, ?, ?, ?, ?, ?, 'Active')
         ON CONFLICT (charger_id, reservation_id) DO UPDATE SET connector_id = excluded.connector_id,
           id_tag = excluded.id_tag, parent_id_tag = excluded.parent_id_tag, expires_at = excluded.expires_at,
           created_at = excluded.created_at, state = 'Active', ended_at = NULL, transaction_id = NULL`,
      ),
      end: writer.prepare(
        `UPDATE reservations SET state = ?, ended_at = ?, transaction_id = ?
         WHERE charger_id = ? AND reservation_id = ? AND state = 'Active'`,
      ),
    };
  }

  nextId(): Promise<number> {
    const row = this.#r.max.get() as { id: number | null };
    return Promise.resolve((row.id ?? 0) + 1);
  }

  async put(r: NewReservation): Promise<Written<void>> {
    await this.#writer.run(this.#s.put, [
      r.chargerId,
      r.reservationId,
      r.connectorId,
      r.idTag,
      r.parentIdTag ?? null,
      r.expiresAt,
      r.createdAt,
    ]);
    return committed(undefined);
  }

  async end(
    chargerId: string,
    reservationId: number,
    end: { state: "Cancelled" | "Used"; at: string; transactionId?: number },
  ): Promise<Written<boolean>> {
    const n = await this.#writer.run(this.#s.end, [
      end.state,
      end.at,
      end.transactionId ?? null,
      chargerId,
      reservationId,
    ]);
    return committed(n > 0);
  }

  active(chargerId: string, nowMs: number): Promise<ReservationRecord[]> {
    const rows = this.#r.active.all(chargerId) as unknown as ReservationRow[];
    return Promise.resolve(rows.map((r) => reservationFromRow(r, nowMs)).filter((r) => r.state === "Active"));
  }
}

export class SqliteLocalLists implements LocalListWrites {
  #writer: BatchWriter;
  #find: StatementSync;
  #put: WriteStatement;

  constructor(db: DatabaseSync, writer: BatchWriter) {
    this.#writer = writer;
    this.#find = db.prepare("SELECT * FROM local_lists WHERE charger_id = ?");
    this.#put = writer.prepare(
      `INSERT INTO local_lists (charger_id, version, update_type, entries, sent_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (charger_id) DO UPDATE SET version = excluded.version, update_type = excluded.update_type,
         entries = excluded.entries, sent_at = excluded.sent_at`,
    );
  }

  lastSent(chargerId: string): Promise<SentLocalList | undefined> {
    const row = this.#find.get(chargerId) as LocalListRow | undefined;
    return Promise.resolve(row ? localListFromRow(row) : undefined);
  }

  async sent(chargerId: string, list: SentLocalList): Promise<Written<void>> {
    await this.#writer.run(this.#put, [
      chargerId,
      list.version,
      list.updateType,
      JSON.stringify(list.entries),
      list.sentAt,
    ]);
    return committed(undefined);
  }
}
