import assert from "node:assert/strict";
import { CaseFailed, type ConformanceCase, Inconclusive, NotApplicable, selectCases } from "./case.ts";
import { type CaseScope, type Mode, runCases } from "./runner.ts";
import { ManualClock } from "./test_clock.ts";

function kase(id: string, run: (ctx: CaseScope) => Promise<void>): ConformanceCase<CaseScope> {
  return { id, purpose: `case ${id}`, steps: ["a step"], expects: ["an expectation"], run };
}

const closed: string[] = [];
const mode: Mode<CaseScope> = {
  open: (info, scope) => Promise.resolve({ ...scope, note: (t) => scope.note(`${info.id}: ${t}`) }),
  close: (ctx) => {
    closed.push("closed");
    ctx.note("closing");
    return Promise.resolve();
  },
};

Deno.test("each way a case ends is its verdict, with the reason; every case is closed", async () => {
  closed.length = 0;
  const clock = new ManualClock();
  const seen: string[] = [];
  const results = await runCases(
    [
      kase("P", (ctx) => Promise.resolve(ctx.check(true, "holds"))),
      kase("F", (ctx) => Promise.resolve(ctx.check(false, "does not hold"))),
      kase("N", () => Promise.reject(new NotApplicable("no such feature"))),
      kase("I", () => Promise.reject(new Inconclusive("nobody acted"))),
      kase("X", () => Promise.reject(new TypeError("boom"))),
      kase("C", () => Promise.reject(new CaseFailed("wrong answer"))),
    ],
    mode,
    { clock, onResult: (i, n, r) => seen.push(`${i + 1}/${n} ${r.id}`) },
  );
  assert.deepEqual(
    results.map((r) => [r.id, r.verdict, r.reason]),
    [
      ["P", "pass", undefined],
      ["F", "fail", "does not hold"],
      ["N", "not-applicable", "no such feature"],
      ["I", "inconclusive", "nobody acted"],
      ["X", "fail", "the case broke off: boom"],
      ["C", "fail", "wrong answer"],
    ],
  );
  assert.deepEqual(results[0].checks, [{ ok: true, text: "holds" }]);
  assert.deepEqual(results[1].checks, [{ ok: false, text: "does not hold" }]);
  assert.equal(closed.length, 6);
  assert.deepEqual(seen, ["1/6 P", "2/6 F", "3/6 N", "4/6 I", "5/6 X", "6/6 C"]);
});

Deno.test("a schema-breaking frame from the peer fails a case that would have passed", async () => {
  const clock = new ManualClock();
  const [ok, bad, ours] = await runCases(
    [
      kase("OK", (ctx) => Promise.resolve(ctx.record({ at: 0, direction: "in", text: '[3,"1",{}]' }))),
      kase(
        "BAD",
        (ctx) =>
          Promise.resolve(
            ctx.record({ at: 0, direction: "in", text: "x", problem: "Heartbeat response: bad" }),
          ),
      ),
      // Our own deliberately wrong frame does not count against the peer.
      kase(
        "OURS",
        (ctx) => Promise.resolve(ctx.record({ at: 0, direction: "out", text: "x", problem: "ours" })),
      ),
    ],
    mode,
    { clock },
  );
  assert.equal(ok.verdict, "pass");
  assert.equal(bad.verdict, "fail");
  assert.match(bad.reason!, /breaks the schema: Heartbeat response: bad/);
  assert.equal(ours.verdict, "pass");
});

Deno.test("the time a case took is on the injected clock", async () => {
  const clock = new ManualClock();
  const run = runCases([kase("T", (ctx) => ctx.clock.sleep(1500))], mode, { clock });
  // The case reaches its sleep a few turns of the event loop later.
  for (let i = 0; i < 100 && clock.sleeping === 0; i++) await new Promise((r) => setTimeout(r, 0));
  await clock.advance(1500);
  const [r] = await run;
  assert.equal(r.durationMs, 1500);
});

Deno.test("--only picks cases by substring, wildcard or list, case-blind", () => {
  const cases = ["TC_B_01_CSMS", "TC_B_02_CSMS", "CW_G02_HEARTBEAT_CSMS", "TC_001_CS"].map((id) =>
    kase(id, () => Promise.resolve())
  );
  const ids = (p?: string) => selectCases(cases, p).map((c) => c.id);
  assert.equal(ids().length, 4);
  assert.deepEqual(ids("tc_b_"), ["TC_B_01_CSMS", "TC_B_02_CSMS"]);
  assert.deepEqual(ids("TC_*_CS"), ["TC_001_CS"]);
  assert.deepEqual(ids("HEARTBEAT,TC_001"), ["CW_G02_HEARTBEAT_CSMS", "TC_001_CS"]);
  assert.deepEqual(ids("nothing"), []);
});
