/**
 * Which stored charging profiles (shared/storage.ts ChargingProfileWrites) a charger's events touch: what a
 * ClearChargingProfile it accepted removes, what a transaction's end removes, and what a boot sends again.
 * Pure: the 1.6 adapter (csms/ocpp16/charging_profiles.ts) maps wire shapes in and does the I/O.
 *
 * The stored set mirrors what the charger holds: a profile is stored once the charger answered Accepted,
 * and removed when the charger drops it (a clear it accepted, the end of its transaction, a refused
 * re-send). Purposes are OCPP 1.6's words; a 2.0.1 adapter would map its own onto them.
 */
import type { ChargingProfileRecord } from "../shared/domain.ts";

export const PURPOSES = ["ChargePointMaxProfile", "TxDefaultProfile", "TxProfile"] as const;

/** A ClearChargingProfile's criteria; an absent one matches every profile. */
export interface ClearCriteria {
  id?: number;
  connectorId?: number;
  purpose?: string;
  stackLevel?: number;
}

/**
 * The ids a clear removes (OCPP 1.6 §5.5 and §6.9): with `id`, that profile alone, whatever the other
 * criteria say; otherwise every profile matching all the given criteria (connectorId 0 is the charger's own
 * profiles, not all connectors'; none given: every profile).
 */
export function clearedBy(stored: readonly ChargingProfileRecord[], criteria: ClearCriteria): number[] {
  if (criteria.id !== undefined) {
    return stored.filter((p) => p.profileId === criteria.id).map((p) => p.profileId);
  }
  return stored.filter((p) =>
    (criteria.connectorId === undefined || p.connectorId === criteria.connectorId) &&
    (criteria.purpose === undefined || p.purpose === criteria.purpose) &&
    (criteria.stackLevel === undefined || p.stackLevel === criteria.stackLevel)
  ).map((p) => p.profileId);
}

/**
 * The ids a transaction's end removes: a TxProfile lives as long as its transaction (OCPP 1.6 §3.13.1), so
 * the TxProfiles on its connector and any naming it go.
 */
export function endedWithTransaction(
  stored: readonly ChargingProfileRecord[],
  connectorId: number,
  transactionId: number,
): number[] {
  return stored.filter((p) =>
    p.purpose === "TxProfile" && (p.connectorId === connectorId || p.transactionId === transactionId)
  ).map((p) => p.profileId);
}

export interface BootPlan {
  /** Sent again, in this order. */
  resend: ChargingProfileRecord[];
  /** Removed: their transactions ended with the reboot. */
  drop: number[];
}

const PURPOSE_ORDER: Readonly<Record<string, number>> = { ChargePointMaxProfile: 0, TxDefaultProfile: 1 };

/**
 * What follows an Accepted boot. The CSMS cannot ask a 1.6 charger which profiles it still holds (1.6 has no
 * GetChargingProfiles), and a reboot may have lost them all, so every ChargePointMax and TxDefault profile
 * is sent again: a profile with the same id replaces itself, so a charger that kept them loses nothing.
 * TxProfiles are not: a reboot ends the charger's transactions (they are stopped with reason Reboot or
 * PowerLoss), and a TxProfile without its transaction is refused. The charger's cap goes first, then the
 * defaults, the charger's own before its connectors', lower stack levels first: a charger that runs out of
 * room (MaxChargingProfilesInstalled) still gets its cap.
 */
export function bootPlan(stored: readonly ChargingProfileRecord[]): BootPlan {
  const resend = stored.filter((p) => p.purpose in PURPOSE_ORDER).sort((a, b) =>
    PURPOSE_ORDER[a.purpose] - PURPOSE_ORDER[b.purpose] || a.connectorId - b.connectorId ||
    a.stackLevel - b.stackLevel || a.profileId - b.profileId
  );
  const drop = stored.filter((p) => p.purpose === "TxProfile").map((p) => p.profileId);
  return { resend, drop };
}
