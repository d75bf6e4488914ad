/**
 * A charger's device model (OCPP 2.0.1) in SQLite. A report rides the next batch like other charger state;
 * whoever must know it is on disk (the NotifyReport answer) awaits its `durable`.
 */
import type { DeviceVariable } from "../../../shared/domain.ts";
import type { DeviceModelWrites, Written } from "../../../shared/storage.ts";
import {
  DEVICE_VARIABLE_COLUMNS,
  DEVICE_VARIABLE_UPSERT,
  deviceVariableValues,
} from "../device_variable_row.ts";
import type { BatchWriter, WriteStatement } from "./writer.ts";
import { queued } from "./written.ts";

export class SqliteDeviceModel implements DeviceModelWrites {
  #writer: BatchWriter;
  #s: Record<"upsert" | "clear", WriteStatement>;

  constructor(writer: BatchWriter) {
    this.#writer = writer;
    this.#s = {
      upsert: writer.prepare(
        `INSERT INTO device_variables (${DEVICE_VARIABLE_COLUMNS.join(", ")})
         VALUES (${DEVICE_VARIABLE_COLUMNS.map(() => "?").join(", ")}) ${DEVICE_VARIABLE_UPSERT}`,
      ),
      clear: writer.prepare("DELETE FROM device_variables WHERE charger_id = ?"),
    };
  }

  report(chargerId: string, variables: readonly DeviceVariable[]): Promise<Written<void>> {
    for (const v of variables) this.#writer.write(this.#s.upsert, deviceVariableValues(chargerId, v));
    return Promise.resolve(queued(undefined, this.#writer));
  }

  clear(chargerId: string): Promise<Written<void>> {
    this.#writer.write(this.#s.clear, [chargerId]);
    return Promise.resolve(queued(undefined, this.#writer));
  }
}
