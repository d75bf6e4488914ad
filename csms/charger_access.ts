/**
 * Who may open an OCPP connection as which charger: CHARGER_POLICY, the
 * charger's registration (security profile and key) and the HTTP Basic
 * credentials of the handshake (OCPP security profiles 1 and 2). The decision
 * is pure and unit-tested; the gate around it does the store lookup, the key
 * check and the limit on failed attempts.
 */
import type { RefusalReason } from "../shared/events.ts";
import type { BootStatus, SecurityProfile } from "../shared/queries.ts";
import { firstContactBootStatus } from "./boot_status.ts";
import { DUMMY_KEY_HASH, verifyKey } from "./charger_keys.ts";
import type { ChargerPolicy } from "./config.ts";

export interface Credentials {
  user: string;
  password: string;
}

/** The registration facts the decision needs. */
export interface RegistrationFacts {
  securityProfile: SecurityProfile;
  keyHash?: string;
}

/** A refused handshake: the HTTP answer, and for the refusal log why (which the answer may not say). */
export type Refusal = {
  kind: "refuse";
  status: number;
  message: string;
  headers?: Record<string, string>;
  reason: RefusalReason;
};

export type AccessDecision =
  /** Let it in; `register`: record it as a new profile-0 charger first. */
  | { kind: "allow"; register: boolean }
  /** Let it in if `password` matches `keyHash`. */
  | { kind: "verify"; password: string; keyHash: string }
  /**
   * Refuse with `refusal`, but only after deriving a key from `password` as a key check does: credentials
   * were presented, and a refusal that skipped the derivation would tell by its speed that there was no
   * key to check (an unknown id, a charger registered without a key).
   */
  | { kind: "decoy"; password: string; refusal: Refusal }
  | Refusal;

export const BASIC_REALM = 'Basic realm="OCPP", charset="UTF-8"';

type UnauthorizedReason = "unknown-id" | "no-credentials" | "bad-credentials" | "no-key-registered";

/**
 * One answer for every authentication failure, so that a 401 tells nothing about which ids exist; only
 * the reason, which stays in the CSMS (its log, the operators' portal), differs.
 */
export function unauthorized(reason: UnauthorizedReason): Refusal {
  return {
    kind: "refuse",
    status: 401,
    message: "authentication required: HTTP Basic auth with the charge point id and its AuthorizationKey",
    headers: { "www-authenticate": BASIC_REALM },
    reason,
  };
}

/**
 * Reads an `Authorization: Basic ...` header: undefined when absent, "malformed" when it is not Basic or
 * not base64 of UTF-8 `user:password`. The user name is everything before the first ':' (OCPP forbids ':'
 * in charge point ids, not in keys).
 */
export function parseBasicAuth(header: string | null): Credentials | "malformed" | undefined {
  if (header === null) return undefined;
  const m = /^Basic +([A-Za-z0-9+/]+={0,2}) *$/i.exec(header);
  if (!m) return "malformed";
  let text: string;
  try {
    const bytes = Uint8Array.from(atob(m[1]), (c) => c.charCodeAt(0));
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return "malformed";
  }
  const colon = text.indexOf(":");
  if (colon < 0) return "malformed";
  return { user: text.slice(0, colon), password: text.slice(colon + 1) };
}

export interface AccessInput {
  policy: ChargerPolicy;
  chargerId: string;
  registration: RegistrationFacts | undefined;
  credentials: Credentials | "malformed" | undefined;
  /** The connection came over TLS. */
  secure: boolean;
}

/**
 * open and approve: unknown ids are let in and registered (profile 0; approve: boot status Pending, see
 * boot_status.ts); registered: unknown ids get 404; basic:
 * every charger needs a key, and unknown ids get the same 401 as a wrong key, after the same work. Under
 * every policy, a charger registered with a key must present it, and a profile-2 charger must come over
 * TLS.
 */
