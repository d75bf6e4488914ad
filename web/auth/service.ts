/**
 * Operators' authentication and its rules: the first admin, login with rate limiting, server-side
 * sessions with idle and absolute expiry, API tokens, and user management that never leaves the portal
 * without an admin. Transport-free: the HTTP routes and the Socket.IO handshake both call it. Its state
 * is all in its store (web/store/): with PostgreSQL, several portal nodes share it, so a session or a
 * token is as valid on one node as on another, and sign-in failures count on all of them together.
 */
import { ADDRESS_POLICY, type LimiterPolicy, LoginLimiter, USER_POLICY } from "./login_limiter.ts";
import { MAX_PASSWORD_LENGTH, passwordProblem } from "./password_rule.ts";
import { isRole, type Principal, type Role } from "./roles.ts";
import {
  DUMMY_HASH,
  generatePassword,
  hashPassword,
  newApiToken,
  newSecret,
  parseApiToken,
  safeEqual,
  sha256,
  verifyPassword,
} from "./secrets.ts";
import type { AuthStore, TokenRecord, UserRecord } from "./store.ts";
import { openPortalStore, type PortalStoreLocation } from "../store/portal_store.ts";
import { logger } from "../../shared/log.ts";

const log = logger("web");

export { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, passwordProblem } from "./password_rule.ts";

export const SESSION_COOKIE = "cw_session";
export const ADMIN_USER = "admin";
const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

export interface AuthOptions {
  /** A session unused for this long ends (default 12 h). */
  sessionIdleMs?: number;
  /** A session ends this long after login whatever happens (default 7 days). */
  sessionMaxMs?: number;
  /** Login rate limits, per user name and address, and per address (defaults in login_limiter.ts). */
  loginLimits?: { perUser?: Partial<LimiterPolicy>; perAddress?: Partial<LimiterPolicy> };
  now?: () => number;
}

export class AuthError extends Error {
  override name = "AuthError";
  constructor(readonly code: "invalid" | "not_found" | "conflict" | "forbidden", message: string) {
    super(message);
  }
}

export function usernameProblem(username: string): string | undefined {
  return USERNAME.test(username)
    ? undefined
    : "a user name has 1 to 64 letters, digits or . _ @ -, and starts with a letter or digit";
}

export type LoginResult =
  | { ok: true; cookieValue: string; principal: Principal & { kind: "session" }; maxAgeSeconds: number }
  /** `user`: the user's name when the name was a user's (for the audit log; never said to the client). */
  | { ok: false; reason: "invalid"; user?: string }
  | { ok: false; reason: "locked"; retryAfterMs: number };

export type PasswordChange =
  /** `endedSessions`: the user's other sessions, now signed out. */
  | { ok: true; endedSessions: number }
  | { ok: false; reason: "wrong_password" }
  | { ok: false; reason: "locked"; retryAfterMs: number };

export interface BootstrapResult {
  /** Set when the admin's password was generated: show it once. */
  generatedPassword?: string;
  /** What happened to user `admin`, for the start-up log. */
  action: "created" | "reset" | "unchanged" | "none";
}

export type Authentication =
  | { ok: true; principal: Principal }
  /** No credentials at all. */
  | { ok: false; reason: "missing" }
  /** Credentials that are wrong, expired or revoked. */
  | { ok: false; reason: "invalid"; message: string };

/**
 * The per-user limiter's key. Hashed, because it is kept in portal.db and what was typed as a user name is
 * sometimes a password.
 */
function userLimitKey(name: string, address: string): string {
  return sha256(`${name.toLowerCase()}\n${address}`);
}

/** Touching a session's last-seen time on every request would be a write per request; once a minute is plenty. */
const TOUCH_EVERY_MS = 60_000;

export class Auth {
  readonly #store: AuthStore;
  readonly #idleMs: number;
  readonly #maxMs: number;
  readonly #now: () => number;
  readonly #perUser: LoginLimiter;
  readonly #perAddress: LoginLimiter;
  readonly #listeners = new Set<() => void>();
  readonly #tokenTouched = new Map<string, number>();

