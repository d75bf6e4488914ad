/** A portal client for the scenarios: the subscriber helper (bench/subscriber.ts) watching the fleet view. */
import { LIMITS } from "./common.ts";
import { ChildProc } from "./procs.ts";
import type { SubscribedReport } from "./protocol.ts";
import { portalHeaders, type RunningSystem } from "./system.ts";

/** One portal client on the fleet view, as an operator with the portal open would be. */
export async function watchFleet(sys: RunningSystem, chargers: string[] = []): Promise<ChildProc> {
  const sub = new ChildProc("subscriber", { args: ["bench/subscriber.ts", "--max-seconds", "1800"] });
  const json = (line: string) => line.startsWith("{") ? JSON.parse(line) : undefined;
  await sub.nextLine((l) => json(l)?.type === "ready" ? true : undefined, LIMITS.driverStartMs, "ready");
  const headers = await portalHeaders(sys);
  await sub.send({ cmd: "subscribe", url: sys.webUrl, fleet: true, chargers, headers, timeoutMs: 30_000 });
  const r = await sub.nextLine(
    (l) => {
      const m = json(l);
      if (m?.type === "error") throw new Error(`subscriber: ${m.message}`);
      return m?.type === "subscribed" ? m as SubscribedReport : undefined;
    },
    LIMITS.reportMs,
    "subscribed report",
  );
  if (r.failed > 0) {
    await closeHelper(sub);
    throw new Error(
      `the portal refused ${r.failed} of ${r.failed + r.sockets} subscriptions: ${JSON.stringify(r.errors)}`,
    );
  }
  return sub;
}

export async function closeHelper(proc: ChildProc): Promise<void> {
  try {
    if (!proc.exited) await proc.send({ cmd: "close" });
  } catch {
    // stopped below
  }
  await proc.finish(10_000);
}
