/**
 * The rules for the identifiers people type and chargers send: a charge point's identity and an id token.
 * The CSMS's handshake, the REST schemas, the Socket.IO bridge, the portal's pages and islands and the
 * simulator all check against these, so an id that can connect can also be viewed, registered and
 * commanded.
 *
 * Lengths are counted in Unicode characters (code points), as OCPP counts them, never in UTF-16 units:
 * `"🔌".length` is 2.
 */

/** OCPP-J: the identity in the endpoint URL is at most 48 characters (1.6 and 2.0.1 alike). */
export const MAX_CHARGER_ID_LENGTH = 48;

/**
 * The same rule as a regular expression (with the `u` flag it counts code points), for schemas that need
 * one (zod, OpenAPI). ':' is excluded by OCPP (it separates the id from the password in Basic auth);
 * control characters would corrupt logs and the portal, and no real charger uses them.
 */
export const CHARGER_ID_PATTERN = new RegExp(`^[^:\\u0000-\\u001f\\u007f]{1,${MAX_CHARGER_ID_LENGTH}}$`, "u");

/** A one-line description of the rule, for error messages and API docs. */
export const CHARGER_ID_RULE = `1 to ${MAX_CHARGER_ID_LENGTH} characters, without ':' or control characters`;

/** Characters in a string, as people (and OCPP) count them. */
export function characterCount(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** Why `id` (already percent-decoded) cannot be a charge point identity, or undefined when it can. */
export function chargerIdProblem(id: unknown): string | undefined {
  if (typeof id !== "string") return "charge point id must be a string";
  const length = characterCount(id);
  if (length === 0) return "charge point id is missing";
  if (length > MAX_CHARGER_ID_LENGTH) {
    return `charge point id is longer than ${MAX_CHARGER_ID_LENGTH} characters`;
  }
  if (id.includes(":")) return "charge point id must not contain ':'";
  // deno-lint-ignore no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(id)) return "charge point id must not contain control characters";
  return undefined;
}

export function isChargerId(id: unknown): id is string {
  return chargerIdProblem(id) === undefined;
}

/**
 * An id token (1.6's idTag, 2.0.1's idToken.idToken) as the operator registers it. OCPP 1.6 sends it as a
 * CiString20, and a 1.6 charger can present no longer one; 2.0.1 allows 36, which becomes the bound once
 * 2.0.1 chargers are served.
 */
export const MAX_ID_TOKEN_LENGTH = 20;
export const ID_TOKEN_RULE = `1 to ${MAX_ID_TOKEN_LENGTH} characters`;
/** The same rule as a regular expression (code points, with the `u` flag). */
export const ID_TOKEN_PATTERN = new RegExp(`^[\\s\\S]{1,${MAX_ID_TOKEN_LENGTH}}$`, "u");

/** Why `token` cannot be an id token, or undefined when it can. */
export function idTokenProblem(token: unknown): string | undefined {
  if (typeof token !== "string") return "an id token must be a string";
  const length = characterCount(token);
  if (length === 0) return "an id token is missing";
  if (length > MAX_ID_TOKEN_LENGTH) return `an id token has at most ${MAX_ID_TOKEN_LENGTH} characters`;
  return undefined;
}
