/**
 * Charger AuthorizationKeys (OCPP security profiles 1 and 2): their rules,
 * generation, and storage as salted PBKDF2 hashes that are checked in constant
 * time. The clear key exists only in the request that sets it and in the
 * handshake that presents it; the database holds the hash alone.
 */
import { timingSafeEqual } from "node:crypto";
import type { RegistrationStore } from "../shared/storage.ts";
import { logger } from "../shared/log.ts";

const log = logger("csms");

// The key rules are shared with the simulator, which refuses a ChangeConfiguration outside them.
export { keyProblem, MAX_KEY_LENGTH, MIN_KEY_LENGTH } from "../shared/ocpp/authorization_key.ts";

/** Generated keys: 32 alphanumeric characters, about 190 bits, safe in any charger's configuration UI. */
const GENERATED_LENGTH = 32;
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/**
 * PBKDF2-HMAC-SHA256. The iteration count is stored with each hash, so it can be raised later without
 * invalidating keys. 100,000 costs about 20 ms here, off the event loop (WebCrypto runs it on a worker
 * thread): a fleet reconnecting after a restart pays it once per charger, and a wrong key gets no
 * cheaper path than a right one.
 */
const ITERATIONS = 100_000;
const SALT_BYTES = 16;
const HASH_BITS = 256;
const SCHEME = "pbkdf2-sha256";

function b64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes));
}

/**
 * A stored value in the format of hashKey's, at its default cost, that no key matches (its digest is all
 * zeros: finding a key for it means breaking SHA-256). Refusals that have no key to check, such as an
 * unknown id, check the presented password against it, so that they cost what a wrong key costs.
 */
export const DUMMY_KEY_HASH = `${SCHEME}$${ITERATIONS}$${b64(new Uint8Array(SALT_BYTES))}$${
  b64(new Uint8Array(HASH_BITS / 8))
}`;

/** The comparison used for every key check: constant time in the length of the (fixed-size) digests. */
export const digestsEqual: (a: Uint8Array, b: Uint8Array) => boolean = timingSafeEqual;

/** A random key from a CSPRNG, without modulo bias. */
export function generateKey(): string {
  const out: string[] = [];
  const limit = 256 - (256 % ALPHABET.length);
  while (out.length < GENERATED_LENGTH) {
    for (const b of crypto.getRandomValues(new Uint8Array(GENERATED_LENGTH * 2))) {
      if (b < limit && out.length < GENERATED_LENGTH) out.push(ALPHABET[b % ALPHABET.length]);
    }
  }
  return out.join("");
}

function unb64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

async function derive(key: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const material = await crypto.subtle.importKey("raw", new TextEncoder().encode(key), "PBKDF2", false, [
    "deriveBits",
  ]);
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt: salt as Uint8Array<ArrayBuffer>, iterations },
    material,
    HASH_BITS,
  );
  return new Uint8Array(bits);
}

/** `pbkdf2-sha256$<iterations>$<salt, base64>$<hash, base64>`, with a fresh random salt. */
export async function hashKey(key: string, iterations = ITERATIONS): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  return `${SCHEME}$${iterations}$${b64(salt)}$${b64(await derive(key, salt, iterations))}`;
}

/** Whether `presented` is the key behind `stored`; false for a stored value this module did not write. */
export async function verifyKey(presented: string, stored: string): Promise<boolean> {
  const parts = stored.split("$");
  if (parts.length !== 4 || parts[0] !== SCHEME) return false;
  const iterations = Number(parts[1]);
  if (!Number.isInteger(iterations) || iterations < 1) return false;
  let salt: Uint8Array, expected: Uint8Array;
  try {
    salt = unb64(parts[2]);
    expected = unb64(parts[3]);
  } catch {
    return false;
  }
  // Derived for any presented text, even an over-long one: a refusal must cost what an acceptance costs.
  const actual = await derive(presented, salt, iterations);
  return actual.length === expected.length && digestsEqual(actual, expected);
}

/**
 * A key a charger took from an operator command (1.6 AuthorizationKey, 2.0.1 BasicAuthPassword): its hash
 * replaces the registration's before the command is answered, since the charger may reconnect with the
 * new key at once. `what` names the key in the charger's protocol, for the operator.
 */
export async function storeKeyHash(
  registrations: Pick<RegistrationStore, "replaceKeyHash">,
  chargerId: string,
  keyHash: string,
  what: string,
): Promise<void> {
  let replaced: boolean;
  try {
    replaced = await registrations.replaceKeyHash(chargerId, keyHash);
  } catch (err) {
    // The charger did take the key: its answer stands, and the operator learns how to catch up.
    log.error(
      `${chargerId} took a new ${what} but its hash could not be stored (${String(err)}); ` +
        `register the key again (PUT /api/v1/registrations/${chargerId}) before the charger reconnects`,
      { chargerId },
    );
    return;
  }
  if (replaced) return;
  // Profile 0 (or no registration): its handshake checks no key, so there is none to replace.
  log.warn(
    `${chargerId} took a new ${what}, but its registration has no key (security profile 0 ` +
      `or none); register it with profile 1 or 2 for the key to be checked`,
    { chargerId },
  );
}
