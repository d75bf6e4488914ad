/**
 * A 1.6 charger's configuration keys in SQLite. A report rides the next batch like other charger state; a
 * complete one first forgets the charger's keys, in the same batch, so no reader sees a half list.
 */
import type { ConfigurationKey } from "../../../shared/domain.ts";
import type { ConfigurationWrites, Written } from "../../../shared/storage.ts";
import type { BatchWriter, WriteStatement } from "./writer.ts";
import { queued } from "./written.ts";

export class SqliteConfiguration implements ConfigurationWrites {
  #writer: BatchWriter;
  #s: Record<"upsert" | "clear", WriteStatement>;

  constructor(writer: BatchWriter) {
    this.#writer = writer;
    this.#s = {
      upsert: writer.prepare(
        `INSERT INTO charger_configuration (charger_id, key, value, readonly, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (charger_id, key) DO UPDATE SET value = excluded.value, readonly = excluded.readonly,
           updated_at = excluded.updated_at`,
      ),
      clear: writer.prepare("DELETE FROM charger_configuration WHERE charger_id = ?"),
    };
  }

  report(chargerId: string, keys: readonly ConfigurationKey[], complete: boolean): Promise<Written<void>> {
    if (complete) this.#writer.write(this.#s.clear, [chargerId]);
    for (const k of keys) {
      this.#writer.write(this.#s.upsert, [
        chargerId,
        k.key,
        k.value ?? null,
        k.readonly ? 1 : 0,
        k.updatedAt,
      ]);
    }
    return Promise.resolve(queued(undefined, this.#writer));
  }
}
