/**
 * The battery's progression: state of charge (%) and power (kW) over time, as a
 * live uPlot chart, with the charging limit the stored profiles set as a dashed step line. The numbers above the chart are the latest sample, so the
 * chart is readable at a glance and testable without reading pixels.
 */
import type { ReadonlySignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import { formatKw, formatPercent } from "../lib/format.ts";
import { limitAt, type LimitStep } from "../lib/charging_limit.ts";
import type { MeterPoint } from "../lib/protocol.ts";

/** Time, SoC, power (kW) and the charging limit (kW, by `limits`; null where there is none). */
export function chartData(
  points: readonly MeterPoint[],
  limits: readonly LimitStep[] = [],
): [number[], (number | null)[], (number | null)[], (number | null)[]] {
  const xs: number[] = [];
  const soc: (number | null)[] = [];
  const kw: (number | null)[] = [];
  const limit: (number | null)[] = [];
  for (const p of points) {
    if (p.socPercent === undefined && p.powerW === undefined) continue;
    const ms = Date.parse(p.timestamp);
    if (!Number.isFinite(ms)) continue;
    xs.push(ms / 1000);
    soc.push(p.socPercent ?? null);
    kw.push(p.powerW === undefined ? null : p.powerW / 1000);
    const w = limitAt(limits, ms);
    limit.push(w === null ? null : w / 1000);
  }
  return [xs, soc, kw, limit];
}

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
        stroke: "#16a34a",
        width: 2,
        fill: "rgba(22,163,74,0.08)",
        value: (_u, v) => v == null ? "—" : `${v.toFixed(1)} %`,
      },
      {
        label: "Power",
        scale: "kw",
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
  const limitW = limits?.value.at(-1)?.w ?? null;

  const latest = points.value.findLast((p) => p.socPercent !== undefined || p.powerW !== undefined);
  return (
    <div class="chart" data-testid="battery-chart" data-points={data[0].length}>
      <div class="chart-now">
        {!live && data[0].length > 0 && <span class="muted small">Last session</span>}
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
        <span class="muted small">{data[0].length} samples</span>
      </div>
      <div class="chart-canvas" ref={holder} />
      {data[0].length === 0 && (
        <div class="chart-empty muted small">
          No meter values yet. They appear here while the charger charges.
        </div>
      )}
    </div>
  );
}
