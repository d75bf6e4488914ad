/**
 * idTag authorization: the decision is pure (a tag record, the policy and the
 * clock in, an idTagInfo out); the registry it reads is the SQLite store.
 */
import type { IdTagInfo16 } from "../shared/ocpp/actions16.ts";
import type { IdTagRecord } from "../shared/queries.ts";
import type { AuthPolicy } from "./config.ts";

export interface AuthDecision {
  info: IdTagInfo16;
  /** The tag is unknown and the policy is open: record it so that an operator can see and block it later. */
  record: boolean;
}

/**
 * Decides how to answer for an idTag. Blocked and Invalid tags are answered as
 * such whatever their expiry; an Accepted tag past its expiry is Expired.
 */
export function decideAuth(
  tag: Pick<IdTagRecord, "status" | "expiryDate" | "parentIdTag"> | undefined,
  policy: AuthPolicy,
  now: Date,
): AuthDecision {
  if (!tag) {
    return policy === "open"
      ? { info: { status: "Accepted" }, record: true }
      : { info: { status: "Invalid" }, record: false };
  }
  const info: IdTagInfo16 = { status: tag.status };
  if (tag.parentIdTag) info.parentIdTag = tag.parentIdTag;
  if (tag.expiryDate) {
    info.expiryDate = tag.expiryDate;
    if (tag.status === "Accepted" && Date.parse(tag.expiryDate) <= now.getTime()) info.status = "Expired";
  }
  return { info, record: false };
}

export interface IdTagLookup {
  findIdTag(idTag: string): IdTagRecord | undefined;
  recordUnknownIdTag(idTag: string, at: string): void;
}

/** Authorizes idTags against the registry under the configured policy. */
export class Authorizer {
  constructor(readonly policy: AuthPolicy, private readonly tags: IdTagLookup) {}

  authorize(idTag: string, now = new Date()): IdTagInfo16 {
    const decision = decideAuth(this.tags.findIdTag(idTag), this.policy, now);
    if (decision.record) this.tags.recordUnknownIdTag(idTag, now.toISOString());
    return decision.info;
  }
}
