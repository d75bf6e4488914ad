/**
 * Runs a catalogue: one case after the other, each with a fresh context from its mode, each ending in a
 * verdict. A case passes only when it returned, every check held and every frame the peer sent conformed
 * to its schema (the schema check is the runner's, applied to every case alike).
 */
import {
  CaseFailed,
  type CaseInfo,
  type CaseResult,
  type Check,
  type ConformanceCase,
  Inconclusive,
  NotApplicable,
} from "./case.ts";
import type { Clock } from "./clock.ts";
import type { WireFrame } from "./link.ts";

/** What every case's context offers, whatever the mode. */
export interface CaseScope {
  readonly clock: Clock;
  /** Records a check; a failed one ends the case as failed. */
  check(ok: boolean, text: string): void;
  /** A line for people, kept in the reports. */
  note(text: string): void;
  /** Receives each frame of the case (links are given it). */
  record(frame: WireFrame): void;
}

/** A mode (csms or charger) turns a case's scope into the context its cases run with. */
export interface Mode<Ctx> {
  open(info: CaseInfo, scope: CaseScope): Promise<Ctx>;
  /** Runs after each case whatever its verdict: closes what the case opened. */
  close(ctx: Ctx): Promise<void>;
}

export interface RunOptions {
  clock: Clock;
  /** Told of each case as it starts and when it ends (the terminal's progress line). */
  onStart?(index: number, total: number, info: CaseInfo): void;
  onResult?(index: number, total: number, result: CaseResult): void;
}

export async function runCases<Ctx>(
  cases: readonly ConformanceCase<Ctx>[],
  mode: Mode<Ctx>,
  o: RunOptions,
): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const [i, c] of cases.entries()) {
    o.onStart?.(i, cases.length, c);
    const result = await runOne(c, mode, o.clock);
    results.push(result);
    o.onResult?.(i, cases.length, result);
  }
  return results;
}

async function runOne<Ctx>(c: ConformanceCase<Ctx>, mode: Mode<Ctx>, clock: Clock): Promise<CaseResult> {
  const checks: Check[] = [];
  const frames: WireFrame[] = [];
  const notes: string[] = [];
  const startedAt = clock.isoNow();
  const t0 = clock.now();
  const scope: CaseScope = {
    clock,
    check(ok, text) {
      checks.push({ ok, text });
      if (!ok) throw new CaseFailed(text);
    },
    note: (text) => void notes.push(text),
    record: (frame) => void frames.push(frame),
  };
  let verdict: CaseResult["verdict"] = "pass";
  let reason: string | undefined;
  let ctx: Ctx | undefined;
  try {
    ctx = await mode.open(c, scope);
    await c.run(ctx);
  } catch (err) {
    if (err instanceof NotApplicable) verdict = "not-applicable";
    else if (err instanceof Inconclusive) verdict = "inconclusive";
    else verdict = "fail";
    reason = err instanceof CaseFailed || err instanceof NotApplicable || err instanceof Inconclusive
      ? err.message
      : `the case broke off: ${err instanceof Error ? err.message : String(err)}`;
  } finally {
    if (ctx !== undefined) {
      await mode.close(ctx).catch((err) =>
        notes.push(`closing: ${err instanceof Error ? err.message : err}`)
      );
    }
  }
  // The peer's frames must conform in every case, whatever the case checked.
  const broken = frames.find((f) => f.direction === "in" && f.problem);
  if (broken && (verdict === "pass" || verdict === "inconclusive")) {
    verdict = "fail";
    reason = `the peer sent a frame that breaks the schema: ${broken.problem}`;
    checks.push({ ok: false, text: reason });
  }
  return {
    id: c.id,
    purpose: c.purpose,
    steps: c.steps,
    expects: c.expects,
    verdict,
    ...(reason !== undefined && { reason }),
    checks,
    frames,
    notes,
    startedAt,
    durationMs: Math.round(clock.now() - t0),
  };
}
