/**
 * The islands' REST calls: same-origin fetch with the session cookie, plus the session's CSRF token (from
 * the page's <meta name="csrf-token">) on every write. A 401 means the session ended: back to sign-in.
 */

function csrfToken(): string {
  return document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')?.content ?? "";
}

export function toSignIn(): void {
  location.assign(`/login?next=${encodeURIComponent(location.pathname + location.search)}`);
}

export async function api(path: string, init: RequestInit = {}): Promise<Response> {
  const method = (init.method ?? "GET").toUpperCase();
  const headers = new Headers(init.headers);
  if (method !== "GET" && method !== "HEAD") headers.set("x-csrf-token", csrfToken());
  const res = await fetch(path, { ...init, method, headers, credentials: "same-origin" });
  if (res.status === 401) toSignIn();
  return res;
}

/** The message of an API error answer, for people. */
export async function apiError(res: Response): Promise<string> {
  try {
    const body = await res.json();
    return body?.message ?? body?.error ?? `HTTP ${res.status}`;
  } catch {
    return `HTTP ${res.status}`;
  }
}

/** A JSON request body, spread into `api`'s init. */
export function jsonBody(body: unknown): { headers: Record<string, string>; body: string } {
  return { headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
}

/** The `items` of a list endpoint, or undefined when it failed (the table keeps what it shows). */
export async function listItems<T>(path: string): Promise<T[] | undefined> {
  const res = await api(path);
  return res.ok ? (await res.json()).items : undefined;
}

/** What an admin page says after a write. */
export type Notice = { tone: "ok" | "err"; text: string };

/** A write's answer for people: `done` when it worked, else `failed` and the API's reason. */
export async function noticeOf(res: Response, done: string, failed: string): Promise<Notice> {
  return res.ok ? { tone: "ok", text: done } : { tone: "err", text: `${failed}: ${await apiError(res)}` };
}
