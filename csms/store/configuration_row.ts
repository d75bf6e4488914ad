/** A stored configuration key row as a ConfigurationKey, alike for both engines (SQLite's readonly is 0/1). */
import type { ConfigurationKey } from "../../shared/domain.ts";

export function configurationKeyFromRow(r: Record<string, unknown>): ConfigurationKey {
  const k: ConfigurationKey = {
    key: r.key as string,
    readonly: r.readonly === true || r.readonly === 1,
    updatedAt: r.updated_at as string,
  };
  if (r.value !== null && r.value !== undefined) k.value = r.value as string;
  return k;
}
