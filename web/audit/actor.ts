/** Who an audit entry is about, from the principal that acted and the address it came from. */
import type { Context } from "hono";
import { type AppEnv, clientAddress } from "../auth/http.ts";
import type { Principal } from "../auth/roles.ts";
import type { LoginResult } from "../auth/service.ts";
import type { AuditInput } from "./entry.ts";

export type AuditActor = Pick<AuditInput, "actor" | "actorKind" | "role" | "address">;

export function actorOf(principal: Principal, address: string | undefined): AuditActor {
  return {
    actor: principal.name,
    actorKind: principal.kind === "token" ? "token" : "user",
    role: principal.role,
    address,
  };
}

/** The principal of a REST request (routes behind apiGuard have one) and its peer's address. */
export function requestActor(c: Context<AppEnv>): AuditActor {
  const principal = c.get("principal");
  if (!principal) return { actor: "", actorKind: "anonymous", address: clientAddress(c) };
  return actorOf(principal, clientAddress(c));
}

/**
 * A sign-in's entry: who signed in, or whose password was wrong. A name that is no user's is not
 * kept (it is often a password typed in the wrong field); attempts refused by the rate limit are not
 * recorded either, so a guesser cannot flood the log.
 */
export function loginAuditEntry(result: LoginResult, address: string): AuditInput | undefined {
  if (result.ok) {
    return { ...actorOf(result.principal, address), action: "login.success" };
  }
  if (result.reason === "locked") return undefined;
  // Nobody is signed in yet: the actor is anonymous, the user whose password was wrong is the target.
  return {
    actor: "",
    actorKind: "anonymous",
    action: "login.failure",
    ...(result.user ? { target: result.user } : { detail: { user: "unknown" } }),
    address,
  };
}
