import assert from "node:assert/strict";
import { formatAgo, formatDetail, formatDuration, formatKw, formatKwh, formatPercent } from "./format.ts";

Deno.test("format: units", () => {
  assert.equal(formatKw(11000), "11.0 kW");
  assert.equal(formatKw(undefined), "—");
  assert.equal(formatKwh(2500), "2.50 kWh");
  assert.equal(formatPercent(42.25), "42.3 %");
  assert.equal(formatPercent(100), "100 %");
});

Deno.test("format: durations", () => {
  assert.equal(formatDuration(0), "0 s");
  assert.equal(formatDuration(75_000), "1 min 15 s");
  assert.equal(formatDuration((3 * 60 + 5) * 60_000), "3 h 05 min");
  assert.equal(formatDuration(-1), "—");
});

Deno.test("format: ago", () => {
  const now = Date.parse("2024-05-01T10:00:00Z");
  assert.equal(formatAgo(undefined, now), "never");
  assert.equal(formatAgo("2024-05-01T09:59:58Z", now), "just now");
  assert.equal(formatAgo("2024-05-01T09:59:30Z", now), "30 s ago");
  assert.equal(formatAgo("2024-05-01T09:50:00Z", now), "10 min ago");
});

Deno.test("format: an audit detail reads as key: value pairs", () => {
  assert.equal(
    formatDetail({ command: "Reset", payload: { type: "Soft" }, result: "Accepted" }),
    'command: Reset · payload: {"type":"Soft"} · result: Accepted',
  );
  assert.equal(formatDetail(undefined), "");
  assert.equal(formatDetail({ n: 1, none: null }), "n: 1 · none: null");
});
