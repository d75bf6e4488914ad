/**
 * The AuthorizationKey's rules (OCPP 1.6 security whitepaper, profile 1): the
 * Basic auth password a charge point presents. Shared by the CSMS, which checks
 * a key before it registers or sends one, and the simulator, which refuses a
 * ChangeConfiguration outside them as a conforming charger does.
 */

/** The configuration key, a CiString: chargers match it in any case. */
export const AUTHORIZATION_KEY = "AuthorizationKey";

/** 16 to 40 characters: letters, digits and the special characters of OCPP's passwordString type. */
export const MIN_KEY_LENGTH = 16;
export const MAX_KEY_LENGTH = 40;
const KEY_PATTERN = /^[A-Za-z0-9*\-_=:+|@.]+$/;

/** Whether a configuration key names the AuthorizationKey (in any case). */
export function isAuthorizationKey(key: unknown): boolean {
  return typeof key === "string" && key.toLowerCase() === "authorizationkey";
}

/** Why `key` cannot be an AuthorizationKey, or undefined when it can. The message never quotes the key. */
export function keyProblem(key: unknown): string | undefined {
  if (typeof key !== "string") return "authorizationKey must be a string";
  if (key.length < MIN_KEY_LENGTH || key.length > MAX_KEY_LENGTH) {
    return `authorizationKey must be ${MIN_KEY_LENGTH} to ${MAX_KEY_LENGTH} characters (got ${key.length})`;
  }
  if (!KEY_PATTERN.test(key)) {
    return "authorizationKey may hold only letters, digits and * - _ = : + | @ . (OCPP passwordString)";
  }
  return undefined;
}
