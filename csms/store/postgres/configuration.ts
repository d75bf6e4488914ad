/** A 1.6 charger's configuration keys in PostgreSQL: a report is one committed transaction. */
import type { ConfigurationKey } from "../../../shared/domain.ts";
import type { ConfigurationWrites, Written } from "../../../shared/storage.ts";
import type { Sql } from "./pool.ts";
import { committed } from "./written.ts";

export class PostgresConfiguration implements ConfigurationWrites {
  constructor(private readonly sql: Sql) {}

  async report(
    chargerId: string,
    keys: readonly ConfigurationKey[],
    complete: boolean,
  ): Promise<Written<void>> {
    const rows = keys.map((k) => ({
      charger_id: chargerId,
      key: k.key,
      value: k.value ?? null,
      readonly: k.readonly,
      updated_at: k.updatedAt,
    }));
    await this.sql.begin(async (tx) => {
      if (complete) await tx`DELETE FROM charger_configuration WHERE charger_id = ${chargerId}`;
      if (rows.length === 0) return;
      await tx`
        INSERT INTO charger_configuration ${tx(rows, "charger_id", "key", "value", "readonly", "updated_at")}
        ON CONFLICT (charger_id, key) DO UPDATE SET value = excluded.value, readonly = excluded.readonly,
          updated_at = excluded.updated_at`;
    });
    return committed(undefined);
  }
}
