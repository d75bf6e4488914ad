/** Stored charging profiles in PostgreSQL: a profile and the rows it replaces change in one transaction. */
import type { ChargingProfileRecord } from "../../../shared/domain.ts";
import type { ChargingProfileWrites, Written } from "../../../shared/storage.ts";
import {
  CHARGING_PROFILE_COLUMNS,
  CHARGING_PROFILE_REPLACED,
  chargingProfileValues,
} from "../charging_profile_row.ts";
import type { Sql } from "./pool.ts";
import { committed } from "./written.ts";

export class PostgresChargingProfiles implements ChargingProfileWrites {
  constructor(private readonly sql: Sql) {}

  async put(chargerId: string, record: ChargingProfileRecord): Promise<Written<void>> {
    const values = chargingProfileValues(chargerId, record);
    const row = Object.fromEntries(CHARGING_PROFILE_COLUMNS.map((c, k) => [c, values[k]]));
    await this.sql.begin(async (tx) => {
      await tx.unsafe(CHARGING_PROFILE_REPLACED, [
        chargerId,
        record.profileId,
        record.connectorId,
        record.purpose,
        record.stackLevel,
      ]);
      await tx`INSERT INTO charging_profiles ${tx(row, ...CHARGING_PROFILE_COLUMNS)}`;
    });
    return committed(undefined);
  }

  async remove(chargerId: string, profileIds: readonly number[]): Promise<Written<void>> {
    if (profileIds.length > 0) {
      await this.sql`
        DELETE FROM charging_profiles WHERE charger_id = ${chargerId} AND profile_id IN ${
        this.sql(profileIds as number[])
      }`;
    }
    return committed(undefined);
  }
}