export function decideAccess(input: AccessInput): AccessDecision {
  const { registration: reg, policy, credentials } = input;
  // Every 401 to a request that carried credentials costs one key derivation, whatever it lacked.
  const refuse401 = (reason: UnauthorizedReason): AccessDecision =>
    credentials === undefined ? unauthorized(reason) : {
      kind: "decoy",
      password: credentials === "malformed" ? "" : credentials.password,
      refusal: unauthorized(reason),
    };
  if (!reg) {
    if (policy === "open" || policy === "approve") return { kind: "allow", register: true };
    if (policy === "registered") {
      return {
        kind: "refuse",
        status: 404,
        message: `charge point ${input.chargerId} is not registered`,
        reason: "unknown-id",
      };
    }
    return refuse401("unknown-id");
  }
  // Checked before the password: a profile-2 key sent over plain TCP is refused whether right or wrong.
  if (reg.securityProfile === 2 && !input.secure) {
    return {
      kind: "refuse",
      status: 403,
      message: `charge point ${input.chargerId} uses security profile 2: connect with wss:// (TLS)`,
      reason: "tls-required",
    };
  }
  if (reg.keyHash === undefined) {
    return policy === "basic" ? refuse401("no-key-registered") : { kind: "allow", register: false };
  }
  if (credentials === undefined) return refuse401("no-credentials");
  if (credentials === "malformed" || credentials.user !== input.chargerId) {
    return refuse401("bad-credentials");
  }
  return { kind: "verify", password: credentials.password, keyHash: reg.keyHash };
}

/** Failed authentications one remote address may make in a minute before it is answered 429 unchecked. */
export const AUTH_FAILURES_PER_MINUTE = 30;
const FAILURE_WINDOW_MS = 60_000;
/** Addresses tracked at once; beyond this the oldest is forgotten, so a spray of addresses costs bounded memory. */
const MAX_TRACKED_ADDRESSES = 10_000;

/**
 * Counts failed authentications per remote address in fixed one-minute windows. A brute force of a
 * 16-character key is hopeless anyway; this keeps a flood of wrong keys from costing a PBKDF2 each.
 */
export class AuthFailures {
  #by = new Map<string, { since: number; count: number }>();

  constructor(readonly limit = AUTH_FAILURES_PER_MINUTE) {}

  blocked(address: string, now = Date.now()): boolean {
    const e = this.#by.get(address);
    if (!e) return false;
    if (now - e.since >= FAILURE_WINDOW_MS) {
      this.#by.delete(address);
      return false;
    }
    return e.count >= this.limit;
  }

  failed(address: string, now = Date.now()): void {
    let e = this.#by.get(address);
    if (!e || now - e.since >= FAILURE_WINDOW_MS) {
      this.#by.delete(address);
      if (this.#by.size >= MAX_TRACKED_ADDRESSES) this.#by.delete(this.#by.keys().next().value!);
      this.#by.set(address, e = { since: now, count: 0 });
    }
    e.count++;
  }
}

export interface GateStore {
  find(id: string): Promise<RegistrationFacts | undefined>;
  registerOnFirstContact(id: string, at: string, bootStatus: BootStatus): Promise<void>;
}

/** Applies decideAccess to one handshake; resolves with undefined (let it in) or the refusal to send. */
export class ChargerGate {
  readonly failures = new AuthFailures();

  constructor(
    private readonly policy: ChargerPolicy,
    private readonly secure: boolean,
    private readonly store: GateStore,
  ) {}

  async check(
    chargerId: string,
    authorization: string | null,
    remoteAddress: string,
  ): Promise<Refusal | undefined> {
    if (this.failures.blocked(remoteAddress)) {
      return {
        kind: "refuse",
        status: 429,
        message: "too many failed authentications from this address; try again in a minute",
        headers: { "retry-after": "60" },
        reason: "rate-limited",
      };
    }
    const decision = decideAccess({
      policy: this.policy,
      chargerId,
      registration: await this.store.find(chargerId),
      credentials: parseBasicAuth(authorization),
      secure: this.secure,
    });
    if (decision.kind === "allow") {
      if (decision.register) {
        await this.store.registerOnFirstContact(
          chargerId,
          new Date().toISOString(),
          firstContactBootStatus(this.policy),
        );
      }
      return undefined;
    }
    if (decision.kind === "verify") {
      if (await verifyKey(decision.password, decision.keyHash)) return undefined;
      this.failures.failed(remoteAddress);
      return unauthorized("bad-credentials");
    }
    if (decision.kind === "decoy") {
      await verifyKey(decision.password, DUMMY_KEY_HASH);
      this.failures.failed(remoteAddress);
      return decision.refusal;
    }
    // A charger that sent no credentials is being told to: not a failed attempt.
    return decision;
  }
}
