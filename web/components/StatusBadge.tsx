import type { FleetStatus } from "../lib/fleet.ts";

/** Labels that read better than the OCPP enum names. */
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

/** A small coloured dot per connector, for dense rows. */
export function ConnectorDot(
  { id, status, errorCode }: { id: number; status: FleetStatus; errorCode?: string },
) {
  const detail = errorCode && errorCode !== "NoError" ? ` (${errorCode})` : "";
  return (
    <span class={`dot status-${status}`} title={`Connector ${id}: ${statusLabel(status)}${detail}`}>
      {id}
    </span>
  );
}
