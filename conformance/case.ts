/**
 * What a conformance case is and how it ends. A case declares its id (the public test-case id where there
 * is one), a one-line purpose, its steps and its expectations, and runs against a context of its mode.
 * It ends by returning (pass, unless a check failed or the peer broke a schema), or by throwing one of
 * the outcomes below.
 */
import type { WireFrame } from "./link.ts";

export type Verdict = "pass" | "fail" | "not-applicable" | "inconclusive";

export interface CaseInfo {
  id: string;
  purpose: string;
  steps: string[];
  expects: string[];
  /**
   * The OCPP 1.6 feature profile the case belongs to (Core, RemoteTrigger, SmartCharging, Reservation,
   * LocalAuthListManagement, FirmwareManagement): a charger that does not declare it in
   * SupportedFeatureProfiles makes the case not applicable.
   */
  profile?: string;
}

export interface ConformanceCase<Ctx> extends CaseInfo {
  run(ctx: Ctx): Promise<void>;
}

/** The case cannot pass: the peer did something the spec forbids, or did not do what it requires. */
export class CaseFailed extends Error {}
/** The case does not apply to this peer; the message says why. */
export class NotApplicable extends Error {}
/** Nobody acted in time: the peer or the operator did not do what the case waited for. */
export class Inconclusive extends Error {}

/** One expectation checked, for the reports. */
export interface Check {
  ok: boolean;
  text: string;
}

export interface CaseResult {
  id: string;
  purpose: string;
  steps: string[];
  expects: string[];
  verdict: Verdict;
  /** Why, for anything but a pass. */
  reason?: string;
  checks: Check[];
  frames: WireFrame[];
  /** Lines the case logged for people (what it waited for, what it was told). */
  notes: string[];
  startedAt: string;
  durationMs: number;
}

export interface RunReport {
  tool: string;
  mode: "csms" | "charger";
  ocpp: "1.6" | "2.0.1";
  /** What was tested: the CSMS's URL or the charger's identity. */
  target: string;
  startedAt: string;
  durationMs: number;
  results: CaseResult[];
}

export function tally(results: readonly CaseResult[]): Record<Verdict, number> {
  const t: Record<Verdict, number> = { pass: 0, fail: 0, "not-applicable": 0, inconclusive: 0 };
  for (const r of results) t[r.verdict]++;
  return t;
}

/** Cases whose id matches a pattern: `*` stands for any characters, otherwise a substring (case-blind). */
export function selectCases<C extends CaseInfo>(cases: readonly C[], pattern: string | undefined): C[] {
  if (!pattern) return [...cases];
  const parts = pattern.split(",").map((p) => p.trim()).filter((p) => p !== "");
  const tests = parts.map((p) => {
    if (!p.includes("*")) return (id: string) => id.toLowerCase().includes(p.toLowerCase());
    const re = new RegExp(
      `^${p.split("*").map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`,
      "i",
    );
    return (id: string) => re.test(id);
  });
  return cases.filter((c) => tests.some((t) => t(c.id)));
}
