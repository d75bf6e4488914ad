/**
 * What an audit entry is, and how what a caller hands in becomes one: a known shape, bounded sizes, no
 * control characters (the log is read by people, in the portal and on terminals). Pure.
 */
import type { Role } from "../auth/roles.ts";

/** Who acted: a signed-in user, an API token (by its name), the portal itself, or nobody known yet. */
export const ACTOR_KINDS = ["user", "token", "system", "anonymous"] as const;
export type ActorKind = (typeof ACTOR_KINDS)[number];

/**
 * The actions the portal records; `record` takes others too (any name matching ACTION_NAME), so a new
 * feature only adds its own. Kept here for the docs and the audit page's suggestions.
 */
export const AUDIT_ACTIONS = [
  "command.send",
  "idtag.create",
  "idtag.update",
  "idtag.delete",
  "user.create",
  "user.role",
  "user.password",
  "user.delete",
  "token.create",
  "token.revoke",
  "registration.create",
  "registration.update",
  "registration.delete",
  "transaction.close",
  "password.change",
  "password.failure",
  "login.success",
  "login.failure",
  "logout",
  "admin.bootstrap",
] as const;

/** AUDIT_RETENTION_DAYS unset: a year. */
export const DEFAULT_AUDIT_RETENTION_DAYS = 365;

/** Lower-case words joined by dots: `family.verb`, which the `action` filter matches by family too. */
export const ACTION_NAME = /^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)*$/;
const MAX_ACTION = 64;
const MAX_ACTOR = 64;
const MAX_TARGET = 200;
const MAX_ADDRESS = 64;
/** A detail longer than this (as JSON) is replaced by a note of its size. */
export const MAX_DETAIL_BYTES = 4096;

/** What a caller records. Never put a secret in it: no password, key, token or unredacted payload. */
export interface AuditInput {
  /** The user's name, the API token's name, "portal" for the portal itself, or a user name tried. */
  actor: string;
  /** Default "user". */
  actorKind?: ActorKind;
  /** The actor's role when it acted. */
  role?: Role | null;
  /** What was done, e.g. "command.send", "user.delete" (see AUDIT_ACTIONS). */
  action: string;
  /** What it was done to: a charger id, an id tag, a user name, a token id. */
  target?: string | null;
  /** Anything else worth knowing, as a small JSON object. */
  detail?: Record<string, unknown> | null;
  /** Where the request came from (the peer's address). */
  address?: string | null;
}

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  actorKind: ActorKind;
  role?: Role;
  action: string;
  target?: string;
  detail?: Record<string, unknown>;
  address?: string;
}

/** An entry as stored, before it has an id. */
export type AuditRow = Omit<AuditEntry, "id" | "detail"> & { detail?: string };

/** Text as it may be shown: control characters replaced, at most `max` characters. */
export function clip(text: string, max: number): string {
  // deno-lint-ignore no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, "\uFFFD");
  return clean.length <= max ? clean : `${clean.slice(0, max - 1)}…`;
}

/** IPv4 peers of a dual-stack socket read "::ffff:10.0.0.1"; people know them as "10.0.0.1". */
export function plainAddress(address: string): string {
  return address.replace(/^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i, "$1");
}

/** Whether `action` is a name `record` takes (the REST filter checks the same). */
export function isActionName(action: string): boolean {
  return action.length <= MAX_ACTION && ACTION_NAME.test(action);
}

/** The row `input` is stored as, at `at`. A malformed action name is a bug in the caller: TypeError. */
export function auditRow(input: AuditInput, at: Date): AuditRow {
  if (typeof input.action !== "string" || !isActionName(input.action)) {
    throw new TypeError(`audit: ${JSON.stringify(input.action)} is not an action name (${ACTION_NAME})`);
  }
  const kind = input.actorKind ?? "user";
  if (!(ACTOR_KINDS as readonly string[]).includes(kind)) {
    throw new TypeError(`audit: ${JSON.stringify(kind)} is not an actor kind`);
  }
  let detail: string | undefined;
  if (input.detail && Object.keys(input.detail).length > 0) {
    detail = JSON.stringify(input.detail);
    const bytes = new TextEncoder().encode(detail).length;
    if (bytes > MAX_DETAIL_BYTES) {
      detail = JSON.stringify({ omitted: `a detail of ${bytes} bytes, over the ${MAX_DETAIL_BYTES} limit` });
    }
  }
  return {
    at: at.toISOString(),
    actor: clip(String(input.actor ?? ""), MAX_ACTOR),
    actorKind: kind,
    ...(input.role ? { role: input.role } : {}),
    action: input.action,
    ...(input.target ? { target: clip(String(input.target), MAX_TARGET) } : {}),
    ...(detail ? { detail } : {}),
    ...(input.address ? { address: clip(plainAddress(String(input.address)), MAX_ADDRESS) } : {}),
  };
}
