/** Rows of the portal's tables as records: the same columns in portal.db and in PostgreSQL. */
import type { ActorKind, AuditEntry } from "../audit/entry.ts";
import type { Role } from "../auth/roles.ts";
import type { SessionRecord, TokenRecord, UserRecord } from "./portal_store.ts";

export type Row = Record<string, unknown>;

export function userOf(r: Row): UserRecord {
  return {
    username: r.username as string,
    role: r.role as Role,
    createdAt: r.created_at as string,
    passwordChangedAt: r.password_changed_at as string,
  };
}

export function tokenOf(r: Row): TokenRecord {
  return {
    id: r.id as string,
    name: r.name as string,
    role: r.role as Role,
    createdBy: r.created_by as string,
    createdAt: r.created_at as string,
    ...(r.last_used_at ? { lastUsedAt: r.last_used_at as string } : {}),
    ...(r.revoked_at ? { revokedAt: r.revoked_at as string } : {}),
  };
}

export function auditEntryOf(r: Row): AuditEntry {
  return {
    id: r.id as number,
    at: r.at as string,
    actor: r.actor as string,
    actorKind: r.actor_kind as ActorKind,
    ...(r.role ? { role: r.role as Role } : {}),
    action: r.action as string,
    ...(r.target ? { target: r.target as string } : {}),
    ...(r.detail ? { detail: JSON.parse(r.detail as string) } : {}),
    ...(r.address ? { address: r.address as string } : {}),
  };
}

/** `text` for a LIKE pattern, its wildcards taken literally (escape character `\`). */
export const likeLiteral = (text: string) => text.replace(/[\\%_]/g, (ch) => `\\${ch}`);

/** A session row joined with its user (`user`, `role`): sessions follow the user's role at once. */
export function sessionOf(r: Row): SessionRecord {
  return {
    id: r.id as string,
    username: r.user as string,
    role: r.role as Role,
    csrfToken: r.csrf_token as string,
    createdAt: r.created_at as number,
    seenAt: r.seen_at as number,
    expiresAt: r.expires_at as number,
  };
}