  constructor(store: AuthStore, options: AuthOptions = {}) {
    this.#store = store;
    this.#idleMs = options.sessionIdleMs ?? 12 * 3600_000;
    this.#maxMs = options.sessionMaxMs ?? 7 * 24 * 3600_000;
    this.#now = options.now ?? Date.now;
    this.#perUser = new LoginLimiter(
      { ...USER_POLICY, ...options.loginLimits?.perUser },
      this.#now,
      store.loginLimits("user"),
    );
    this.#perAddress = new LoginLimiter(
      { ...ADDRESS_POLICY, ...options.loginLimits?.perAddress },
      this.#now,
      store.loginLimits("address"),
    );
  }

  /** Opens its own store (PostgreSQL with a database URL, else portal.db); a bare string is DATA_DIR. */
  static async open(where: PortalStoreLocation | string, options: AuthOptions = {}): Promise<Auth> {
    return new Auth(await openPortalStore(typeof where === "string" ? { dataDir: where } : where), options);
  }

  async close(): Promise<void> {
    this.#listeners.clear();
    await this.#store.close();
  }

  /** Called whenever sessions, users or tokens change, so live connections can check theirs again. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #changed(): void {
    for (const l of this.#listeners) l();
  }

  /**
   * Makes sure there is an admin. With `adminPassword` (ADMIN_PASSWORD), user `admin` exists with that
   * password and the admin role, at every start. Without it, and with no admin at all (a fresh
   * DATA_DIR), `admin` gets a random password, returned to be shown once.
   */
  async bootstrap(adminPassword?: string): Promise<BootstrapResult> {
    try {
      return await this.#bootstrap(adminPassword);
    } catch (err) {
      // Portal nodes starting at once on one database may both find no admin and both insert one: the
      // one that lost the race starts over, and finds the admin the other made.
      if (err instanceof AuthError || !(await this.#store.getUser(ADMIN_USER))) throw err;
      return await this.#bootstrap(adminPassword);
    }
  }

  async #bootstrap(adminPassword?: string): Promise<BootstrapResult> {
    const existing = await this.#store.getUser(ADMIN_USER);
    if (adminPassword !== undefined) {
      const problem = passwordProblem(adminPassword);
      if (problem) throw new AuthError("invalid", `ADMIN_PASSWORD: ${problem}`);
      if (!existing) {
        await this.#store.insertUser(ADMIN_USER, "admin", await hashPassword(adminPassword));
        return { action: "created" };
      }
      const same = await verifyPassword(adminPassword, existing.passwordHash);
      if (same && existing.role === "admin") return { action: "unchanged" };
      if (!same) await this.#store.setPassword(ADMIN_USER, await hashPassword(adminPassword));
      if (existing.role !== "admin") await this.#store.setRole(ADMIN_USER, "admin");
      await this.#store.deleteSessionsOf(ADMIN_USER);
      return { action: "reset" };
    }
    if ((await this.#store.countAdmins()) > 0) return { action: "none" };
    const generatedPassword = generatePassword();
    const hash = await hashPassword(generatedPassword);
    if (existing) {
      await this.#store.setPassword(ADMIN_USER, hash);
      await this.#store.setRole(ADMIN_USER, "admin");
      await this.#store.deleteSessionsOf(ADMIN_USER);
      return { generatedPassword, action: "reset" };
    }
    await this.#store.insertUser(ADMIN_USER, "admin", hash);
    return { generatedPassword, action: "created" };
  }

  // Login and sessions

  async login(username: string, password: string, address: string): Promise<LoginResult> {
    const name = username.trim().toLowerCase();
    const byUser = await this.#perUser.begin(userLimitKey(name, address));
    if (!byUser.ok) return { ok: false, reason: "locked", retryAfterMs: byUser.retryAfterMs };
    let byAddress;
    try {
      byAddress = await this.#perAddress.begin(address);
    } catch (err) {
      if (byUser.ok) await byUser.cancel();
      throw err;
    }
    if (!byAddress.ok) {
      await byUser.cancel();
      return { ok: false, reason: "locked", retryAfterMs: byAddress.retryAfterMs };
    }
    let ok = false;
    try {
      const user = name.length <= 64 ? await this.#store.getUser(name) : undefined;
      // An unknown user costs a hash too, so the answer's timing does not tell which users exist.
      const matches = await verifyPassword(
        password.slice(0, MAX_PASSWORD_LENGTH),
        user?.passwordHash ?? DUMMY_HASH,
      );
      ok = matches && user !== undefined && password.length <= MAX_PASSWORD_LENGTH;
      if (!ok || !user) return { ok: false, reason: "invalid", ...(user ? { user: user.username } : {}) };
      const cookieValue = newSecret();
      const now = this.#now();
      const session = {
        id: sha256(cookieValue),
        username: user.username,
        csrfToken: newSecret(),
        createdAt: now,
        seenAt: now,
        expiresAt: now + this.#maxMs,
      };
      await this.#store.insertSession(session);
      return {
        ok: true,
        cookieValue,
        maxAgeSeconds: Math.floor(this.#maxMs / 1000),
        principal: {
          kind: "session",
          name: user.username,
          role: user.role,
          sessionId: session.id,
          csrfToken: session.csrfToken,
        },
      };
    } finally {
      // Counted before the answer goes out, so another node (or a restart) right after it knows.
      if (ok) {
        await byUser.succeeded();
        await byAddress.cancel();
      } else {
        await byUser.failed();
        await byAddress.failed();
      }
    }
  }

  async logout(sessionId: string): Promise<void> {
    if (await this.#store.deleteSession(sessionId)) this.#changed();
  }

  async #session(sessionId: string): Promise<(Principal & { kind: "session" }) | undefined> {
    const s = await this.#store.getSession(sessionId);
    if (!s) return undefined;
    const now = this.#now();
    if (now >= s.expiresAt || now - s.seenAt >= this.#idleMs) {
      await this.#store.deleteSession(s.id);
      return undefined;
    }
    if (now - s.seenAt >= Math.min(TOUCH_EVERY_MS, this.#idleMs / 10)) {
      await this.#store.touchSession(s.id, now);
    }
    return { kind: "session", name: s.username, role: s.role, sessionId: s.id, csrfToken: s.csrfToken };
  }

  async #token(token: string): Promise<(Principal & { kind: "token" }) | undefined> {
    const parts = parseApiToken(token);
    if (!parts) return undefined;
    const t = await this.#store.getToken(parts.id);
    if (!t || t.revokedAt || !safeEqual(sha256(parts.secret), t.secretHash) || !isRole(t.role)) {
      return undefined;
    }
    const now = this.#now();
    if (now - (this.#tokenTouched.get(t.id) ?? 0) >= TOUCH_EVERY_MS) {
      this.#tokenTouched.set(t.id, now);
      await this.#store.touchToken(t.id, new Date(now).toISOString());
    }
    return { kind: "token", name: t.name, role: t.role, tokenId: t.id };
  }

  /**
   * Who sent a request, from its Authorization header (an API token; it wins when present) or its
   * session cookie's value.
   */
  async authenticate(
    input: { authorization?: string | null; sessionCookie?: string | null },
  ): Promise<Authentication> {
    const authorization = input.authorization?.trim();
    if (authorization) {
      const m = /^Bearer\s+(\S+)$/i.exec(authorization);
      if (!m) return { ok: false, reason: "invalid", message: "Authorization must be 'Bearer <API token>'" };
      const principal = await this.#token(m[1]);
      return principal
        ? { ok: true, principal }
        : { ok: false, reason: "invalid", message: "the API token is unknown or revoked" };
    }
    if (input.sessionCookie) {
      const principal = await this.#session(sha256(input.sessionCookie));
      return principal
        ? { ok: true, principal }
        : { ok: false, reason: "invalid", message: "the session has expired or ended; sign in again" };
    }
    return { ok: false, reason: "missing" };
  }

  /** The principal as it stands now (role changes included), or undefined when it is no longer valid. */
  async recheck(principal: Principal): Promise<Principal | undefined> {
    if (principal.kind === "session") {
      const s = await this.#store.getSession(principal.sessionId);
      const now = this.#now();
      if (!s || now >= s.expiresAt || now - s.seenAt >= this.#idleMs) return undefined;
      return { ...principal, role: s.role };
    }
    const t = await this.#store.getToken(principal.tokenId);
    return t && !t.revokedAt && isRole(t.role) ? { ...principal, role: t.role } : undefined;
  }

  /**
   * Deletes expired and idle sessions, and sign-in limits' keys quiet for long enough; returns how many
   * sessions. Never rejects: it is housekeeping the sweeper runs again a minute later, so a store that is
   * down for a moment is logged, not fatal.
   */
  async sweep(): Promise<number> {
    try {
      const n = await this.#store.deleteStaleSessions(this.#now(), this.#idleMs);
      await this.#perUser.forget();
      await this.#perAddress.forget();
      if (n > 0) this.#changed();
      return n;
    } catch (err) {
      log.error(
        `expired sessions not swept: ${(err as Error).message}`,
      );
      return 0;
    }
  }

  // Users

  async listUsers(): Promise<UserRecord[]> {
    return await this.#store.listUsers();
  }

  async createUser(username: string, password: string, role: Role): Promise<UserRecord> {
    const problem = usernameProblem(username) ?? passwordProblem(password);
    if (problem) throw new AuthError("invalid", problem);
    if (await this.#store.getUser(username)) throw new AuthError("conflict", `user ${username} exists`);
    return await this.#store.insertUser(username, role, await hashPassword(password));
  }

  /**
   * Changes a user's role and/or password. A new password ends the user's other sessions (all of them
   * when an admin resets someone else's); nobody demotes the last admin.
   */
  async updateUser(
    actor: Principal,
    username: string,
    change: { role?: Role; password?: string },
  ): Promise<UserRecord> {
    const user = await this.#store.getUser(username);
    if (!user) throw new AuthError("not_found", `no user ${username}`);
    if (change.password !== undefined) {
      const problem = passwordProblem(change.password);
      if (problem) throw new AuthError("invalid", problem);
    }
    if (
      change.role && change.role !== "admin" && user.role === "admin" &&
      (await this.#store.countAdmins()) <= 1
    ) {
      throw new AuthError("forbidden", `${user.username} is the last admin; make another admin first`);
    }
    if (change.password !== undefined) {
      await this.#store.setPassword(user.username, await hashPassword(change.password));
      const own = actor.kind === "session" && actor.name.toLowerCase() === user.username.toLowerCase();
      await this.#store.deleteSessionsOf(user.username, own ? actor.sessionId : undefined);
    }
    if (change.role) await this.#store.setRole(user.username, change.role);
    this.#changed();
    const { passwordHash: _, ...record } = (await this.#store.getUser(user.username))!;
    return record;
  }

  /**
   * A signed-in user changes their own password, proving the current one. Wrong guesses count against the
   * same sign-in limit as the sign-in page's (per user name and address), so a stolen session cannot be
   * used to guess the password. The session that asked stays; every other session of the user ends.
   */
  async changeOwnPassword(
    principal: Principal,
    currentPassword: string,
    newPassword: string,
    address: string,
  ): Promise<PasswordChange> {
    if (principal.kind !== "session") {
      throw new AuthError("invalid", "an API token has no password; sign in as a user to change yours");
    }
    const problem = passwordProblem(newPassword);
    if (problem) throw new AuthError("invalid", problem);
    if (newPassword === currentPassword) {
      throw new AuthError("invalid", "the new password is the current one; choose another");
    }
    const attempt = await this.#perUser.begin(userLimitKey(principal.name, address));
    if (!attempt.ok) return { ok: false, reason: "locked", retryAfterMs: attempt.retryAfterMs };
    let ok = false;
    try {
      const user = await this.#store.getUser(principal.name);
      if (!user) throw new AuthError("not_found", `no user ${principal.name}`);
      ok = currentPassword.length <= MAX_PASSWORD_LENGTH &&
        await verifyPassword(currentPassword, user.passwordHash);
      if (!ok) return { ok: false, reason: "wrong_password" };
      await this.#store.setPassword(user.username, await hashPassword(newPassword));
      const endedSessions = await this.#store.deleteSessionsOf(user.username, principal.sessionId);
      this.#changed();
      return { ok: true, endedSessions };
    } finally {
      if (ok) await attempt.succeeded();
      else await attempt.failed();
    }
  }

  async deleteUser(actor: Principal, username: string): Promise<void> {
    const user = await this.#store.getUser(username);
    if (!user) throw new AuthError("not_found", `no user ${username}`);
    if (actor.kind === "session" && actor.name.toLowerCase() === user.username.toLowerCase()) {
      throw new AuthError("forbidden", "you cannot delete yourself");
    }
    if (user.role === "admin" && (await this.#store.countAdmins()) <= 1) {
      throw new AuthError("forbidden", `${user.username} is the last admin`);
    }
    await this.#store.deleteUser(user.username);
    this.#changed();
  }

  // API tokens

  async listTokens(): Promise<TokenRecord[]> {
    return await this.#store.listTokens();
  }

  /** Creates a token; its value is in the result only, never stored, and cannot be shown again. */
  async createToken(
    actor: Principal,
    name: string,
    role: Role,
  ): Promise<{ token: string; record: TokenRecord }> {
    const trimmed = name.trim();
    // deno-lint-ignore no-control-regex
    if (trimmed.length === 0 || trimmed.length > 64 || /[\u0000-\u001f\u007f]/.test(trimmed)) {
      throw new AuthError("invalid", "a token name has 1 to 64 printable characters");
    }
    const { id, secret, token } = newApiToken();
    const record: TokenRecord = {
      id,
      name: trimmed,
      role,
      createdBy: actor.kind === "session" ? actor.name : `token:${actor.name}`,
      createdAt: new Date(this.#now()).toISOString(),
    };
    await this.#store.insertToken(record, sha256(secret));
    return { token, record };
  }

  async revokeToken(id: string): Promise<TokenRecord> {
    const t = await this.#store.getToken(id);
    if (!t) throw new AuthError("not_found", `no API token ${id}`);
    if (t.revokedAt) throw new AuthError("conflict", `API token ${id} is revoked already`);
    await this.#store.revokeToken(id);
    this.#tokenTouched.delete(id);
    this.#changed();
    const { secretHash: _, ...record } = (await this.#store.getToken(id))!;
    return record;
  }
}
