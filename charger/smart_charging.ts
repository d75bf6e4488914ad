/**
 * Smart charging on a 1.6 charge point: the Smart Charging profile's three commands and
 * RemoteStartTransaction's profile, answered from the profile store (charging_profiles.ts), and the
 * limit (charging_limit.ts) applied to what each car is offered on every beat. A changed offer to a
 * charging car is reported at once with a meter sample (charge_point.ts), so the central system sees the
 * new power without waiting for the next periodic one; an offer of nothing suspends the connector
 * (SuspendedEVSE). Schedules run on the wall clock whatever `--speed` says: their instants and periods
 * are the central system's, which lives in real time (sim_clock.ts).
 */
import type { Ocpp16 } from "../shared/ocpp/mod.ts";
import {
  type ChargingProfile16,
  type ClearCriteria,
  profileProblem,
  ProfileStore,
  scheduleProblem,
  type SmartChargingLimits,
} from "./charging_profiles.ts";
import { compositeSchedule, limitAt, type LimitInputs } from "./charging_limit.ts";
import type { ConfigStore } from "./config_store.ts";
import { setLimitSuspended } from "./connector.ts";
import type { Energy } from "./energy.ts";
import type { Warn } from "./events.ts";
import type { Station } from "./station.ts";

export class SmartCharging {
  readonly store = new ProfileStore();
  readonly #station: Station;
  readonly #energy: Energy;
  readonly #config: ConfigStore;
  readonly #warn: Warn;
  /** The offer each charging connector last had, so a change can be reported. */
  #offered = new Map<number, number>();

  constructor(station: Station, energy: Energy, config: ConfigStore, warn: Warn) {
    this.#station = station;
    this.#energy = energy;
    this.#config = config;
    this.#warn = warn;
  }

  limits(): SmartChargingLimits {
    const c = this.#config;
    return {
      maxStackLevel: c.getInt("ChargeProfileMaxStackLevel"),
      maxPeriods: c.getInt("ChargingScheduleMaxPeriods"),
      maxInstalled: c.getInt("MaxChargingProfilesInstalled"),
      allowedUnits: c.getList("ChargingScheduleAllowedChargingRateUnit"),
    };
  }

  /** SetChargingProfile (§5.16): Rejected, with the reason told to the terminal, when the rules refuse it. */
  set(req: Ocpp16.SetChargingProfileRequest, now: number): "Accepted" | "Rejected" {
    const { connectorId, csChargingProfiles: p } = req;
    const c = this.#station.get(connectorId);
    const limits = this.limits();
    const problem = profileProblem(connectorId, p, limits, {
      connectorCount: this.#station.count,
      transaction: c?.phase === "charging" && c.tx ? { transactionId: c.tx.transactionId } : undefined,
    });
    return this.#install(connectorId, p, now, problem);
  }

  /** Why RemoteStartTransaction's profile cannot become the transaction's TxProfile, or undefined. */
  remoteStartProblem(p: ChargingProfile16): string | undefined {
    if (p.chargingProfilePurpose !== "TxProfile") return "a remote start's profile must be a TxProfile";
    if (p.transactionId !== undefined) return "a remote start's profile cannot name a transaction yet";
    const limits = this.limits();
    if (p.stackLevel < 0 || p.stackLevel > limits.maxStackLevel) {
      return `stackLevel ${p.stackLevel} is outside 0..${limits.maxStackLevel} (ChargeProfileMaxStackLevel)`;
    }
    const replaces = this.store.all.some((e) => e.profile.chargingProfileId === p.chargingProfileId);
    if (!replaces && this.store.all.length >= limits.maxInstalled) {
      return `MaxChargingProfilesInstalled (${limits.maxInstalled}) reached`;
    }
    return scheduleProblem(p, limits);
  }

  /** The remotely started transaction on `connectorId` has begun: its profile becomes its TxProfile. */
  transactionStarted(connectorId: number, p: ChargingProfile16, now: number): void {
    this.#install(connectorId, p, now, undefined);
  }

  #install(
    connectorId: number,
    p: ChargingProfile16,
    now: number,
    problem: string | undefined,
  ): "Accepted" | "Rejected" {
    const r = problem === undefined
      ? this.store.install(connectorId, p, now, this.limits().maxInstalled)
      : { ok: false as const, reason: problem };
    if (!r.ok) {
      this.#warn(`charging profile ${p.chargingProfileId} refused: ${r.reason}`);
      return "Rejected";
    }
    return "Accepted";
  }

  /** ClearChargingProfile (§5.5): Unknown when nothing matched. */
  clear(req: ClearCriteria): "Accepted" | "Unknown" {
    return this.store.clear(req) > 0 ? "Accepted" : "Unknown";
  }

  /** A transaction ended on `connectorId`: its TxProfiles go with it. */
  transactionEnded(connectorId: number): void {
    this.store.transactionEnded(connectorId);
  }

  /** GetCompositeSchedule (§5.7): from now, in the unit asked (watts unless only current is allowed). */
  composite(req: Ocpp16.GetCompositeScheduleRequest, now: number): Ocpp16.GetCompositeScheduleResponse {
    if (req.connectorId < 0 || req.connectorId > this.#station.count || req.duration < 0) {
      return { status: "Rejected" };
    }
    const allowed = this.#config.getList("ChargingScheduleAllowedChargingRateUnit");
    const unit = req.chargingRateUnit ?? (allowed.includes("Power") ? "W" : "A");
    const s = compositeSchedule(req.connectorId, now, req.duration, unit, this.#inputs());
    return { status: "Accepted", connectorId: req.connectorId, ...s };
  }

  #inputs(): LimitInputs {
    const txStarts = new Map<number, number>();
    const charging = new Set<number>();
    for (const c of this.#station.all) {
      if (c.phase !== "charging" || !c.tx) continue;
      charging.add(c.id);
      txStarts.set(c.id, Date.parse(c.tx.startedAt));
    }
    return {
      profiles: this.store.all,
      supply: this.#energy.supply,
      connectorMaxW: this.#energy.maxW,
      connectorCount: this.#station.count,
      txStarts,
      charging,
    };
  }

  /**
   * Offers each connector its limit at `now`. `changed` hears the charging connectors whose offer
   * changed, and those whose transaction `began` under a limit (their first sample tells the power).
   */
  apply(now: number, changed: (connectorId: number, offeredW: number, began: boolean) => void): void {
    // Most chargers of a fleet have no profile: every beat of each should not build the limit's inputs.
    const inputs = this.store.all.length > 0 ? this.#inputs() : undefined;
    for (const c of this.#station.all) {
      const w = inputs ? limitAt(c.id, now, inputs).value : this.#energy.maxW;
      if (c.phase !== "charging") {
        this.#energy.setOffered(c.id - 1, w, false);
        this.#offered.delete(c.id);
        continue;
      }
      const next = setLimitSuspended(c, w <= 0);
      if (next !== c) this.#station.set(next);
      this.#energy.setOffered(c.id - 1, w, !next.evseSuspended && !next.evFull);
      const before = this.#offered.get(c.id);
      this.#offered.set(c.id, w);
      if (before === undefined ? w < this.#energy.maxW : before !== w) changed(c.id, w, before === undefined);
    }
  }
}
