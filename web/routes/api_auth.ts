/**
 * REST: signing in and out (/session), users (/users) and API tokens (/tokens). Users and tokens are for
 * admins only; a token's value is in the answer that creates it, and nowhere else, ever.
 */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { loginAuditEntry, requestActor } from "../audit/actor.ts";
import type { AuditLog } from "../audit/log.ts";
import { type AppEnv, clearSessionCookie, clientAddress, setSessionCookie } from "../auth/http.ts";
import { ROLES } from "../auth/roles.ts";
import { type Auth, AuthError, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "../auth/service.ts";
import { errorBody, ErrorSchema, json } from "./api_schemas.ts";
import { guarded } from "./guard.ts";

export interface AuthRouteDeps {
  auth: Auth;
  audit: AuditLog;
}

const body = <T extends z.ZodType>(schema: T) => ({
  body: { content: { "application/json": { schema } }, required: true },
});

const RoleSchema = z.enum(ROLES).openapi({
  description: "viewer: reads; operator: also commands and id tags; admin: also users, tokens, registrations",
});
const Password = z.string().min(MIN_PASSWORD_LENGTH).max(MAX_PASSWORD_LENGTH);

const SessionSchema = z.object({
  kind: z.enum(["session", "token"]),
  name: z.string().openapi({ description: "The user's name, or the API token's" }),
  role: RoleSchema,
  csrfToken: z.string().optional().openapi({
    description: "Sessions only: send it in x-csrf-token with every write",
  }),
}).openapi("Session");

const UserSchema = z.object({
  username: z.string(),
  role: RoleSchema,
  createdAt: z.string(),
  passwordChangedAt: z.string(),
}).openapi("User");

const TokenSchema = z.object({
  id: z.string().openapi({ description: "Public: the token's value starts with cw_<id>_" }),
  name: z.string(),
  role: RoleSchema,
  createdBy: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().optional(),
  revokedAt: z.string().optional(),
}).openapi("ApiToken");

const Username = z.string().min(1).max(64).openapi({
  param: { name: "username", in: "path" },
  example: "alice",
});
const TokenId = z.string().regex(/^[0-9a-f]{12}$/).openapi({ param: { name: "id", in: "path" } });

function authErrorStatus(err: AuthError): 400 | 403 | 404 | 409 {
  return ({ invalid: 400, forbidden: 403, not_found: 404, conflict: 409 } as const)[err.code];
}

export function registerAuthRoutes(api: OpenAPIHono<AppEnv>, { auth, audit }: AuthRouteDeps): void {
  const failed = (err: unknown) => {
    if (err instanceof AuthError) {
      return { status: authErrorStatus(err), body: errorBody(err.code, err.message) };
    }
    throw err;
  };

  api.openapi(
    createRoute({
      method: "post",
      path: "/session",
      tags: ["Session"],
      summary: "Sign in: sets the session cookie",
      // Open to anyone: signing in is how one gets credentials (the document's default asks for them).
      security: [],
      description: "Failed attempts are limited per user name and address: after 5, each further failure " +
        "locks for twice as long as the last (429 with Retry-After).",
      request: body(
        z.object({ username: z.string().max(64), password: z.string().max(MAX_PASSWORD_LENGTH) }),
      ),
      responses: {
        200: json(SessionSchema, "Signed in; the answer has the CSRF token for writes"),
        400: json(ErrorSchema, "The request is invalid"),
        401: json(ErrorSchema, "Wrong user name or password"),
        429: json(ErrorSchema, "Too many failed attempts; see Retry-After"),
      },
    }),
    async (c) => {
      const { username, password } = c.req.valid("json");
      const address = clientAddress(c);
      const result = await auth.login(username, password, address);
      const entry = loginAuditEntry(result, address);
      if (entry) await audit.record(entry);
      if (result.ok) {
        // Signing in again replaces the session the caller had, rather than leaving it alive.
        const previous = c.get("principal");
        if (previous?.kind === "session") await auth.logout(previous.sessionId);
        setSessionCookie(c, result.cookieValue, result.maxAgeSeconds);
        const p = result.principal;
        return c.json({ kind: p.kind, name: p.name, role: p.role, csrfToken: p.csrfToken }, 200);
      }
      if (result.reason === "locked") {
        const seconds = Math.ceil(result.retryAfterMs / 1000);
        c.header("retry-after", String(seconds));
        return c.json(errorBody("rate_limited", `too many failed attempts; try again in ${seconds} s`), 429);
      }
      return c.json(errorBody("invalid_credentials", "wrong user name or password"), 401);
    },
  );

  api.openapi(
    guarded(
      "viewer",
      createRoute({
        method: "get",
        path: "/session",
        tags: ["Session"],
        summary: "Who is signed in (or which API token is used), and the session's CSRF token",
        responses: { 200: json(SessionSchema, "The principal") },
      }),
    ),
    (c) => {
      const p = c.get("principal")!;
      return c.json(
        {
          kind: p.kind,
          name: p.name,
          role: p.role,
          ...(p.kind === "session" ? { csrfToken: p.csrfToken } : {}),
        },
        200,
      );
    },
  );

  api.openapi(
    guarded(
      "viewer",
      createRoute({
        method: "delete",
        path: "/session",
        tags: ["Session"],
        summary: "Sign out: ends the session and clears its cookie",
        responses: {
          204: { description: "Signed out" },
          400: json(ErrorSchema, "An API token has no session (an admin revokes tokens)"),
        },
      }),
    ),
    async (c) => {
      const p = c.get("principal")!;
      if (p.kind !== "session") {
        return c.json(errorBody("invalid", "an API token has no session to end; revoke it instead"), 400);
      }
      await auth.logout(p.sessionId);
      await audit.record({ ...requestActor(c), action: "logout" });
      clearSessionCookie(c);
      return c.body(null, 204);
    },
  );

  api.openapi(
    guarded(
      "viewer",
      createRoute({
        method: "post",
        path: "/me/password",
        tags: ["Session"],
        summary: "Change your own password",
        description: "Needs the current password; wrong ones count against the sign-in limit for your user " +
          "name and address (429 with Retry-After). Your other sessions are signed out; this one stays. " +
          "Not for API tokens (they have no password).",
        request: body(
          z.object({
            currentPassword: z.string().max(MAX_PASSWORD_LENGTH),
            newPassword: Password,
          }).strict().openapi("PasswordChange"),
        ),
        responses: {
          200: json(
            z.object({
              endedSessions: z.number().int().openapi({ description: "Your other sessions, now signed out" }),
            }),
            "Changed",
          ),
          400: json(ErrorSchema, "The new password breaks the rules, or an API token asked"),
          403: json(ErrorSchema, "The current password is wrong (error invalid_credentials)"),
          429: json(ErrorSchema, "Too many wrong passwords; see Retry-After"),
        },
      }),
    ),
    async (c) => {
      const { currentPassword, newPassword } = c.req.valid("json");
      const principal = c.get("principal")!;
      const who = requestActor(c);
      try {
        const result = await auth.changeOwnPassword(
          principal,
          currentPassword,
          newPassword,
          clientAddress(c),
        );
        if (result.ok) {
          await audit.record({
            ...who,
            action: "password.change",
            target: principal.name,
            detail: { endedSessions: result.endedSessions },
          });
          return c.json({ endedSessions: result.endedSessions }, 200);
        }
        if (result.reason === "locked") {
          const seconds = Math.ceil(result.retryAfterMs / 1000);
          c.header("retry-after", String(seconds));
          return c.json(
            errorBody("rate_limited", `too many wrong passwords; try again in ${seconds} s`),
            429,
          );
        }
        await audit.record({ ...who, action: "password.failure", target: principal.name });
        return c.json(errorBody("invalid_credentials", "the current password is wrong"), 403);
      } catch (err) {
        const { status, body } = failed(err);
        return c.json(body, status as 400);
      }
    },
  );

  api.openapi(
    guarded(
      "admin",
      createRoute({
        method: "get",
        path: "/users",
        tags: ["Users"],
        summary: "Every user",
        responses: { 200: json(z.object({ items: z.array(UserSchema) }), "Users by name") },
      }),
    ),
    async (c) => c.json({ items: await auth.listUsers() }, 200),
  );

  api.openapi(
    guarded(
      "admin",
      createRoute({
        method: "post",
        path: "/users",
        tags: ["Users"],
        summary: "Add a user",
        request: body(
          z.object({ username: z.string().min(1).max(64), password: Password, role: RoleSchema }).strict(),
        ),
        responses: {
          201: json(UserSchema, "Created"),
          400: json(ErrorSchema, "The request is invalid"),
          409: json(ErrorSchema, "The user exists"),
        },
      }),
    ),
    async (c) => {
      const { username, password, role } = c.req.valid("json");
      try {
        const user = await auth.createUser(username, password, role);
        await audit.record({
          ...requestActor(c),
          action: "user.create",
          target: user.username,
          detail: { role },
        });
        return c.json(user, 201);
      } catch (err) {
        const { status, body } = failed(err);
        return c.json(body, status as 400 | 409);
      }
    },
  );

  api.openapi(
    guarded(
      "admin",
      createRoute({
        method: "patch",
        path: "/users/{username}",
        tags: ["Users"],
        summary: "Change a user's role or password",
        description: "A new password ends the user's sessions (but the caller's own). The last admin " +
          "cannot be demoted.",
        request: {
          params: z.object({ username: Username }),
          ...body(z.object({ role: RoleSchema.optional(), password: Password.optional() }).strict()),
        },
        responses: {
          200: json(UserSchema, "Changed"),
          400: json(ErrorSchema, "The request is invalid"),
          404: json(ErrorSchema, "No such user"),
        },
      }),
    ),
    async (c) => {
      const { username } = c.req.valid("param");
      try {
        const change = c.req.valid("json");
        const user = await auth.updateUser(c.get("principal")!, username, change);
        const who = requestActor(c);
        if (change.role) {
          await audit.record({
            ...who,
            action: "user.role",
            target: user.username,
            detail: { role: change.role },
          });
        }
        if (change.password !== undefined) {
          await audit.record({ ...who, action: "user.password", target: user.username });
        }
        return c.json(user, 200);
      } catch (err) {
        const { status, body } = failed(err);
        return c.json(body, status as 400 | 404);
      }
    },
  );

  api.openapi(
    guarded(
      "admin",
      createRoute({
        method: "delete",
        path: "/users/{username}",
        tags: ["Users"],
        summary: "Delete a user (and end their sessions)",
        description: "Nobody deletes themselves, nor the last admin.",
        request: { params: z.object({ username: Username }) },
        responses: { 204: { description: "Deleted" }, 404: json(ErrorSchema, "No such user") },
      }),
    ),
    async (c) => {
      const { username } = c.req.valid("param");
      try {
        await auth.deleteUser(c.get("principal")!, username);
        await audit.record({ ...requestActor(c), action: "user.delete", target: username });
        return c.body(null, 204);
      } catch (err) {
        const { status, body } = failed(err);
        return c.json(body, status as 404);
      }
    },
  );

  api.openapi(
    guarded(
      "admin",
      createRoute({
        method: "get",
        path: "/tokens",
        tags: ["API tokens"],
        summary: "Every API token (never their values)",
        responses: { 200: json(z.object({ items: z.array(TokenSchema) }), "Tokens, oldest first") },
      }),
    ),
    async (c) => c.json({ items: await auth.listTokens() }, 200),
  );

  api.openapi(
    guarded(
      "admin",
      createRoute({
        method: "post",
        path: "/tokens",
        tags: ["API tokens"],
        summary: "Create an API token; its value is in this answer only",
        request: body(z.object({ name: z.string().min(1).max(64), role: RoleSchema }).strict()),
        responses: {
          201: json(
            z.object({
              token: z.string().openapi({
                description: "Send as Authorization: Bearer <token>. Shown once.",
              }),
              item: TokenSchema,
            }),
            "Created",
          ),
          400: json(ErrorSchema, "The request is invalid"),
        },
      }),
    ),
    async (c) => {
      const { name, role } = c.req.valid("json");
      try {
        const { token, record } = await auth.createToken(c.get("principal")!, name, role);
        await audit.record({
          ...requestActor(c),
          action: "token.create",
          target: record.id,
          detail: { name: record.name, role: record.role },
        });
        return c.json({ token, item: record }, 201);
      } catch (err) {
        const { status, body } = failed(err);
        return c.json(body, status as 400);
      }
    },
  );

  api.openapi(
    guarded(
      "admin",
      createRoute({
        method: "delete",
        path: "/tokens/{id}",
        tags: ["API tokens"],
        summary: "Revoke an API token (at once, also for live Socket.IO connections)",
        request: { params: z.object({ id: TokenId }) },
        responses: {
          204: { description: "Revoked" },
          400: json(ErrorSchema, "The request is invalid"),
          404: json(ErrorSchema, "No such token"),
          409: json(ErrorSchema, "Revoked already"),
        },
      }),
    ),
    async (c) => {
      const { id } = c.req.valid("param");
      try {
        const record = await auth.revokeToken(id);
        await audit.record({
          ...requestActor(c),
          action: "token.revoke",
          target: id,
          detail: { name: record.name },
        });
        return c.body(null, 204);
      } catch (err) {
        const { status, body } = failed(err);
        return c.json(body, status as 404 | 409);
      }
    },
  );
}
