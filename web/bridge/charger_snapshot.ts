/**
 * What a client watching one charger starts from (also what its page is rendered from): its summary from
 * the live fleet (or the read model for one not in it), the frames this portal's frame log holds, its
 * status history from the persisted event log, its meter samples and latest transactions from the reads.
 */
import type { CsmsReads } from "../../shared/queries.ts";
import { statusLogFromEvents } from "../lib/detail_state.ts";
import type { FleetState } from "../lib/fleet_state.ts";
import type { FrameLog } from "../lib/frame_log.ts";
import type { ChargerSnapshot } from "../lib/protocol.ts";

export interface SnapshotLimits {
  /** Frames in a snapshot. */
  frames: number;
  /** Meter samples in a snapshot. */
  samples: number;
  /** Event-log entries read for the status history (status entries are among other kinds). */
  events: number;
}

export function chargerSnapshots(
  reads: CsmsReads,
  fleet: FleetState,
  frames: FrameLog,
  limits: SnapshotLimits,
): (chargerId: string) => Promise<ChargerSnapshot> {
  return async (chargerId) => {
    const charger = fleet.copy(chargerId) ?? await reads.getCharger(chargerId) ?? null;
    const active = charger?.activeTransactions.at(-1);
    const [meter, transactions, events] = await Promise.all([
      reads.meterHistory(chargerId, { transactionId: active?.id, limit: limits.samples }),
      reads.listTransactions({ chargerId, limit: 10 }).then((r) => r.items),
      reads.eventLog({ chargerId, limit: limits.events }),
    ]);
    return {
      at: new Date().toISOString(),
      chargerId,
      charger,
      frames: frames.recent(chargerId, limits.frames),
      statusLog: statusLogFromEvents(events),
      meter,
      transactions,
    };
  };
}
