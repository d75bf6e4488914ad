/**
 * The fleet page's last hour: total power and chargers charging, as charts with their present values as
 * text beside them (the charts' text alternative, and what tests read). Seeded with the server's series
 * (web/lib/fleet_series.ts), then fed by the page's own fleet rows as the live feed changes them; a point
 * is recorded every bucket too, so a quiet fleet's line still reaches the present.
 */
import type { ReadonlySignal } from "@preact/signals";
import { useSignal } from "@preact/signals";
import { useEffect, useMemo } from "preact/hooks";
import type { FleetRow } from "../lib/fleet.ts";
import { type FleetHistory, type FleetPoint, FleetSeries, fleetTotals } from "../lib/fleet_series.ts";
import { formatKw } from "../lib/format.ts";
import { SeriesChart } from "./SeriesChart.tsx";

export function FleetCharts(
  { rows, history }: {
    /** Every charger's row once the live snapshot is in; null before. */
    rows: ReadonlySignal<FleetRow[] | null>;
    history: FleetHistory;
  },
) {
  const series = useMemo(
    () => new FleetSeries({ bucketMs: history.bucketMs, spanMs: history.spanMs }, history.points),
    [],
  );
  const points = useSignal<FleetPoint[]>(history.points);

  useEffect(() => {
    if (!rows.value) return;
    series.record(fleetTotals(rows.value));
    points.value = series.points();
  }, [rows.value]);

  useEffect(() => {
    const timer = setInterval(() => {
      const latest = series.latest();
      if (latest) series.record(latest);
      points.value = series.points();
    }, history.bucketMs);
    return () => clearInterval(timer);
  }, []);

  const ps = points.value;
  const xs = useMemo(() => ps.map((p) => p.at / 1000), [ps]);
  const kw = useMemo(() => ps.map((p) => p.powerW / 1000), [ps]);
  const charging = useMemo(() => ps.map((p) => p.charging), [ps]);
  const latest = ps.at(-1);
  const peakW = ps.reduce((m, p) => Math.max(m, p.powerW), 0);
  const peakCharging = ps.reduce((m, p) => Math.max(m, p.charging), 0);
  const since = ps.length > 0 ? Math.round((ps[ps.length - 1].at - ps[0].at) / 60_000) : 0;

  return (
    <section class="fleet-charts" aria-label="The fleet over the last hour" data-testid="fleet-charts">
      <figure class="card chart" data-testid="fleet-power-chart">
        <figcaption class="chart-caption">Total power, last hour</figcaption>
        <p class="chart-now">
          <span>
            <span class="muted small">Now</span>{" "}
            <strong data-testid="fleet-power-now" data-value={latest?.powerW ?? ""}>
              {formatKw(latest?.powerW ?? 0)}
            </strong>
          </span>
          <span class="muted small">
            Peak {formatKw(peakW)} over {since} min
          </span>
        </p>
        <SeriesChart
          xs={xs}
          ys={kw}
          label="Total power"
          format={(v) => `${v.toFixed(v >= 100 ? 0 : 1)} kW`}
          color="#2563eb"
          shape="line"
          height={160}
        />
      </figure>
      <figure class="card chart" data-testid="fleet-charging-chart">
        <figcaption class="chart-caption">Chargers charging, last hour</figcaption>
        <p class="chart-now">
          <span>
            <span class="muted small">Now</span>{" "}
            <strong data-testid="fleet-charging-now" data-value={latest?.charging ?? ""}>
              {(latest?.charging ?? 0).toLocaleString("en")}
            </strong>
          </span>
          <span class="muted small">
            Most {peakCharging.toLocaleString("en")} over {since} min
          </span>
        </p>
        <SeriesChart
          xs={xs}
          ys={charging}
          label="Chargers charging"
          format={(v) => Number.isInteger(v) ? v.toLocaleString("en") : ""}
          color="#15803d"
          shape="step"
          height={160}
        />
      </figure>
    </section>
  );
}
