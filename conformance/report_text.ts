/** The terminal's view of a run: a progress line while it runs, a summary with every non-pass at the end. */
import { type CaseInfo, type CaseResult, type RunReport, tally, type Verdict } from "./case.ts";

const MARK: Record<Verdict, string> = {
  pass: "PASS",
  fail: "FAIL",
  "not-applicable": "N/A ",
  inconclusive: "INC ",
};

export function progressLine(index: number, total: number, info: CaseInfo): string {
  return `[${index + 1}/${total}] ${info.id} — ${info.purpose}`;
}

export function resultLine(result: CaseResult): string {
  return `${MARK[result.verdict]} ${result.id}${
    result.reason ? `: ${result.reason}` : ""
  } (${result.durationMs} ms)`;
}

export function summary(report: RunReport): string {
  const t = tally(report.results);
  const lines = [
    "",
    `Conformance, ${report.mode} mode, OCPP ${report.ocpp}, against ${report.target}:`,
    `  ${t.pass} passed, ${t.fail} failed, ${
      t["not-applicable"]
    } not applicable, ${t.inconclusive} inconclusive ` +
    `(${report.results.length} cases, ${(report.durationMs / 1000).toFixed(1)} s)`,
  ];
  for (const r of report.results) {
    if (r.verdict !== "pass") lines.push(`  ${MARK[r.verdict]} ${r.id}: ${r.reason ?? ""}`);
  }
  return lines.join("\n");
}
