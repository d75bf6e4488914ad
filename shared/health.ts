/**
 * Liveness and readiness, answered alike by every process on its own port: `GET /healthz` (the process
 * answers) and `GET /readyz` (its database and its bus answer too), for load balancers and orchestrators.
 */
import type { Bus } from "./events.ts";
import type { CsmsReads } from "./queries.ts";

export interface Readiness {
  ready: boolean;
  database: string;
  bus: string;
}

/** How long a check may take before it counts as not answering. */
const CHECK_TIMEOUT_MS = 2000;

function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${what} did not answer within ${CHECK_TIMEOUT_MS} ms`)),
        CHECK_TIMEOUT_MS,
      );
    }),
  ]).finally(() => clearTimeout(timer));
}

export async function readiness(reads: Pick<CsmsReads, "ping">, bus: Pick<Bus, "ready">): Promise<Readiness> {
  const [database, busState] = await Promise.all([
    within(reads.ping(), "the database").then(() => "ok", (err) => String((err as Error).message ?? err)),
    within(bus.ready(), "the bus").then(
      (ok) => ok ? "ok" : "unreachable",
      (err) => String((err as Error).message ?? err),
    ),
  ]);
  return { ready: database === "ok" && busState === "ok", database, bus: busState };
}

/** The answer to a health path, or undefined when `pathname` is none. */
export async function healthResponse(
  method: string,
  pathname: string,
  check: () => Promise<Readiness>,
): Promise<Response | undefined> {
  if (pathname !== "/healthz" && pathname !== "/readyz") return undefined;
  if (method !== "GET" && method !== "HEAD") {
    return new Response("use GET\n", { status: 405, headers: { allow: "GET" } });
  }
  const body = pathname === "/healthz" ? { alive: true } : await check();
  const status = "ready" in body && !body.ready ? 503 : 200;
  return new Response(JSON.stringify(body) + "\n", {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" },
  });
}
