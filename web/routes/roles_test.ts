/**
 * Every REST route against every role, derived from the OpenAPI document the portal serves (in memory,
 * web/testing/app_harness.ts), so a new route
 * is covered the day it is added: a viewer, an operator and an admin (each as a signed-in session and as an
 * API token of that role) get 403 `forbidden` where the route's documented role is above theirs, and get
 * past the gate (neither 401 nor 403) where it is not; nobody gets anything but 401 without credentials.
 * The inputs are harmless (unknown ids, bodies that fail validation), so a 400 or 404 is the proof that the
 * role passed the gate. The documented role is the one each operation's description states
 * (web/routes/guard.ts), and it must agree with the table in docs/api.md.
 */
import assert from "node:assert/strict";
import { ADMIN_PASSWORD, AppSession, type Json, startApp } from "../testing/app_harness.ts";

type Role = "viewer" | "operator" | "admin";
const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };
const ROLES: readonly Role[] = ["viewer", "operator", "admin"];

interface Operation {
  method: string;
  /** As in the document, e.g. /api/v1/chargers/{id}. */
  path: string;
  /** The documented role; undefined: a public route (signing in). */
  role?: Role;
  /** The path with every parameter filled with a harmless value. */
  url: string;
}

/** A value for a path parameter that its schema accepts and that names nothing that exists. */
function sampleParam(schema: Json): string {
  if (schema?.type === "integer" || schema?.type === "number") return "999999";
  if (Array.isArray(schema?.enum)) {
    return String(schema.enum.includes("ClearCache") ? "ClearCache" : schema.enum[0]);
  }
  const candidates = ["roles-probe", "000000000000", schema?.example].filter((c) => typeof c === "string");
  const pattern = typeof schema?.pattern === "string" ? new RegExp(schema.pattern) : undefined;
  const value = candidates.find((c) => !pattern || pattern.test(c));
  if (value === undefined) {
    throw new Error(`no sample for a path parameter with schema ${JSON.stringify(schema)}`);
  }
  return value;
}

function operationsOf(doc: Json): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths as Record<string, Json>)) {
    for (const [method, op] of Object.entries(item as Record<string, Json>)) {
      if (!["get", "post", "put", "patch", "delete"].includes(method)) continue;
      const role = /Needs the \*\*(viewer|operator|admin)\*\* role or higher/.exec(op.description ?? "")
        ?.[1] as
          | Role
          | undefined;
      let url = path;
      for (const p of (op.parameters ?? []) as Json[]) {
        if (p.in === "path") url = url.replace(`{${p.name}}`, encodeURIComponent(sampleParam(p.schema)));
      }
      assert.doesNotMatch(url, /[{}]/, `${method} ${path}: a path parameter the document does not describe`);
      ops.push({ method: method.toUpperCase(), path, role, url });
    }
  }
  return ops;
}

/** The role docs/api.md's REST table gives each route: its "admin:"/"operator:"/"anyone" prefix, else by rule. */
async function rolesInApiMd(): Promise<Map<string, Role | "public">> {
  const md = await Deno.readTextFile(new URL("../../docs/api.md", import.meta.url));
  const roles = new Map<string, Role | "public">();
  for (const line of md.split("\n")) {
    const m = /^\| `(GET|POST|PUT|PATCH|DELETE) (\/[^`?\s]*)[^`]*` +\| (.*)\|\s*$/.exec(line);
    if (!m) continue;
    const [, method, path, what] = m;
    const text = what.trim();
    let role: Role | "public";
    if (text.startsWith("admin:")) role = "admin";
    else if (text.startsWith("operator:")) role = "operator";
    else if (text.startsWith("anyone signed in")) role = "viewer";
    else if (text.startsWith("anyone")) role = "public";
    // The role table: a viewer has every GET; every other write but signing out needs an operator.
    else if (method === "GET" || (method === "DELETE" && path === "/session")) role = "viewer";
    else role = "operator";
    roles.set(`${method} /api/v1${path}`, role);
  }
  return roles;
}

interface Caller {
  label: string;
  role: Role;
  /** One request as this caller; a session sends its cookie, CSRF token and Origin, a token its Bearer. */
  request(method: string, url: string, body?: unknown): Promise<{ status: number; body: Json }>;
}

/** An answer's body, short enough for a failure message. */
const brief = (body: Json) => String(JSON.stringify(body)).slice(0, 160);

async function readAnswer(res: Response): Promise<{ status: number; body: Json }> {
  const text = await res.text();
  let body: Json = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch { /* CSV */ }
  return { status: res.status, body };
}

