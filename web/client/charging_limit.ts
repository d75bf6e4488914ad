/**
 * The charging limit the page draws on the battery chart: the charger's stored profiles, read from REST
 * when the page opens and again after each event that may have changed them (`changes` counts those),
 * and the limit they give on the charging EVSE, noted as a step whenever it changes (at each sample, for
 * schedules whose periods move on; now, when the profiles change). web/lib/charging_limit.ts decides.
 */
import { type ReadonlySignal, useComputed, useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import type { ChargingProfileRecord } from "../../shared/domain.ts";
import { activeLimitW, type LimitStep, type ProfileChange, pushLimit } from "../lib/charging_limit.ts";
import type { MeterPoint } from "../lib/protocol.ts";
import type { TransactionRecord } from "../../shared/queries.ts";
import { api } from "./api.ts";

/** A burst of changes (a boot's re-sent profiles) is read once. */
const REREAD_DELAY_MS = 200;

export function useChargingLimit(
  chargerId: string,
  changes: ReadonlySignal<ProfileChange>,
  points: ReadonlySignal<MeterPoint[]>,
  active: TransactionRecord | undefined,
): { history: ReadonlySignal<LimitStep[]>; profiles: ReadonlySignal<ChargingProfileRecord[] | null> } {
  const profiles = useSignal<ChargingProfileRecord[] | null>(null);
  const history = useSignal<LimitStep[]>([]);

  useEffect(() => {
    let stale = false;
    const timer = setTimeout(async () => {
      const res = await api(`/api/v1/chargers/${encodeURIComponent(chargerId)}/charging-profiles`);
      if (res.ok && !stale) profiles.value = (await res.json()).items;
    }, changes.value.count === 0 ? 0 : REREAD_DELAY_MS);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [changes.value.count]);

  const latest = useComputed(() => points.value.at(-1));
  const evseId = active?.evseId ?? 1;
  const txStartMs = active ? Date.parse(active.startedAt) : undefined;

  const note = (at: number) => {
    const list = profiles.peek();
    if (list === null) return;
    const voltageV = latest.peek()?.voltageV;
    const w = activeLimitW(list, evseId, at, {
      ...(txStartMs !== undefined && { txStartMs }),
      ...(voltageV !== undefined && { voltageV }),
    });
    history.value = pushLimit(history.peek(), at, w ?? null);
  };
  // A new sample: the limit at its time (a schedule's next period may have begun).
  useEffect(() => {
    const at = Date.parse(latest.value?.timestamp ?? "");
    note(Number.isFinite(at) ? at : Date.now());
  }, [latest.value]);
  // New profiles: the limit from the event that changed them (when the charger answered); another
  // transaction: from now.
  useEffect(() => note(changes.peek().count === 0 ? Date.now() : changes.peek().at), [profiles.value]);
  useEffect(() => note(Date.now()), [evseId, txStartMs]);

  return { history, profiles };
}
