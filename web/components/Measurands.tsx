/** Every measurand a charger sent, its latest value per EVSE, phase and location (web/lib/measurands.ts). */
import type { LocatedSample } from "../../shared/queries.ts";
import { formatDateTime } from "../lib/format.ts";
import { formatReading, latestReadings } from "../lib/measurands.ts";

export function Measurands({ samples }: { samples: readonly LocatedSample[] }) {
  const rows = latestReadings(samples);
  if (rows.length === 0) return <p class="muted small">No meter values yet.</p>;
  return (
    <table class="table" data-testid="measurands">
      <thead>
        <tr>
          <th>EVSE</th>
          <th>Measurand</th>
          <th>Phase</th>
          <th>Location</th>
          <th class="num">Value</th>
          <th>At</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={`${r.evseId}/${r.measurand}/${r.phase}/${r.location}`} data-measurand={r.measurand}>
            <td class="num">{r.evseId}</td>
            <td class="mono small">{r.measurand}</td>
            <td class="small">{r.phase ?? "—"}</td>
            <td class="small">{r.location ?? "—"}</td>
            <td class="num" data-testid="measurand-value">{formatReading(r.value, r.unit)}</td>
            <td class="small">{formatDateTime(r.at)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
