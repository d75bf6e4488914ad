/**
 * The limit a charger's stored charging profiles (GET /chargers/{id}/charging-profiles) put on one
 * connector at a moment, as the portal draws it on the battery chart: the CSMS's view of what the charger
 * should offer, following OCPP 1.6 §3.13: per purpose, the valid profile with the highest stackLevel whose
 * schedule has a period at that moment (Absolute from startSchedule or when the charger took it, Recurring
 * daily or weekly from startSchedule, Relative from the transaction's start); a TxProfile over a TxDefaultProfile (the connector's over the
 * charger's), capped by the ChargePointMaxProfile. Amps become watts with the supply's voltage and the
 * period's phases (3 when unsaid). Pure: time and voltage come in as arguments.
 */
import type { BusEvent } from "../../shared/events.ts";
import type { ChargingProfileRecord } from "../../shared/domain.ts";

interface Period {
  startPeriod: number;
  limit: number;
  numberPhases?: number;
}

interface Schedule {
  duration?: number;
  startSchedule?: string;
  chargingRateUnit: "A" | "W";
  chargingSchedulePeriod: Period[];
}

interface Profile {
  chargingProfileKind: "Absolute" | "Recurring" | "Relative";
  recurrencyKind?: "Daily" | "Weekly";
  validFrom?: string;
  validTo?: string;
  chargingSchedule: Schedule;
}

export const DEFAULT_VOLTAGE_V = 230;
const DAY_S = 86_400;

/**
 * When the schedule's current cycle started, ms; undefined when it is not in force. As the simulator reads
 * it (charger/charging_limit.ts): a Relative schedule counts from the transaction's start and is not in
 * force without one; an Absolute one without a startSchedule counts from when the charger took it.
 */
function scheduleStart(
  p: Profile,
  atMs: number,
  txStartMs: number | undefined,
  installedAtMs: number | undefined,
): number | undefined {
  const start = p.chargingSchedule.startSchedule ? Date.parse(p.chargingSchedule.startSchedule) : undefined;
  switch (p.chargingProfileKind) {
    case "Relative":
      return txStartMs;
    case "Absolute":
      return start ?? installedAtMs ?? atMs;
    case "Recurring": {
      if (start === undefined || Number.isNaN(start)) return undefined;
      const cycle = (p.recurrencyKind === "Weekly" ? 7 : 1) * DAY_S * 1000;
      if (atMs < start) return undefined;
      return start + Math.floor((atMs - start) / cycle) * cycle;
    }
  }
}

/** A profile's limit in watts at `atMs`; undefined when it has no period then (not valid, not begun, over). */
export function profileLimitW(
  profile: Record<string, unknown>,
  atMs: number,
  options: { txStartMs?: number; voltageV?: number; installedAtMs?: number } = {},
): number | undefined {
  const p = profile as unknown as Profile;
  if (p.validFrom && atMs < Date.parse(p.validFrom)) return undefined;
  if (p.validTo && atMs >= Date.parse(p.validTo)) return undefined;
  const start = scheduleStart(p, atMs, options.txStartMs, options.installedAtMs);
  if (start === undefined || atMs < start) return undefined;
  const elapsedS = (atMs - start) / 1000;
  const s = p.chargingSchedule;
  if (s.duration !== undefined && elapsedS >= s.duration) return undefined;
  const period = s.chargingSchedulePeriod.findLast((q) => q.startPeriod <= elapsedS);
  if (!period) return undefined;
  if (s.chargingRateUnit === "W") return period.limit;
  return period.limit * (options.voltageV ?? DEFAULT_VOLTAGE_V) * (period.numberPhases ?? 3);
}

/** Of one purpose's profiles, the highest stack level's limit that applies at `atMs`. */
function topLimit(
  profiles: readonly ChargingProfileRecord[],
  atMs: number,
  options: { txStartMs?: number; voltageV?: number },
): number | undefined {
  const sorted = [...profiles].sort((a, b) => b.stackLevel - a.stackLevel);
  for (const p of sorted) {
    const w = profileLimitW(p.profile, atMs, { ...options, installedAtMs: Date.parse(p.storedAt) });
    if (w !== undefined) return w;
  }
  return undefined;
}

/**
 * The limit on `connectorId` at `atMs`, watts; undefined when no profile limits it. `txStartMs` is the
 * running transaction's start (TxProfiles apply to it; Relative schedules count from it).
 */
export function activeLimitW(
  profiles: readonly ChargingProfileRecord[],
  connectorId: number,
  atMs: number,
  options: { txStartMs?: number; voltageV?: number } = {},
): number | undefined {
  const of = (purpose: string, connector: number) =>
    profiles.filter((p) => p.purpose === purpose && p.connectorId === connector);
  const tx = options.txStartMs === undefined
    ? undefined
    : topLimit(of("TxProfile", connectorId), atMs, options);
  const txDefault = tx ?? topLimit(of("TxDefaultProfile", connectorId), atMs, options) ??
    topLimit(of("TxDefaultProfile", 0), atMs, options);
  const cap = topLimit(of("ChargePointMaxProfile", 0), atMs, options);
  if (txDefault === undefined) return cap;
  return cap === undefined ? txDefault : Math.min(txDefault, cap);
}

/** Events after which the stored profiles may have changed: the portal reads them again. */
export function profilesMayHaveChanged(event: BusEvent): boolean {
  switch (event.type) {
    case "command.answered":
      return event.result.ok &&
        (event.action === "SetChargingProfile" || event.action === "ClearChargingProfile");
    case "transaction.stopped":
      return true;
    case "ocpp.frame":
      // A profile sent again after a boot: its answer may remove it.
      return event.direction === "in" && event.messageType === 3 && event.action === "SetChargingProfile";
    default:
      return false;
  }
}

/** The latest event after which the profiles may have changed: how many so far, and when it happened (ms). */
export interface ProfileChange {
  count: number;
  at: number;
}

/** The change `event` makes; its time is the CSMS's (when the charger's answer came), not the page's. */
export function nextProfileChange(last: ProfileChange, event: BusEvent): ProfileChange {
  const at = Date.parse(event.at);
  return { count: last.count + 1, at: Number.isFinite(at) ? at : last.at };
}

/** The limit over time as the page has seen it: a step each time it changed. */
export interface LimitStep {
  /** ms since the epoch. */
  at: number;
  /** Watts; null: no limit. */
  w: number | null;
}

const MAX_STEPS = 500;

/** Adds a step when the limit differs from the last one (and only forward in time). */
export function pushLimit(history: readonly LimitStep[], at: number, w: number | null): LimitStep[] {
  const last = history.at(-1);
  if (last && (last.w === w || at < last.at)) return history as LimitStep[];
  const next = [...history, { at, w }];
  return next.length > MAX_STEPS ? next.slice(next.length - MAX_STEPS) : next;
}

/** The limit at `atMs` by the history; before its first step, the first step's (what the page first knew). */
export function limitAt(history: readonly LimitStep[], atMs: number): number | null {
  if (history.length === 0) return null;
  return (history.findLast((s) => s.at <= atMs) ?? history[0]).w;
}
