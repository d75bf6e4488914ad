/**
 * The charge point's installed charging profiles (OCPP 1.6 §3.13, §5.16, §5.5), pure: what
 * SetChargingProfile may install, what it replaces, and what ClearChargingProfile removes. The limit they
 * put on each connector is charging_limit.ts's.
 */
import type { Ocpp16 } from "../shared/ocpp/mod.ts";

export type ChargingProfile16 = Ocpp16.SetChargingProfileRequest["csChargingProfiles"];
export type ChargingSchedule16 = ChargingProfile16["chargingSchedule"];
export type ProfilePurpose = ChargingProfile16["chargingProfilePurpose"];

/** A profile as installed: where it applies and when it arrived (an Absolute one without a start begins then). */
export interface InstalledProfile {
  connectorId: number;
  profile: ChargingProfile16;
  installedAt: number;
}

/** The Smart Charging profile's configuration keys (§9.4) the rules below read. */
export interface SmartChargingLimits {
  maxStackLevel: number;
  maxPeriods: number;
  maxInstalled: number;
  /** ChargingScheduleAllowedChargingRateUnit's items: "Current" (A) and/or "Power" (W). */
  allowedUnits: readonly string[];
}

/** What a profile's check needs to know about the connector it is meant for. */
export interface ConnectorContext {
  connectorCount: number;
  /** The running transaction on the target connector, if any: its id once the central system gave one. */
  transaction?: { transactionId?: number };
}

const UNIT_KEY = { A: "Current", W: "Power" } as const;

/**
 * Why a profile may not be installed on `connectorId`, or undefined when it may. The count of
 * installed profiles is checked apart (ProfileStore.install), since a replacement does not add one.
 */
export function profileProblem(
  connectorId: number,
  p: ChargingProfile16,
  limits: SmartChargingLimits,
  ctx: ConnectorContext,
): string | undefined {
  if (connectorId < 0 || connectorId > ctx.connectorCount) return `connector ${connectorId} does not exist`;
  if (p.chargingProfilePurpose === "ChargePointMaxProfile" && connectorId !== 0) {
    return "a ChargePointMaxProfile applies to the whole charge point: connector 0 only";
  }
  if (p.chargingProfilePurpose === "TxProfile") {
    if (connectorId === 0) return "a TxProfile belongs to a connector's transaction, not connector 0";
    if (!ctx.transaction) return `no transaction is running on connector ${connectorId}`;
    const running = ctx.transaction.transactionId;
    if (p.transactionId !== undefined && running !== undefined && p.transactionId !== running) {
      return `transaction ${p.transactionId} is not the one running on connector ${connectorId}`;
    }
  } else if (p.transactionId !== undefined) {
    return "only a TxProfile names a transaction";
  }
  if (p.stackLevel < 0 || p.stackLevel > limits.maxStackLevel) {
    return `stackLevel ${p.stackLevel} is outside 0..${limits.maxStackLevel} (ChargeProfileMaxStackLevel)`;
  }
  return scheduleProblem(p, limits);
}

