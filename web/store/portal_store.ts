/**
 * Where the portal keeps what must be the same on every portal node: users, sessions, API tokens,
 * sign-in limits and the audit log. Two engines behind one async contract: portal.db in DATA_DIR
 * (node:sqlite; one portal process), or the fleet's PostgreSQL (DATABASE_URL; several portal nodes behind
 * a load balancer without sticky sessions, so a session made on one node works on every other).
 * Secrets are never stored in clear: passwords as scrypt hashes, session ids and token secrets as SHA-256.
 */
import type { AuditEntry, AuditRow } from "../audit/entry.ts";
import type { LimiterPersistence } from "../auth/login_limiter.ts";
import type { Role } from "../auth/roles.ts";
import { PostgresPortalStore } from "./postgres.ts";
import { SqlitePortalStore } from "./sqlite.ts";

export interface UserRecord {
  username: string;
  role: Role;
  createdAt: string;
  passwordChangedAt: string;
}

export interface SessionRecord {
  /** SHA-256 of the cookie's value. */
  id: string;
  username: string;
  /** The user's role now (sessions follow role changes at once). */
  role: Role;
  csrfToken: string;
  createdAt: number;
  seenAt: number;
  expiresAt: number;
}

export interface TokenRecord {
  id: string;
  name: string;
  role: Role;
  createdBy: string;
  createdAt: string;
  lastUsedAt?: string;
  revokedAt?: string;
}

export interface AuditQuery {
  /** A user's or token's name (any case). */
  actor?: string;
  /** An action ("user.delete"), or a family of them ("user" matches every "user.*"). */
  action?: string;
  target?: string;
  limit: number;
  offset: number;
}

/** Users, sessions, API tokens and sign-in limits (web/auth/). User names are matched in any case. */
export interface AuthStore {
  close(): Promise<void>;

  listUsers(): Promise<UserRecord[]>;
  getUser(username: string): Promise<(UserRecord & { passwordHash: string }) | undefined>;
  countAdmins(): Promise<number>;
  insertUser(username: string, role: Role, passwordHash: string): Promise<UserRecord>;
  setPassword(username: string, passwordHash: string): Promise<boolean>;
  setRole(username: string, role: Role): Promise<boolean>;
  /** Deletes the user and, by cascade, their sessions. */
  deleteUser(username: string): Promise<boolean>;

  insertSession(s: Omit<SessionRecord, "role">): Promise<void>;
  getSession(id: string): Promise<SessionRecord | undefined>;
  touchSession(id: string, seenAt: number): Promise<void>;
  deleteSession(id: string): Promise<boolean>;
  /** Ends every session of a user but `keep` (the one that asked, when a user changes their own password). */
  deleteSessionsOf(username: string, keep?: string): Promise<number>;
  /** Deletes sessions past their absolute expiry or idle for longer than `idleMs`. */
  deleteStaleSessions(now: number, idleMs: number): Promise<number>;
  countSessions(): Promise<number>;

  insertToken(t: Omit<TokenRecord, "lastUsedAt" | "revokedAt">, secretHash: string): Promise<void>;
  getToken(id: string): Promise<(TokenRecord & { secretHash: string }) | undefined>;
  listTokens(): Promise<TokenRecord[]>;
  /** False when the token is unknown or revoked already. */
  revokeToken(id: string): Promise<boolean>;
  touchToken(id: string, at: string): Promise<void>;

  /** Where a login limiter keeps its keys' failures and lockouts; `scope` names the limiter. */
  loginLimits(scope: string): LimiterPersistence;
}

/** The audit log's entries (web/audit/). */
export interface AuditStore {
  close(): Promise<void>;
  insertAudit(row: AuditRow): Promise<void>;
  /** Entries matching `q`, newest first, and how many match in all. */
  listAudit(q: AuditQuery): Promise<{ total: number; items: AuditEntry[] }>;
  /** Deletes entries stamped before `cutoff` (ISO 8601); returns how many. */
  pruneAudit(cutoff: string): Promise<number>;
}

export interface PortalStore extends AuthStore, AuditStore {
  readonly engine: "sqlite" | "postgres";
}

export interface PortalStoreLocation {
  /** DATA_DIR: portal.db lives here when there is no database URL. */
  dataDir: string;
  /** DATABASE_URL (postgres://…): the fleet's shared database, for several portal nodes. */
  databaseUrl?: string;
}

/**
 * Opens the portal's store: PostgreSQL when a database URL is given (its portal_ tables migrated first,
 * safely when several nodes start at once), else portal.db in DATA_DIR. Each call is its own connection
 * (or pool), closed by whoever opened it.
 */
export async function openPortalStore(where: PortalStoreLocation): Promise<PortalStore> {
  if (where.databaseUrl) return await PostgresPortalStore.open(where.databaseUrl);
  return SqlitePortalStore.open(where.dataDir);
}
