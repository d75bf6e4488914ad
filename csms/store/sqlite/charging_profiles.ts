/**
 * Stored charging profiles in SQLite. A profile rides the next batch like other charger state; whoever must
 * know it is on disk awaits its `durable`. The replaced rows' delete and the insert are queued together, so
 * they commit in the same batch.
 */
import type { ChargingProfileRecord } from "../../../shared/domain.ts";
import type { ChargingProfileWrites, Written } from "../../../shared/storage.ts";
import {
  CHARGING_PROFILE_COLUMNS,
  CHARGING_PROFILE_REPLACED,
  chargingProfileValues,
} from "../charging_profile_row.ts";
import type { BatchWriter, WriteStatement } from "./writer.ts";
import { queued } from "./written.ts";

export class SqliteChargingProfiles implements ChargingProfileWrites {
  #writer: BatchWriter;
  #s: Record<"replaced" | "insert" | "remove", WriteStatement>;

  constructor(writer: BatchWriter) {
    this.#writer = writer;
    this.#s = {
      // SQLite numbers its parameters ?1, ?2…; the shared statement spells them as PostgreSQL does.
      replaced: writer.prepare(CHARGING_PROFILE_REPLACED.replace(/\$(\d)/g, "?$1")),
      insert: writer.prepare(
        `INSERT INTO charging_profiles (${CHARGING_PROFILE_COLUMNS.join(", ")})
         VALUES (${CHARGING_PROFILE_COLUMNS.map(() => "?").join(", ")})`,
      ),
      remove: writer.prepare("DELETE FROM charging_profiles WHERE charger_id = ? AND profile_id = ?"),
    };
  }

  put(chargerId: string, record: ChargingProfileRecord): Promise<Written<void>> {
    this.#writer.write(this.#s.replaced, [
      chargerId,
      record.profileId,
      record.connectorId,
      record.purpose,
      record.stackLevel,
    ]);
    this.#writer.write(this.#s.insert, chargingProfileValues(chargerId, record));
    return Promise.resolve(queued(undefined, this.#writer));
  }

  remove(chargerId: string, profileIds: readonly number[]): Promise<Written<void>> {
    for (const id of profileIds) this.#writer.write(this.#s.remove, [chargerId, id]);
    return Promise.resolve(queued(undefined, this.#writer));
  }
}
