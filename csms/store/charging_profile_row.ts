/**
 * A stored charging profile as both engines keep it (the same columns and statements): the key is the
 * charger and the profile's id, the profile itself is JSON text, resent as it is.
 */
import type { ChargingProfileRecord } from "../../shared/domain.ts";

export interface ChargingProfileRow {
  connector_id: number;
  profile_id: number;
  purpose: string;
  stack_level: number;
  transaction_id: number | null;
  profile: string;
  stored_at: string;
}

/** The columns in insert order, with the charger's id first. */
export const CHARGING_PROFILE_COLUMNS = [
  "charger_id",
  "profile_id",
  "connector_id",
  "purpose",
  "stack_level",
  "transaction_id",
  "profile",
  "stored_at",
] as const;

/**
 * What a new profile replaces, run before its insert (parameters: charger, profile id, connector, purpose,
 * stack level): the same id anywhere on the charger, or the same purpose and stackLevel on its connector.
 */
export const CHARGING_PROFILE_REPLACED = `DELETE FROM charging_profiles WHERE charger_id = $1
  AND (profile_id = $2 OR (connector_id = $3 AND purpose = $4 AND stack_level = $5))`;

export const CHARGING_PROFILE_ORDER = "ORDER BY connector_id, purpose, stack_level, profile_id";

export function chargingProfileValues(
  chargerId: string,
  p: ChargingProfileRecord,
): Array<string | number | null> {
  return [
    chargerId,
    p.profileId,
    p.connectorId,
    p.purpose,
    p.stackLevel,
    p.transactionId ?? null,
    JSON.stringify(p.profile),
    p.storedAt,
  ];
}

export function chargingProfileFromRow(r: ChargingProfileRow): ChargingProfileRecord {
  return {
    connectorId: Number(r.connector_id),
    profileId: Number(r.profile_id),
    purpose: r.purpose,
    stackLevel: Number(r.stack_level),
    ...(r.transaction_id !== null && { transactionId: Number(r.transaction_id) }),
    profile: JSON.parse(r.profile),
    storedAt: r.stored_at,
  };
}
