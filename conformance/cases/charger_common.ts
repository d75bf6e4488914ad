/** Steps both charger-side catalogues share: the peer's CALLERROR handling and the heartbeat's timing. */
import type { ConformanceCase } from "../case.ts";
import type { CentralCtx } from "../central_mode.ts";
import type { IncomingCall, Link } from "../link.ts";

type Case = ConformanceCase<CentralCtx>;

/** A call of `action` the charger sent at or after `since` (already taken or not), or the next one. */
export async function seenSince(ctx: CentralCtx, link: Link, action: string, since: number, what: string) {
  const found = link.inbox.find((c) => c.action === action && c.at >= since);
  return found ?? await ctx.expect(action, what);
}

/**
 * The heartbeat interval the charger was given at boot, measured between two Heartbeats: one earlier
 * than half of it is a failure, and none within twice of it (plus the answer time) is one too.
 */
export function heartbeatCase(id: string): Case {
  return {
    id,
    purpose: "Heartbeats come at the interval the CSMS gave in its BootNotification answer",
    steps: ["Boot (interval I from --heartbeat)", "Wait for two Heartbeats in a row, answering each"],
    expects: [
      "the gap between them at least I/2",
      "each within 2·I (plus the answer time) of the one before",
    ],
    async run(ctx) {
      const interval = ctx.options.heartbeatS * 1000;
      const limit = 2 * interval + ctx.options.answerMs;
      await ctx.boot();
      const first = await ctx.expect("Heartbeat", "Heartbeat", limit);
      const second = await ctx.expect("Heartbeat", "second Heartbeat", limit);
      const gap = second.at - first.at;
      ctx.note(`heartbeat gap ${Math.round(gap)} ms for an interval of ${interval} ms`);
      ctx.check(
        gap >= interval / 2,
        `the gap between Heartbeats (${Math.round(gap)} ms) is at least half of ${interval} ms`,
      );
    },
  };
}

export function malformedCase(id: string, call: { action: string; payload: Record<string, unknown> }, probe: {
  action: string;
  payload: Record<string, unknown>;
}): Case {
  return {
    id,
    purpose: "A CALL that breaks its schema gets the right CALLERROR and the connection lives on",
    steps: [`${call.action} ${JSON.stringify(call.payload)} (a wrong type)`, `${probe.action}, a good CALL`],
    expects: [
      "CALLERROR TypeConstraintViolation (or FormationViolation / FormatViolation / PropertyConstraintViolation)",
      "the good CALL answered",
    ],
    async run(ctx) {
      await ctx.boot();
      const answer = await ctx.call(call.action, call.payload);
      ctx.check(answer.kind === "error", "the broken CALL is answered with a CALLERROR");
      if (answer.kind === "error") {
        ctx.check(
          ["TypeConstraintViolation", "FormationViolation", "FormatViolation", "PropertyConstraintViolation"]
            .includes(answer.code),
          `the code names the broken field (got ${answer.code})`,
        );
      }
      await ctx.result(probe.action, probe.payload);
    },
  };
}

export function unknownActionCase(
  id: string,
  probe: { action: string; payload: Record<string, unknown> },
): Case {
  return {
    id,
    purpose:
      "A CALL of an action the protocol does not have gets CALLERROR NotImplemented; the connection lives on",
    steps: ["CALL FlyToTheMoon {}", `${probe.action}, a good CALL`],
    expects: ["CALLERROR NotImplemented", "the good CALL answered"],
    async run(ctx) {
      await ctx.boot();
      const answer = await ctx.call("FlyToTheMoon", {});
      ctx.check(
        answer.kind === "error" && answer.code === "NotImplemented",
        `CALLERROR NotImplemented (got ${answer.kind === "error" ? answer.code : answer.kind})`,
      );
      await ctx.result(probe.action, probe.payload);
    },
  };
}

export type { IncomingCall };

/**
 * Boot retry while Pending: after a reset we answer the new BootNotification Pending with interval I; the
 * charger must boot again no sooner than I/2 and within 2·I (plus the answer time), and send nothing else
 * meanwhile (1.6 §4.2, 2.0.1 B02.FR.02); the second boot is Accepted.
 */
export function bootRetryCase(id: string, reset: Record<string, unknown>): Case {
  return {
    id,
    purpose:
      "Boot retry: a charger held Pending boots again after the interval and sends nothing else meanwhile",
    steps: [
      `Reset ${JSON.stringify(reset)}; the new BootNotification is answered Pending with interval I`,
      "Wait for the next BootNotification; answer Accepted",
    ],
    expects: [
      "the retry at least I/2 and at most 2·I after the Pending answer",
      "no other request in between",
    ],
    async run(ctx) {
      await ctx.boot();
      const interval = ctx.options.heartbeatS * 1000;
      let pending = true;
      ctx.answer("BootNotification", () => {
        const status = pending ? "Pending" : "Accepted";
        pending = false;
        return { status, currentTime: ctx.clock.isoNow(), interval: ctx.options.heartbeatS };
      });
      const res = await ctx.result("Reset", reset);
      ctx.check(res.status === "Accepted", `Reset Accepted (got ${res.status})`);
      const link = await ctx.reconnect();
      const first = await ctx.boot();
      const second = await ctx.expect(
        (c) => c.action === "BootNotification" && c !== first,
        "BootNotification retry",
        2 * interval + ctx.options.answerMs,
      );
      const gap = second.at - first.at;
      ctx.note(`boot retry after ${Math.round(gap)} ms for an interval of ${interval} ms`);
      ctx.check(gap >= interval / 2, `the retry (${Math.round(gap)} ms) is at least half of ${interval} ms`);
      const between = link.inbox.filter((c) =>
        c.at > first.at && c.at < second.at && c.action !== "BootNotification"
      );
      ctx.check(
        between.length === 0,
        `nothing else sent while Pending (got ${between.map((c) => c.action).join(", ")})`,
      );
    },
  };
}
