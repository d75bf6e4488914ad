import assert from "node:assert/strict";
import client from "prom-client";
import { CellCounter, CellHistogram, SourceGauge } from "./metric_cells.ts";

/** Rendered by prom-client's own registry, as /metrics renders them. */
async function render(...metrics: unknown[]): Promise<string> {
  const registry = new client.Registry();
  for (const m of metrics) registry.registerMetric(m as client.Metric);
  return await registry.metrics();
}

Deno.test("metric cells: a counter's cells are its series; an unlabelled one shows 0 before any increment", async () => {
  const c = new CellCounter("t_frames_total", "Frames.", ["direction", "action"]);
  const heartbeat = c.cell("in", "Heartbeat");
  heartbeat.value++;
  heartbeat.value++;
  assert.equal(c.cell("in", "Heartbeat"), heartbeat, "one cell per label set");
  c.cell("out", 'say "hi"\\').value += 3;
  const plain = new CellCounter("t_energy_wh_total", "Energy.", []);
  assert.equal(
    await render(c, plain),
    [
      "# HELP t_frames_total Frames.",
      "# TYPE t_frames_total counter",
      't_frames_total{direction="in",action="Heartbeat"} 2',
      't_frames_total{direction="out",action="say \\"hi\\"\\\\"} 3',
      "",
      "# HELP t_energy_wh_total Energy.",
      "# TYPE t_energy_wh_total counter",
      "t_energy_wh_total 0",
      "",
    ].join("\n"),
  );
  assert.throws(() => c.cell("in"), /expected 2 label values \(direction, action\), got 1/);
});

Deno.test("metric cells: a histogram's buckets are cumulative, with +Inf, sum and count", async () => {
  const h = new CellHistogram("t_seconds", "Time.", ["engine"], [0.1, 0.01, 1]);
  const cell = h.cell("sqlite");
  for (const v of [0.005, 0.01, 0.02, 0.5, 3]) cell.observe(v);
  assert.equal(
    await render(h),
    [
      "# HELP t_seconds Time.",
      "# TYPE t_seconds histogram",
      't_seconds_bucket{engine="sqlite",le="0.01"} 2',
      't_seconds_bucket{engine="sqlite",le="0.1"} 3',
      't_seconds_bucket{engine="sqlite",le="1"} 4',
      't_seconds_bucket{engine="sqlite",le="+Inf"} 5',
      't_seconds_sum{engine="sqlite"} 3.535',
      't_seconds_count{engine="sqlite"} 5',
      "",
    ].join("\n"),
  );
});

Deno.test("metric cells: a source gauge shows what its sources say at scrape time, nothing without one", async () => {
  const g = new SourceGauge<() => number>(
    "t_clients",
    "Clients.",
    (sources) => [{ labels: {}, value: sources.reduce((n, s) => n + s(), 0) }],
  );
  assert.equal(await render(g), "# HELP t_clients Clients.\n# TYPE t_clients gauge\n");
  let n = 2;
  const untrackA = g.track(() => n);
  g.track(() => 5);
  assert.match(await render(g), /^t_clients 7$/m);
  n = 3;
  assert.match(await render(g), /^t_clients 8$/m);
  untrackA();
  assert.match(await render(g), /^t_clients 5$/m);
});
