import type { FleetStatus } from "../lib/fleet.ts";

/** Labels that read better than the enum names. */
const LABELS: Partial<Record<FleetStatus, string>> = {
  SuspendedEV: "Suspended (EV)",
  SuspendedEVSE: "Suspended (EVSE)",
};

export function statusLabel(status: FleetStatus): string {
  return LABELS[status] ?? status;
}

export function StatusBadge({ status, title }: { status: FleetStatus; title?: string }) {
  return (
    <span class={`badge status-${status}`} title={title} data-status={status}>
      {statusLabel(status)}
    </span>
  );
}

/**
 * How a status reads with the charger's own word beside it, when that says more ("Occupied (Finishing)");
 * an error code the charger reported follows.
 */
export function statusTitle(status: FleetStatus, original?: string, errorCode?: string): string {
  const label = statusLabel(status);
  const word = original && original !== status && original !== label ? ` (${original})` : "";
  const error = errorCode && errorCode !== "NoError" ? `, ${errorCode}` : "";
  return `${label}${word}${error}`;
}

/** A small coloured dot per EVSE, for dense rows; the tooltip has the charger's own word. */
export function ConnectorDot(
  { evseId, status, original, errorCode }: {
    evseId: number;
    status: FleetStatus;
    original?: string;
    errorCode?: string;
  },
) {
  return (
    <span
      class={`dot status-${status}`}
      title={`EVSE ${evseId}: ${statusTitle(status, original, errorCode)}`}
    >
      {evseId}
    </span>
  );
}
