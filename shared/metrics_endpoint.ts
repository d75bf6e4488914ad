/**
 * `GET /metrics`, answered alike on every port of a process (the CSMS's and the portal's): the figures of
 * shared/metrics.ts, or 404 with METRICS=off. Each server decides who may read them (`access`); a
 * scraper's bearer token (METRICS_TOKEN) is checked here.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { renderMetrics } from "./metrics.ts";

export const METRICS_PATH = "/metrics";

/** Whether an Authorization header carries `Bearer <token>`, compared in constant time. */
export function bearerMatches(authorization: string | null | undefined, token: string): boolean {
  const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? "");
  if (!m) return false;
  // Digests of equal length: the comparison tells nothing of the token's length either.
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(m[1]), digest(token));
}

function text(status: number, body: string, headers: Record<string, string> = {}): Response {
  return new Response(`${body}\n`, {
    status,
    headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", ...headers },
  });
}

/**
 * The answer to GET /metrics: 404 when metrics are off, 405 to another method, 401 when `access` is
 * "refused", the metrics otherwise.
 */
export async function metricsResponse(
  method: string,
  options: { enabled: boolean; access: "granted" | "refused" },
): Promise<Response> {
  if (!options.enabled) return text(404, "not found");
  if (method !== "GET" && method !== "HEAD") return text(405, "use GET", { allow: "GET" });
  if (options.access === "refused") {
    return text(401, "metrics need a bearer token: Authorization: Bearer <token>", {
      "www-authenticate": 'Bearer realm="chargewire"',
    });
  }
  const { body, contentType } = await renderMetrics();
  return new Response(method === "HEAD" ? null : body, {
    headers: { "content-type": contentType, "cache-control": "no-store" },
  });
}
