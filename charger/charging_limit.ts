/**
 * The limit the installed charging profiles put on a connector at an instant (OCPP 1.6 §3.13), pure.
 * Every answer says until when it holds, so GetCompositeSchedule walks the same function from change to
 * change instead of re-deriving the rules: what the car is offered and what the composite schedule
 * announces cannot disagree.
 */
import type { ChargingSchedule16, InstalledProfile, ProfilePurpose } from "./charging_profiles.ts";
import type { Supply } from "./meter.ts";

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

export type RateUnit = ChargingSchedule16["chargingRateUnit"];

export interface ScheduleValue {
  limit: number;
  unit: RateUnit;
  numberPhases?: number;
}

/** A value (undefined: nothing in force) and the first instant, in ms, at which it may change. */
export interface InForce<T> {
  value: T;
  until: number;
}

/**
 * The period of one profile in force at `t` (ms), if any. `txStart` is the start of the transaction a
 * Relative profile counts from; without one a Relative profile is not in force.
 */
export function profileAt(
  e: InstalledProfile,
  t: number,
  txStart: number | undefined,
): InForce<ScheduleValue | undefined> {
  const p = e.profile;
  const s = p.chargingSchedule;
  const from = p.validFrom ? Date.parse(p.validFrom) : -Infinity;
  const to = p.validTo ? Date.parse(p.validTo) : Infinity;
  if (t < from) return { value: undefined, until: from };
  if (t >= to) return { value: undefined, until: Infinity };
  let until = to;
  let start: number;
  switch (p.chargingProfileKind) {
    case "Absolute":
      start = s.startSchedule ? Date.parse(s.startSchedule) : e.installedAt;
      break;
    case "Relative":
      if (txStart === undefined) return { value: undefined, until };
      start = txStart;
      break;
    case "Recurring": {
      const cycle = p.recurrencyKind === "Weekly" ? WEEK_MS : DAY_MS;
      const first = Date.parse(s.startSchedule!);
      if (t < first) return { value: undefined, until: Math.min(until, first) };
      start = first + Math.floor((t - first) / cycle) * cycle;
      until = Math.min(until, start + cycle);
      break;
    }
  }
  if (t < start) return { value: undefined, until: Math.min(until, start) };
  const end = s.duration !== undefined ? start + s.duration * 1000 : Infinity;
  if (t >= end) return { value: undefined, until };
  until = Math.min(until, end);
  const periods = s.chargingSchedulePeriod;
  let i = 0;
  while (i + 1 < periods.length && start + periods[i + 1].startPeriod * 1000 <= t) i++;
  if (i + 1 < periods.length) until = Math.min(until, start + periods[i + 1].startPeriod * 1000);
  const period = periods[i];
  return {
    value: {
      limit: period.limit,
      unit: s.chargingRateUnit,
      ...(period.numberPhases !== undefined ? { numberPhases: period.numberPhases } : {}),
    },
    until,
  };
}

/**
 * The first profile of `ranked` (strongest first) in force at `t`. The answer may change when it stops,
 * or when a stronger one not yet in force begins.
 */
export function strongestAt(
  ranked: readonly InstalledProfile[],
  t: number,
  txStart: number | undefined,
): InForce<ScheduleValue | undefined> {
  let until = Infinity;
  for (const e of ranked) {
    const r = profileAt(e, t, txStart);
    until = Math.min(until, r.until);
    if (r.value) return { value: r.value, until };
  }
  return { value: undefined, until };
}

/** Amps to watts on this supply: the phases the period asks for (3 by default, §7.13), no more than it has. */
export function toWatts(v: ScheduleValue, supply: Supply): number {
  if (v.unit === "W") return v.limit;
  return v.limit * supply.voltageV * phasesUsed(supply, v.numberPhases);
}

/** Watts to amps per phase on this supply. */
export function toAmps(watts: number, supply: Supply): number {
  return watts / (supply.voltageV * phasesUsed(supply));
}

function phasesUsed(supply: Supply, asked = 3): number {
  return supply.phases === 0 ? 1 : Math.min(supply.phases, asked);
}

export interface LimitInputs {
  profiles: readonly InstalledProfile[];
  supply: Supply;
  /** What one connector can deliver at most, in W. */
  connectorMaxW: number;
  connectorCount: number;
  /** Start (ms) of the transaction running on each connector that has one. */
  txStarts: ReadonlyMap<number, number>;
  /** Connectors delivering energy now: they share the ChargePointMaxProfile's limit. */
  charging: ReadonlySet<number>;
}

