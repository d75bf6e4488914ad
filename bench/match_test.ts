import assert from "node:assert/strict";
import { matchLatencies } from "./match.ts";
import { summarize } from "./stats.ts";

Deno.test("matchLatencies pairs each observation with the send of the same charger and energy reading", () => {
  const sends: [string, number, number][] = [
    ["CP-1", 3, 1000],
    ["CP-1", 6, 2000],
    ["CP-2", 3, 1500],
  ];
  const seen: [string, number, number][] = [
    ["CP-1", 3, 1004], // 4 ms
    ["CP-2", 3, 1510], // 10 ms: same energy, other charger
    ["CP-1", 6, 2002], // 2 ms
    ["CP-1", 9, 3000], // sent after the window
  ];
  const r = matchLatencies(sends, seen);
  assert.equal(r.matched, 3);
  assert.equal(r.outside, 1);
  const s = summarize(r.histogram);
  assert.equal(s.count, 3);
  // HdrHistogram keeps three significant digits.
  assert.ok(Math.abs(s.max - 10) < 0.02, `max ${s.max}`);
  assert.ok(Math.abs(s.p50 - 4) < 0.01, `p50 ${s.p50}`);
});

Deno.test("matchLatencies of nothing is empty, not an error", () => {
  const r = matchLatencies([], []);
  assert.equal(r.matched, 0);
  assert.equal(summarize(r.histogram).count, 0);
});
