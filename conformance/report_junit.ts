/**
 * junit.xml: one testsuite per run, one testcase per case, so that CI systems show it. A fail is a
 * <failure>, a not-applicable case is <skipped> with its reason, an inconclusive one is an <error> (it
 * neither passed nor was shown to fail); the frames go into <system-out>.
 */
import { type RunReport, tally } from "./case.ts";

export function xmlEscape(s: string): string {
  // Characters XML 1.0 forbids outright are dropped: a peer's frame may hold anything.
  // deno-lint-ignore no-control-regex
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, "").replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c]!,
  );
}

export function reportJunit(report: RunReport): string {
  const t = tally(report.results);
  const suite = `conformance.${report.mode}.ocpp${report.ocpp}`;
  const out = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="chargewire-conformance" tests="${report.results.length}" failures="${t.fail}" errors="${t.inconclusive}" skipped="${
      t["not-applicable"]
    }" time="${(report.durationMs / 1000).toFixed(3)}">`,
    `  <testsuite name="${
      xmlEscape(suite)
    }" tests="${report.results.length}" failures="${t.fail}" errors="${t.inconclusive}" skipped="${
      t["not-applicable"]
    }" time="${(report.durationMs / 1000).toFixed(3)}" timestamp="${xmlEscape(report.startedAt)}">`,
  ];
  for (const r of report.results) {
    out.push(
      `    <testcase classname="${xmlEscape(suite)}" name="${xmlEscape(`${r.id} ${r.purpose}`)}" time="${
        (r.durationMs / 1000).toFixed(3)
      }">`,
    );
    const why = xmlEscape(r.reason ?? "");
    if (r.verdict === "fail") out.push(`      <failure message="${why}">${why}</failure>`);
    if (r.verdict === "inconclusive") {
      out.push(`      <error message="${why}" type="inconclusive">${why}</error>`);
    }
    if (r.verdict === "not-applicable") out.push(`      <skipped message="${why}"/>`);
    const log = [
      ...r.notes.map((n) => `# ${n}`),
      ...r.frames.map((f) =>
        `${f.direction === "in" ? "<-" : "->"} ${f.text}${f.problem ? `   !! ${f.problem}` : ""}`
      ),
    ].join("\n");
    if (log) out.push(`      <system-out>${xmlEscape(log)}</system-out>`);
    out.push(`    </testcase>`);
  }
  out.push(`  </testsuite>`, `</testsuites>`, "");
  return out.join("\n");
}
