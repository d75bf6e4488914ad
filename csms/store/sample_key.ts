/**
 * A transaction sample's identity: the same reading at the same time on the same EVSE. A charger replays
 * a reading whose answer it never got; storing the replay again would count it twice. Every engine keys
 * samples with this text (a unique index on it), so data moved between engines keeps matching. (The first
 * number was 1.6's connector id before SQLite's migration 7: the same number, so older keys still match.)
 */
import type { MeterSample } from "../../shared/domain.ts";

export function sampleKey(evseId: number, s: MeterSample): string {
  return JSON.stringify([
    evseId,
    s.timestamp,
    s.energyWh ?? null,
    s.powerW ?? null,
    s.currentA ?? null,
    s.voltageV ?? null,
    s.socPercent ?? null,
  ]);
}
