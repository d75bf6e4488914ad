/**
 * Operators' authentication and its rules: the first admin, login with rate limiting, server-side
 * sessions with idle and absolute expiry, API tokens, and user management that never leaves the portal
 * without an admin. Transport-free: the HTTP routes and the Socket.IO handshake both call it.
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
import { AuthStore, type TokenRecord, type UserRecord } from "./store.ts";

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

  static open(dataDir: string, options: AuthOptions = {}): Auth {
    return new Auth(AuthStore.open(dataDir), options);
  }

  close(): void {
    this.#listeners.clear();
    this.#store.close();
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
      // Portal nodes sharing one store and starting together: another one may have created `admin`
      // between this one's look and its insert (a unique-key failure). Then settle it once more, as at
      // a restart.
      if (err instanceof AuthError || !this.#store.getUser(ADMIN_USER)) throw err;
      return await this.#bootstrap(adminPassword);
    }
  }

  async #bootstrap(adminPassword?: string): Promise<BootstrapResult> {
    const existing = this.#store.getUser(ADMIN_USER);
    if (adminPassword !== undefined) {
      const problem = passwordProblem(adminPassword);
      if (problem) throw new AuthError("invalid", `ADMIN_PASSWORD: ${problem}`);
      if (!existing) {
        this.#store.insertUser(ADMIN_USER, "admin", await hashPassword(adminPassword));
        return { action: "created" };
      }
      const same = await verifyPassword(adminPassword, existing.passwordHash);
      if (same && existing.role === "admin") return { action: "unchanged" };
      if (!same) this.#store.setPassword(ADMIN_USER, await hashPassword(adminPassword));
      if (existing.role !== "admin") this.#store.setRole(ADMIN_USER, "admin");
      this.#store.deleteSessionsOf(ADMIN_USER);
      return { action: "reset" };
    }
    if (this.#store.countAdmins() > 0) return { action: "none" };
    const generatedPassword = generatePassword();
    const hash = await hashPassword(generatedPassword);
    if (existing) {
      this.#store.setPassword(ADMIN_USER, hash);
      this.#store.setRole(ADMIN_USER, "admin");
      this.#store.deleteSessionsOf(ADMIN_USER);
      return { generatedPassword, action: "reset" };
    }
    this.#store.insertUser(ADMIN_USER, "admin", hash);
    return { generatedPassword, action: "created" };
  }

  // Login and sessions

  async login(username: string, password: string, address: string): Promise<LoginResult> {
    const name = username.trim().toLowerCase();
    const byUser = this.#perUser.begin(userLimitKey(name, address));
    if (!byUser.ok) return { ok: false, reason: "locked", retryAfterMs: byUser.retryAfterMs };
    const byAddress = this.#perAddress.begin(address);
    if (!byAddress.ok) {
      byUser.cancel();
      return { ok: false, reason: "locked", retryAfterMs: byAddress.retryAfterMs };
    }
    let ok = false;
    try {
      const user = name.length <= 64 ? this.#store.getUser(name) : undefined;
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
      this.#store.insertSession(session);
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
      if (ok) {
        byUser.succeeded();
        byAddress.cancel();
      } else {
        byUser.failed();
        byAddress.failed();
      }
    }
  }

  logout(sessionId: string): void {
    if (this.#store.deleteSession(sessionId)) this.#changed();
  }

  #session(sessionId: string): (Principal & { kind: "session" }) | undefined {
    const s = this.#store.getSession(sessionId);
    if (!s) return undefined;
    const now = this.#now();
    if (now >= s.expiresAt || now - s.seenAt >= this.#idleMs) {
      this.#store.deleteSession(s.id);
      return undefined;
    }
    if (now - s.seenAt >= Math.min(TOUCH_EVERY_MS, this.#idleMs / 10)) this.#store.touchSession(s.id, now);
    return { kind: "session", name: s.username, role: s.role, sessionId: s.id, csrfToken: s.csrfToken };
  }

  #token(token: string): (Principal & { kind: "token" }) | undefined {
    const parts = parseApiToken(token);
    if (!parts) return undefined;
    const t = this.#store.getToken(parts.id);
    if (!t || t.revokedAt || !safeEqual(sha256(parts.secret), t.secretHash) || !isRole(t.role)) {
      return undefined;
    }
    const now = this.#now();
    if (now - (this.#tokenTouched.get(t.id) ?? 0) >= TOUCH_EVERY_MS) {
      this.#tokenTouched.set(t.id, now);
      this.#store.touchToken(t.id, new Date(now).toISOString());
    }
    return { kind: "token", name: t.name, role: t.role, tokenId: t.id };
  }

  /**
   * Who sent a request, from its Authorization header (an API token; it wins when present) or its
   * session cookie's value.
   */
  authenticate(input: { authorization?: string | null; sessionCookie?: string | null }): Authentication {
    const authorization = input.authorization?.trim();
    if (authorization) {
      const m = /^Bearer\s+(\S+)$/i.exec(authorization);
      if (!m) return { ok: false, reason: "invalid", message: "Authorization must be 'Bearer <API token>'" };
      const principal = this.#token(m[1]);
      return principal
        ? { ok: true, principal }
        : { ok: false, reason: "invalid", message: "the API token is unknown or revoked" };
    }
    if (input.sessionCookie) {
      const principal = this.#session(sha256(input.sessionCookie));
      return principal
        ? { ok: true, principal }
        : { ok: false, reason: "invalid", message: "the session has expired or ended; sign in again" };
    }
    return { ok: false, reason: "missing" };
  }

  /** The principal as it stands now (role changes included), or undefined when it is no longer valid. */
  recheck(principal: Principal): Principal | undefined {
    if (principal.kind === "session") {
      const s = this.#store.getSession(principal.sessionId);
      const now = this.#now();
      if (!s || now >= s.expiresAt || now - s.seenAt >= this.#idleMs) return undefined;
      return { ...principal, role: s.role };
    }
    const t = this.#store.getToken(principal.tokenId);
    return t && !t.revokedAt && isRole(t.role) ? { ...principal, role: t.role } : undefined;
  }

  /** Deletes expired and idle sessions; returns how many. */
  sweep(): number {
    const n = this.#store.deleteStaleSessions(this.#now(), this.#idleMs);
    if (n > 0) this.#changed();
    return n;
  }

  // Users

  listUsers(): UserRecord[] {
    return this.#store.listUsers();
  }

  async createUser(username: string, password: string, role: Role): Promise<UserRecord> {
    const problem = usernameProblem(username) ?? passwordProblem(password);
    if (problem) throw new AuthError("invalid", problem);
    if (this.#store.getUser(username)) throw new AuthError("conflict", `user ${username} exists`);
    return this.#store.insertUser(username, role, await hashPassword(password));
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
    const user = this.#store.getUser(username);
    if (!user) throw new AuthError("not_found", `no user ${username}`);
    if (change.password !== undefined) {
      const problem = passwordProblem(change.password);
      if (problem) throw new AuthError("invalid", problem);
    }
    if (change.role && change.role !== "admin" && user.role === "admin" && this.#store.countAdmins() <= 1) {
      throw new AuthError("forbidden", `${user.username} is the last admin; make another admin first`);
    }
    if (change.password !== undefined) {
      this.#store.setPassword(user.username, await hashPassword(change.password));
      const own = actor.kind === "session" && actor.name.toLowerCase() === user.username.toLowerCase();
      this.#store.deleteSessionsOf(user.username, own ? actor.sessionId : undefined);
    }
    if (change.role) this.#store.setRole(user.username, change.role);
    this.#changed();
    return this.#store.getUser(user.username)!;
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
    const attempt = this.#perUser.begin(userLimitKey(principal.name, address));
    if (!attempt.ok) return { ok: false, reason: "locked", retryAfterMs: attempt.retryAfterMs };
    let ok = false;
    try {
      const user = this.#store.getUser(principal.name);
      if (!user) throw new AuthError("not_found", `no user ${principal.name}`);
      ok = currentPassword.length <= MAX_PASSWORD_LENGTH &&
        await verifyPassword(currentPassword, user.passwordHash);
      if (!ok) return { ok: false, reason: "wrong_password" };
      this.#store.setPassword(user.username, await hashPassword(newPassword));
      const endedSessions = this.#store.deleteSessionsOf(user.username, principal.sessionId);
      this.#changed();
      return { ok: true, endedSessions };
    } finally {
      if (ok) attempt.succeeded();
      else attempt.failed();
    }
  }

  deleteUser(actor: Principal, username: string): void {
    const user = this.#store.getUser(username);
    if (!user) throw new AuthError("not_found", `no user ${username}`);
    if (actor.kind === "session" && actor.name.toLowerCase() === user.username.toLowerCase()) {
      throw new AuthError("forbidden", "you cannot delete yourself");
    }
    if (user.role === "admin" && this.#store.countAdmins() <= 1) {
      throw new AuthError("forbidden", `${user.username} is the last admin`);
    }
    this.#store.deleteUser(user.username);
    this.#changed();
  }

  // API tokens

  listTokens(): TokenRecord[] {
    return this.#store.listTokens();
  }

  /** Creates a token; its value is in the result only, never stored, and cannot be shown again. */
  createToken(actor: Principal, name: string, role: Role): { token: string; record: TokenRecord } {
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
    this.#store.insertToken(record, sha256(secret));
    return { token, record };
  }

  revokeToken(id: string): TokenRecord {
    const t = this.#store.getToken(id);
    if (!t) throw new AuthError("not_found", `no API token ${id}`);
    if (t.revokedAt) throw new AuthError("conflict", `API token ${id} is revoked already`);
    this.#store.revokeToken(id);
    this.#tokenTouched.delete(id);
    this.#changed();
    const { secretHash: _, ...record } = this.#store.getToken(id)!;
    return record;
  }
}