function ranked(profiles: readonly InstalledProfile[], connectorId: number, purpose: ProfilePurpose) {
  return profiles
    .filter((e) => e.connectorId === connectorId && e.profile.chargingProfilePurpose === purpose)
    .sort((a, b) => b.profile.stackLevel - a.profile.stackLevel);
}

/**
 * What a connector may be offered at `t`, in W (connector 0: the whole charge point). Per purpose the
 * profile in force with the highest stackLevel counts; a TxProfile overrides the TxDefaultProfile (one
 * on the connector overriding one on connector 0), and the ChargePointMaxProfile caps the sum, shared
 * equally among the connectors charging (this one counted as if it were).
 */
export function limitAt(connectorId: number, t: number, inputs: LimitInputs): InForce<number> {
  const { profiles, supply } = inputs;
  const cp = strongestAt(ranked(profiles, 0, "ChargePointMaxProfile"), t, undefined);
  const cpW = cp.value ? toWatts(cp.value, supply) : Infinity;
  if (connectorId === 0) {
    return { value: Math.min(inputs.connectorMaxW * inputs.connectorCount, cpW), until: cp.until };
  }
  const txStart = inputs.txStarts.get(connectorId);
  const tx = txStart !== undefined
    ? strongestAt(ranked(profiles, connectorId, "TxProfile"), t, txStart)
    : { value: undefined, until: Infinity };
  const def = strongestAt(
    [...ranked(profiles, connectorId, "TxDefaultProfile"), ...ranked(profiles, 0, "TxDefaultProfile")],
    t,
    txStart,
  );
  const own = tx.value ?? def.value;
  const sharing = [...inputs.charging].filter((id) => id !== connectorId).length + 1;
  return {
    value: Math.min(inputs.connectorMaxW, own ? toWatts(own, supply) : Infinity, cpW / sharing),
    until: Math.min(cp.until, tx.until, def.until),
  };
}

/** Bounds the walk of a composite schedule: a daily profile over a year is 365 changes. */
const MAX_COMPOSITE_STEPS = 10_000;

export interface CompositeSchedule {
  scheduleStart: string;
  chargingSchedule: {
    duration: number;
    startSchedule: string;
    chargingRateUnit: RateUnit;
    chargingSchedulePeriod: { startPeriod: number; limit: number }[];
  };
}

/** A limit as the schedule states it: whole watts, or amps to the 0.1 A the schema allows. */
export function scheduleLimit(watts: number, unit: RateUnit, supply: Supply): number {
  return unit === "W" ? Math.round(watts) : Math.round(toAmps(watts, supply) * 10) / 10;
}

/**
 * GetCompositeSchedule (§5.7): limitAt from `now` (to the whole second) for `durationS` seconds, one
 * period per change, at least one.
 */
export function compositeSchedule(
  connectorId: number,
  now: number,
  durationS: number,
  unit: RateUnit,
  inputs: LimitInputs,
): CompositeSchedule {
  const start = Math.floor(now / 1000) * 1000;
  const end = start + durationS * 1000;
  const periods: { startPeriod: number; limit: number }[] = [];
  let t = start;
  for (let step = 0; step < MAX_COMPOSITE_STEPS && (periods.length === 0 || t < end); step++) {
    const l = limitAt(connectorId, t, inputs);
    const limit = scheduleLimit(l.value, unit, inputs.supply);
    const startPeriod = Math.ceil((t - start) / 1000);
    const last = periods[periods.length - 1];
    if (last && last.startPeriod === startPeriod) last.limit = limit;
    else if (!last || last.limit !== limit) periods.push({ startPeriod, limit });
    if (!Number.isFinite(l.until)) break;
    t = l.until;
  }
  // Two changes within a second can leave neighbours alike.
  const merged = periods.filter((p, i) => i === 0 || p.limit !== periods[i - 1].limit);
  const at = new Date(start).toISOString();
  return {
    scheduleStart: at,
    chargingSchedule: {
      duration: durationS,
      startSchedule: at,
      chargingRateUnit: unit,
      chargingSchedulePeriod: merged,
    },
  };
}