/** Why a profile's schedule is unusable, or undefined. */
export function scheduleProblem(p: ChargingProfile16, limits: SmartChargingLimits): string | undefined {
  const s = p.chargingSchedule;
  if (!limits.allowedUnits.includes(UNIT_KEY[s.chargingRateUnit])) {
    return `rate unit ${s.chargingRateUnit} is not allowed (ChargingScheduleAllowedChargingRateUnit=${
      limits.allowedUnits.join(",")
    })`;
  }
  const periods = s.chargingSchedulePeriod;
  if (periods.length === 0) return "a schedule needs at least one period";
  if (periods.length > limits.maxPeriods) {
    return `${periods.length} periods exceed ChargingScheduleMaxPeriods (${limits.maxPeriods})`;
  }
  if (periods[0].startPeriod !== 0) return "the first period must start at 0";
  for (let i = 1; i < periods.length; i++) {
    if (periods[i].startPeriod <= periods[i - 1].startPeriod) return "periods must start in increasing order";
  }
  for (const period of periods) {
    if (period.limit < 0) return `limit ${period.limit} is negative`;
    if (period.numberPhases !== undefined && (period.numberPhases < 1 || period.numberPhases > 3)) {
      return `numberPhases ${period.numberPhases} is not 1 to 3`;
    }
  }
  if (s.duration !== undefined && s.duration <= 0) return "duration must be positive";
  if (p.chargingProfileKind === "Recurring") {
    if (!p.recurrencyKind) return "a Recurring profile needs a recurrencyKind";
    if (!s.startSchedule) return "a Recurring profile needs a startSchedule";
  } else if (p.recurrencyKind !== undefined) {
    return "only a Recurring profile has a recurrencyKind";
  }
  if (p.chargingProfileKind === "Relative" && s.startSchedule !== undefined) {
    return "a Relative profile starts with its transaction, not at a startSchedule";
  }
  for (const at of [s.startSchedule, p.validFrom, p.validTo]) {
    if (at !== undefined && Number.isNaN(Date.parse(at))) return `${at} is not a date`;
  }
  if (p.validFrom && p.validTo && Date.parse(p.validTo) <= Date.parse(p.validFrom)) {
    return "validTo must come after validFrom";
  }
  return undefined;
}

export type ClearCriteria = Ocpp16.ClearChargingProfileRequest;

export type InstallResult = { ok: true; replaced: number } | { ok: false; reason: string };

/**
 * The installed profiles of one charge point. Profiles survive resets (the spec keeps them in
 * non-volatile memory); TxProfiles go with their transaction.
 */
export class ProfileStore {
  #profiles: InstalledProfile[] = [];

  get all(): readonly InstalledProfile[] {
    return this.#profiles;
  }

  /** The profiles that apply on a connector (0: the charge point's own). */
  on(connectorId: number): InstalledProfile[] {
    return this.#profiles.filter((p) => p.connectorId === connectorId);
  }

  /**
   * Installs a checked profile (profileProblem): it replaces one with the same id anywhere, and one with
   * the same purpose and stackLevel on the same connector (§5.16.1). Refused when it would exceed
   * `maxInstalled`.
   */
  install(
    connectorId: number,
    profile: ChargingProfile16,
    installedAt: number,
    maxInstalled: number,
  ): InstallResult {
    const replaced = (e: InstalledProfile) =>
      e.profile.chargingProfileId === profile.chargingProfileId ||
      (e.connectorId === connectorId && e.profile.chargingProfilePurpose === profile.chargingProfilePurpose &&
        e.profile.stackLevel === profile.stackLevel);
    const kept = this.#profiles.filter((e) => !replaced(e));
    if (kept.length + 1 > maxInstalled) {
      return { ok: false, reason: `MaxChargingProfilesInstalled (${maxInstalled}) reached` };
    }
    const replacedCount = this.#profiles.length - kept.length;
    this.#profiles = [...kept, { connectorId, profile, installedAt }];
    return { ok: true, replaced: replacedCount };
  }

  /**
   * ClearChargingProfile (§5.5): by id, or every profile matching all the criteria given (none given:
   * all). Returns how many were removed.
   */
  clear(c: ClearCriteria): number {
    const before = this.#profiles.length;
    this.#profiles = this.#profiles.filter((e) => !clearMatches(e, c));
    return before - this.#profiles.length;
  }

  /** A transaction on `connectorId` ended: its TxProfiles go with it (§3.13.4). */
  transactionEnded(connectorId: number): void {
    this.#profiles = this.#profiles.filter((e) =>
      !(e.connectorId === connectorId && e.profile.chargingProfilePurpose === "TxProfile")
    );
  }
}

/** Whether ClearChargingProfile's criteria select an installed profile; an id selects that profile alone. */
export function clearMatches(e: InstalledProfile, c: ClearCriteria): boolean {
  if (c.id !== undefined) return e.profile.chargingProfileId === c.id;
  return (c.connectorId === undefined || e.connectorId === c.connectorId) &&
    (c.chargingProfilePurpose === undefined ||
      e.profile.chargingProfilePurpose === c.chargingProfilePurpose) &&
    (c.stackLevel === undefined || e.profile.stackLevel === c.stackLevel);
}
