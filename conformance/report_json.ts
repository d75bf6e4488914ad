/** report.json: the run as data, every case with its checks and frames (the other reports' source). */
import type { RunReport } from "./case.ts";
import { tally } from "./case.ts";

export function reportJson(report: RunReport): string {
  return JSON.stringify({ ...report, totals: tally(report.results) }, null, 2) + "\n";
}
