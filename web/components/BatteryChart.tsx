/**
 * The battery's progression: state of charge (%) and power (kW) over time, as a
 * live uPlot chart, with the charging limit the stored profiles set as a dashed step line. The numbers above the chart are the latest sample, so the
 * chart is readable at a glance and testable without reading pixels.
 */
import type { ReadonlySignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import { formatKw, formatPercent } from "../lib/format.ts";
import { batterySampleCount, chartData } from "../lib/battery_series.ts";
import type { LimitStep } from "../lib/charging_limit.ts";
import type { MeterPoint } from "../lib/protocol.ts";

function options(width: number): uPlot.Options {
  return {
    width,
    height: 240,
    cursor: { drag: { x: false, y: false } },
    scales: {
      x: { time: true },
      soc: { range: [0, 100] },
      kw: { range: (_u, _min, max) => [0, Math.max(1, max * 1.15)] },
    },
    axes: [
      { stroke: "#64748b", grid: { stroke: "#e2e8f0" } },
      { scale: "soc", label: "SoC %", stroke: "#15803d", grid: { stroke: "#eef2f6" }, size: 50 },
      { scale: "kw", side: 1, label: "kW", stroke: "#2563eb", grid: { show: false }, size: 50 },
    ],
    series: [
      {},
      {
        label: "SoC",
        scale: "soc",
        spanGaps: true,
        stroke: "#16a34a",
        width: 2,
        fill: "rgba(22,163,74,0.08)",
        value: (_u, v) => v == null ? "—" : `${v.toFixed(1)} %`,
      },
      {
        label: "Power",
        scale: "kw",
        spanGaps: true,
        stroke: "#2563eb",
        width: 2,
        value: (_u, v) => v == null ? "—" : `${v.toFixed(2)} kW`,
      },
      {
        label: "Limit",
        scale: "kw",
        stroke: "#dc2626",
        width: 2,
        dash: [6, 4],
        paths: uPlot.paths.stepped!({ align: 1 }),
        points: { show: false },
        value: (_u, v) => v == null ? "—" : `${v.toFixed(2)} kW`,
      },
    ],
  };
}

export function BatteryChart(
  { points, live, limits }: {
    points: ReadonlySignal<MeterPoint[]>;
    /** A session is in progress: the numbers are the present; otherwise they are where the last one ended. */
    live: boolean;
    /** The charging limit over time (web/client/charging_limit.ts), drawn as a dashed step line. */
    limits?: ReadonlySignal<LimitStep[]>;
  },
) {
  const holder = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);

  useEffect(() => {
    const el = holder.current!;
    const u = new uPlot(
      options(Math.max(280, el.clientWidth)),
      chartData(points.peek(), limits?.peek()),
      el,
    );
    plot.current = u;
    const resize = new ResizeObserver(() => u.setSize({ width: Math.max(280, el.clientWidth), height: 240 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, []);

  const data = chartData(points.value, limits?.value);
  useEffect(() => {
    plot.current?.setData(data);
  }, [points.value, limits?.value]);
  const samples = batterySampleCount(data);
  const limitW = limits?.value.at(-1)?.w ?? null;

  const latest = points.value.findLast((p) => p.socPercent !== undefined || p.powerW !== undefined);
  return (
    <div class="chart" data-testid="battery-chart" data-points={samples}>
      <div class="chart-now">
        {!live && samples > 0 && <span class="muted small">Last session</span>}
        <span>
          <span class="muted small">SoC</span>{" "}
          <strong data-testid="chart-soc" data-value={latest?.socPercent ?? ""}>
            {formatPercent(latest?.socPercent)}
          </strong>
        </span>
        {live && (
          <span>
            <span class="muted small">Power</span>{" "}
            <strong data-testid="chart-power">{formatKw(latest?.powerW)}</strong>
          </span>
        )}
        {limitW !== null && (
          <span>
            <span class="muted small">Limit</span>{" "}
            <strong data-testid="chart-limit" data-value={limitW}>{formatKw(limitW)}</strong>
          </span>
        )}
        <span class="muted small">{samples} samples</span>
      </div>
      <div class="chart-canvas" ref={holder} />
      {samples === 0 && (
        <div class="chart-empty muted small">
          No meter values yet. They appear here while the charger charges.
        </div>
      )}
    </div>
  );
}
