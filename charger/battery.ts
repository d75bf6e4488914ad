/**
 * The car's battery, as pure physics: no clock, no I/O. A step takes the
 * state of charge, what the charger offers and how many seconds passed, and
 * returns the new state of charge, the power drawn and the energy delivered.
 *
 * The car draws constant power (CC) up to the taper point and then tapers
 * linearly towards the top (CV), as lithium packs do; it never draws more than
 * the charger offers, and it stops drawing at its target state of charge.
 */

export interface BatteryParams {
  /** Usable capacity in Wh. */
  capacityWh: number;
  /** What the car's own charger accepts at most, in W (default: no limit but the charger's). */
  carMaxW?: number;
  /** State of charge (%) where the constant-voltage taper begins. */
  taperStartPct?: number;
  /**
   * The taper's floor as a fraction of full power, so the last percent still
   * arrives in finite time instead of approaching the target asymptotically.
   */
  minTaperFraction?: number;
}

export const DEFAULT_TAPER_START_PCT = 80;
export const DEFAULT_MIN_TAPER_FRACTION = 0.05;

/** Integration step: longer steps (a stalled event loop, a catch-up) are split so the taper stays accurate. */
const MAX_SUBSTEP_S = 1;
const MIN_STEP_S = 1e-3;

export interface StepResult {
  /** State of charge after the step, in %. Never above max(target, initial). */
  socPct: number;
  /** Average power drawn over the step, in W. */
  powerW: number;
  /** Energy delivered over the step, in Wh. Never negative. */
  energyWh: number;
  /** The car has reached its target and draws nothing more (SuspendedEV). */
  full: boolean;
}

/** The power the car accepts at this state of charge when the charger offers `offeredW`. */
export function acceptedPowerW(
  socPct: number,
  targetPct: number,
  offeredW: number,
  params: BatteryParams,
): number {
  if (socPct >= targetPct || offeredW <= 0) return 0;
  const maxW = Math.min(offeredW, params.carMaxW ?? Infinity);
  const taperStart = params.taperStartPct ?? DEFAULT_TAPER_START_PCT;
  if (socPct < taperStart) return maxW;
  const floor = params.minTaperFraction ?? DEFAULT_MIN_TAPER_FRACTION;
  const fraction = Math.max(floor, (100 - socPct) / (100 - taperStart));
  return maxW * Math.min(1, fraction);
}

/** Advances the battery by `dtSeconds` of charging at up to `offeredW`. */
export function chargeStep(
  socPct: number,
  targetPct: number,
  offeredW: number,
  dtSeconds: number,
  params: BatteryParams,
): StepResult {
  // Below a millisecond nothing measurable happens, and float division would only add noise.
  if (!(dtSeconds >= MIN_STEP_S) || params.capacityWh <= 0) {
    return { socPct, powerW: 0, energyWh: 0, full: socPct >= targetPct };
  }
  let soc = socPct;
  let energy = 0;
  let remaining = dtSeconds;
  while (remaining > 0 && soc < targetPct) {
    const dt = Math.min(MAX_SUBSTEP_S, remaining);
    remaining -= dt;
    const p = acceptedPowerW(soc, targetPct, offeredW, params);
    if (p <= 0) break;
    const neededWh = ((targetPct - soc) / 100) * params.capacityWh;
    const wh = Math.min((p * dt) / 3600, neededWh);
    energy += wh;
    // Land exactly on the target instead of a rounding error below it.
    soc = wh >= neededWh ? targetPct : soc + (wh / params.capacityWh) * 100;
  }
  return {
    socPct: soc,
    powerW: (energy * 3600) / dtSeconds,
    energyWh: energy,
    full: soc >= targetPct,
  };
}
