/**
 * A signed-in portal user for tests, whatever carries the requests (the in-memory app's `app.request`,
 * or fetch to a running portal): signs in through POST /api/v1/session, then sends the session cookie on
 * every request, and the session's CSRF token and the portal's Origin on writes — as a browser page or a
 * script would.
 */

/** Sends one request to the portal at `path` (under its origin). */
export type Send = (path: string, init?: RequestInit) => Promise<Response>;

// deno-lint-ignore no-explicit-any
type Json = any;

export interface SignedIn {
  cookie: string;
  csrfToken: string;
  name: string;
  role: string;
}

/** Signs in; throws with the portal's answer when it refuses. */
export async function signIn(
  send: Send,
  origin: string,
  username: string,
  password: string,
): Promise<SignedIn> {
  const res = await send("/api/v1/session", {
    method: "POST",
    headers: { "content-type": "application/json", origin },
    body: JSON.stringify({ username, password }),
  });
  const body = await res.json();
  if (res.status !== 200) {
    throw new Error(`sign-in as ${username} failed: ${res.status} ${JSON.stringify(body)}`);
  }
  const cookie = res.headers.getSetCookie().map((c) => c.split(";")[0]).find((c) =>
    c.startsWith("cw_session=")
  );
  if (!cookie) throw new Error(`sign-in as ${username} set no session cookie`);
  return { cookie, csrfToken: body.csrfToken, name: body.name, role: body.role };
}

export abstract class TestSession {
  readonly cookie: string;
  readonly csrfToken: string;
  readonly name: string;
  readonly role: string;

  constructor(readonly send: Send, readonly origin: string, who: SignedIn) {
    this.cookie = who.cookie;
    this.csrfToken = who.csrfToken;
    this.name = who.name;
    this.role = who.role;
  }

  /** The same kind of session for another user. */
  protected abstract as(username: string, password: string): Promise<this>;

  /** A request with the session: the cookie always; on writes also the CSRF token and the portal's Origin. */
  fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const method = (init.method ?? "GET").toUpperCase();
    const headers = new Headers(init.headers);
    headers.set("cookie", this.cookie);
    if (method !== "GET" && method !== "HEAD") {
      if (!headers.has("x-csrf-token")) headers.set("x-csrf-token", this.csrfToken);
      if (!headers.has("origin")) headers.set("origin", this.origin);
    }
    return this.send(path, { ...init, method, headers });
  }

  /** A JSON request: the status and the parsed body (undefined when empty). */
  async json(method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> {
    const res = await this.fetch(path, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }

  /** Adds a user (as this admin) and signs in as them; their password is `${username}-password`. */
  async addUser(username: string, role: "viewer" | "operator" | "admin"): Promise<this> {
    const password = `${username}-password`;
    const created = await this.json("POST", "/api/v1/users", { username, password, role });
    if (created.status !== 201) throw new Error(`adding ${username} failed: ${JSON.stringify(created)}`);
    return await this.as(username, password);
  }
}
