/**
 * A GetCompositeSchedule answer as a step chart (the limit over the coming period) with its periods as
 * text beside it: the text is what assistive technology and tests read, the canvas is hidden from them.
 */
import { compositeSchedule, compositeSeries } from "../lib/composite_schedule.ts";
import { formatDateTime } from "../lib/format.ts";
import { SeriesChart } from "./SeriesChart.tsx";

export function CompositeScheduleChart({ response, answeredAt }: { response: unknown; answeredAt: number }) {
  const schedule = compositeSchedule(response, answeredAt);
  if (!schedule) return null;
  const { xs, ys } = compositeSeries(schedule);
  const unit = schedule.unit === "W" ? "kW" : "A";
  const format = (v: number) => `${Number(v.toFixed(2))} ${unit}`;
  return (
    <figure class="composite-schedule" data-testid="composite-schedule" data-periods={schedule.steps.length}>
      <figcaption class="small">
        Composite schedule{schedule.connectorId !== undefined && ` of connector ${schedule.connectorId}`}
      </figcaption>
      <SeriesChart xs={xs} ys={ys} label="Limit" format={format} color="#dc2626" shape="step" height={180} />
      <ol class="small mono" data-testid="composite-periods">
        {schedule.steps.map((s) => (
          <li key={s.at} data-limit={s.limit}>
            {formatDateTime(new Date(s.at).toISOString())}:{" "}
            {format(schedule.unit === "W" ? s.limit / 1000 : s.limit)}
          </li>
        ))}
      </ol>
    </figure>
  );
}
