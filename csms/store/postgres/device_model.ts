/** A charger's device model (OCPP 2.0.1) in PostgreSQL: each report is one committed upsert per chunk. */
import type { DeviceVariable } from "../../../shared/domain.ts";
import type { DeviceModelWrites, Written } from "../../../shared/storage.ts";
import {
  DEVICE_VARIABLE_COLUMNS,
  DEVICE_VARIABLE_UPSERT,
  deviceVariableValues,
} from "../device_variable_row.ts";
import type { Sql } from "./pool.ts";
import { committed } from "./written.ts";

/** Rows per INSERT: well under PostgreSQL's 65,535 parameters per statement (14 columns each). */
const CHUNK = 1000;

export class PostgresDeviceModel implements DeviceModelWrites {
  constructor(private readonly sql: Sql) {}

  async report(chargerId: string, variables: readonly DeviceVariable[]): Promise<Written<void>> {
    for (let i = 0; i < variables.length; i += CHUNK) {
      const rows = variables.slice(i, i + CHUNK).map((v) => {
        const values = deviceVariableValues(chargerId, v);
        return Object.fromEntries(DEVICE_VARIABLE_COLUMNS.map((c, k) => [c, values[k]]));
      });
      await this.sql`
        INSERT INTO device_variables ${this.sql(rows, ...DEVICE_VARIABLE_COLUMNS)}
        ${this.sql.unsafe(DEVICE_VARIABLE_UPSERT)}`;
    }
    return committed(undefined);
  }

  async clear(chargerId: string): Promise<Written<void>> {
    await this.sql`DELETE FROM device_variables WHERE charger_id = ${chargerId}`;
    return committed(undefined);
  }
}
