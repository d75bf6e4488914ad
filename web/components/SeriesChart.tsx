/**
 * One series over time as a uPlot chart: a line, a step line (counts that change in steps), or bars (per
 * day, per hour). Only the canvas: the caller gives it a caption and its text alternative (the latest or
 * total values as text beside it), so the canvas is hidden from assistive technology.
 */
import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";

export type SeriesShape = "line" | "step" | "bars";

export interface SeriesChartProps {
  /** Seconds since the epoch. */
  xs: readonly number[];
  ys: readonly number[];
  label: string;
  /** How a value reads on the axis and in the legend ("7.4 kW"). */
  format: (v: number) => string;
  color: string;
  shape: SeriesShape;
  height?: number;
  /** The lowest top of the y scale (so a flat zero still draws a scale). */
  minTop?: number;
}

function paths(shape: SeriesShape): uPlot.Series.PathBuilder | undefined {
  if (shape === "step") return uPlot.paths.stepped!({ align: 1 });
  if (shape === "bars") return uPlot.paths.bars!({ size: [0.7, 40] });
  return undefined;
}

function options(props: SeriesChartProps, width: number): uPlot.Options {
  const minTop = props.minTop ?? 1;
  return {
    width,
    height: props.height ?? 200,
    cursor: { drag: { x: false, y: false } },
    legend: { show: false },
    scales: {
      x: { time: true },
      y: { range: (_u, _min, max) => [0, Math.max(minTop, max * 1.15)] },
    },
    axes: [
      { stroke: "#475569", grid: { stroke: "#e2e8f0" } },
      {
        stroke: "#475569",
        grid: { stroke: "#eef2f6" },
        size: 64,
        values: (_u, splits) => splits.map((v) => props.format(v)),
      },
    ],
    series: [
      {},
      {
        label: props.label,
        stroke: props.color,
        width: 2,
        fill: props.shape === "bars" ? props.color : `${props.color}1a`,
        paths: paths(props.shape),
        points: { show: false },
        value: (_u, v) => v == null ? "—" : props.format(v),
      },
    ],
  };
}

export function SeriesChart(props: SeriesChartProps) {
  const holder = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const data = (): uPlot.AlignedData => [props.xs as number[], props.ys as number[]];

  useEffect(() => {
    const el = holder.current!;
    const u = new uPlot(options(props, Math.max(280, el.clientWidth)), data(), el);
    plot.current = u;
    const resize = new ResizeObserver(() =>
      u.setSize({ width: Math.max(280, el.clientWidth), height: props.height ?? 200 })
    );
    resize.observe(el);
    return () => {
      resize.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, []);

  useEffect(() => {
    plot.current?.setData(data());
  }, [props.xs, props.ys]);

  return (
    <div class="chart-canvas series-canvas" ref={holder} aria-hidden="true" data-points={props.xs.length} />
  );
}
