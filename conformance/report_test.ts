import assert from "node:assert/strict";
import type { RunReport } from "./case.ts";
import { reportHtml } from "./report_html.ts";
import { reportJson } from "./report_json.ts";
import { reportJunit } from "./report_junit.ts";
import { summary } from "./report_text.ts";

const report: RunReport = {
  tool: "test",
  mode: "csms",
  ocpp: "1.6",
  target: "ws://h/ocpp as X",
  startedAt: "2026-01-01T00:00:00.000Z",
  durationMs: 2500,
  results: [
    {
      id: "A",
      purpose: "passes",
      steps: ["s"],
      expects: ["e"],
      verdict: "pass",
      checks: [{ ok: true, text: "ok" }],
      frames: [{ at: 5, direction: "out", text: '[2,"1","Heartbeat",{}]', action: "Heartbeat" }],
      notes: [],
      startedAt: "",
      durationMs: 3,
    },
    {
      id: "B",
      purpose: "fails <b>",
      steps: [],
      expects: [],
      verdict: "fail",
      reason: 'got "x" & <y>',
      checks: [],
      frames: [{ at: 9, direction: "in", text: "<script>alert(1)</script>\u0001", problem: "bad & worse" }],
      notes: ["a note"],
      startedAt: "",
      durationMs: 4,
    },
    {
      id: "C",
      purpose: "n/a",
      steps: [],
      expects: [],
      verdict: "not-applicable",
      reason: "no key",
      checks: [],
      frames: [],
      notes: [],
      startedAt: "",
      durationMs: 0,
    },
    {
      id: "D",
      purpose: "waits",
      steps: [],
      expects: [],
      verdict: "inconclusive",
      reason: "nobody acted",
      checks: [],
      frames: [],
      notes: [],
      startedAt: "",
      durationMs: 0,
    },
  ],
};

Deno.test("junit.xml: counts, one testcase each, escaped text, no control characters", () => {
  const xml = reportJunit(report);
  assert.match(
    xml,
    /<testsuite name="conformance.csms.ocpp1.6" tests="4" failures="1" errors="1" skipped="1" time="2.500"/,
  );
  assert.equal(xml.match(/<testcase /g)!.length, 4);
  assert.match(xml, /<failure message="got &quot;x&quot; &amp; &lt;y&gt;">/);
  assert.match(xml, /<skipped message="no key"\/>/);
  assert.match(xml, /<error message="nobody acted" type="inconclusive">/);
  assert.match(xml, /&lt;script&gt;/);
  assert.ok(!xml.includes("\u0001"));
});

Deno.test("report.html: self-contained, escaped, failing cases open", () => {
  const html = reportHtml(report);
  assert.doesNotMatch(html, /<script>/);
  assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assert.match(html, /<details id="B" open>/);
  assert.match(html, /<details id="A">/);
  assert.match(html, /fails &lt;b&gt;/);
  assert.doesNotMatch(html, /<link |src="http/);
});

Deno.test("report.json and the summary carry the totals", () => {
  const json = JSON.parse(reportJson(report));
  assert.deepEqual(json.totals, { pass: 1, fail: 1, "not-applicable": 1, inconclusive: 1 });
  const text = summary(report);
  assert.match(text, /1 passed, 1 failed, 1 not applicable, 1 inconclusive \(4 cases, 2.5 s\)/);
  assert.match(text, /FAIL B: got "x" & <y>/);
  assert.doesNotMatch(text, /PASS A/);
});
