/**
 * Operator roles, each including the one before: a viewer reads; an operator also sends commands and
 * manages id tags; an admin also manages users, API tokens and charger registrations.
 */
export const ROLES = ["viewer", "operator", "admin"] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

/** Whether `role` may do what `needed` may. */
export function allows(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

/** Who is asking: a signed-in person (session cookie) or a REST client (API token). */
export type Principal =
  | {
    kind: "session";
    /** The user's name. */
    name: string;
    role: Role;
    /** The session's id as stored (a hash of the cookie's value). */
    sessionId: string;
    /** The session's CSRF token, which every write with this session must carry. */
    csrfToken: string;
  }
  | {
    kind: "token";
    /** The token's name, as its admin gave it. */
    name: string;
    role: Role;
    tokenId: string;
  };

/** Who did something, for the record: a user's name, or `token:` and an API token's name. */
export function actorName(principal: Principal): string {
  // User names cannot hold a colon, so the prefix cannot be mistaken for one.
  return principal.kind === "session" ? principal.name : `token:${principal.name}`;
}