Deno.test("roles: every REST route in the OpenAPI document, for each role, session and API token", async (t) => {
  const sys = await startApp();
  const base = sys.base;
  try {
    const doc = await (await sys.fetch("/api/v1/openapi.json")).json();
    const ops = operationsOf(doc);

    await t.step("the document lists the routes, each with its role", () => {
      assert.ok(ops.length > 0, "the OpenAPI document lists no routes");
      const paths = new Set(ops.map((o) => o.path));
      for (const p of ["/api/v1/tokens", "/api/v1/users", "/api/v1/registrations", "/api/v1/audit"]) {
        assert.ok(paths.has(p), `the OpenAPI document lists ${p}`);
      }
      // Every route states its role, but signing in, which is for anyone.
      const unstated = ops.filter((o) => o.role === undefined).map((o) => `${o.method} ${o.path}`);
      assert.deepEqual(unstated, ["POST /api/v1/session"]);
    });

    await t.step("docs/api.md gives each route the same role as the OpenAPI document", async () => {
      const md = await rolesInApiMd();
      const inDoc = new Map(ops.map((o) => [`${o.method} ${o.path}`, o.role ?? "public"]));
      assert.deepEqual(
        [...inDoc].filter(([k, r]) => md.get(k) !== r).map(([k, r]) =>
          `${k}: OpenAPI ${r}, api.md ${md.get(k)}`
        ),
        [],
      );
      assert.deepEqual(
        [...md.keys()].filter((k) => !inDoc.has(k) && k !== "GET /api/v1/openapi.json"),
        [],
        "api.md lists routes the OpenAPI document does not",
      );
    });

    const admin = await sys.login();
    const passwords: Record<string, string> = { admin: ADMIN_PASSWORD };
    const sessions: Record<Role, AppSession> = {
      viewer: await admin.addUser("rita", "viewer"),
      operator: await admin.addUser("omar", "operator"),
      admin,
    };
    passwords.rita = "rita-password";
    passwords.omar = "omar-password";
    const tokens = {} as Record<Role, string>;
    for (const role of ROLES) {
      const created = await admin.json("POST", "/api/v1/tokens", { name: `roles-${role}`, role });
      assert.equal(created.status, 201, JSON.stringify(created));
      tokens[role] = created.body.token;
    }

    const sessionCaller = (role: Role): Caller => ({
      label: `${role} session`,
      role,
      async request(method, url, body) {
        // Signing out would end the session the other probes use: sign out a session of its own instead.
        const session = method === "DELETE" && url === "/api/v1/session"
          ? await AppSession.login(sys.fetch, sessions[role].name, passwords[sessions[role].name])
          : sessions[role];
        return readAnswer(
          await session.fetch(url, {
            method,
            headers: body === undefined ? {} : { "content-type": "application/json" },
            body: body === undefined ? undefined : JSON.stringify(body),
          }),
        );
      },
    });
    const tokenCaller = (role: Role): Caller => ({
      label: `${role} API token`,
      role,
      async request(method, url, body) {
        const headers: Record<string, string> = { authorization: `Bearer ${tokens[role]}` };
        if (body !== undefined) headers["content-type"] = "application/json";
        return readAnswer(
          await sys.fetch(url, {
            method,
            headers,
            body: body === undefined ? undefined : JSON.stringify(body),
          }),
        );
      },
    });

    // A write's body: an object no route's schema takes as it is (required fields missing, unknown keys).
    const probeBody = (method: string) =>
      method === "GET" || method === "DELETE" ? undefined : { rolesProbe: true };

    for (const caller of [...ROLES.map(sessionCaller), ...ROLES.map(tokenCaller)]) {
      await t.step(
        `${caller.label}: 403 below the route's role, through the gate at or above it`,
        async () => {
          const wrong: string[] = [];
          for (const op of ops) {
            const { status, body } = await caller.request(op.method, op.url, probeBody(op.method));
            const what = `${op.method} ${op.url} (${op.role ?? "public"}): ${status} ${brief(body)}`;
            const allowed = op.role === undefined || RANK[caller.role] >= RANK[op.role];
            if (allowed) {
              if (status === 401 || status === 403 || status >= 500) wrong.push(`refused or failed: ${what}`);
            } else if (status !== 403 || body?.error !== "forbidden") {
              wrong.push(`not refused as forbidden: ${what}`);
            }
          }
          assert.deepEqual(wrong, [], `${caller.label}`);
        },
      );
    }

    await t.step("without credentials: 401 everywhere but signing in", async () => {
      const wrong: string[] = [];
      for (const op of ops) {
        const body = probeBody(op.method);
        const res = await sys.fetch(op.url, {
          method: op.method,
          headers: { origin: base, ...(body ? { "content-type": "application/json" } : {}) },
          body: body ? JSON.stringify(body) : undefined,
        });
        const answer = await readAnswer(res);
        const what = `${op.method} ${op.url}: ${answer.status} ${brief(answer.body)}`;
        if (op.role === undefined) {
          if (answer.status === 401 || answer.status === 403) wrong.push(`public route refused: ${what}`);
        } else if (answer.status !== 401 || !/^Bearer/.test(res.headers.get("www-authenticate") ?? "")) {
          wrong.push(`not 401 with WWW-Authenticate: ${what}`);
        }
      }
      assert.deepEqual(wrong, []);
    });

    await t.step(
      "the probes changed nothing: no users, tokens, id tags or registrations were made",
      async () => {
        const users = (await admin.json("GET", "/api/v1/users")).body.items.map((u: Json) => u.username);
        assert.deepEqual(users.sort(), ["admin", "omar", "rita"]);
        assert.equal((await admin.json("GET", "/api/v1/tokens")).body.items.length, 3);
        assert.deepEqual((await admin.json("GET", "/api/v1/id-tags")).body.items, []);
        assert.deepEqual((await admin.json("GET", "/api/v1/registrations")).body.items, []);
      },
    );
  } finally {
    await sys.close();
  }
});
