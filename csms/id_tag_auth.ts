/**
 * idTag authorization: the decision is pure (a tag record, the policy and the
 * clock in, a verdict out); the registry it reads is the storage's id tokens.
 * Each protocol adapter spells the verdict its own way (1.6: idTagInfo).
 */
import type { IdTokenVerdict } from "../shared/domain.ts";
import type { IdTagRecord } from "../shared/queries.ts";
import type { IdTokenStore } from "../shared/storage.ts";
import type { AuthPolicy } from "./config.ts";

export interface AuthDecision {
  info: IdTokenVerdict;
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
  const info: IdTokenVerdict = { status: tag.status };
  if (tag.parentIdTag) info.parentIdTag = tag.parentIdTag;
  if (tag.expiryDate) {
    info.expiryDate = tag.expiryDate;
    if (tag.status === "Accepted" && Date.parse(tag.expiryDate) <= now.getTime()) info.status = "Expired";
  }
  return { info, record: false };
}

/** Authorizes idTags against the registry under the configured policy. */
export class IdTagAuthorizer {
  constructor(
    readonly policy: AuthPolicy,
    private readonly tags: Pick<IdTokenStore, "find" | "recordUnknown">,
  ) {}

  async authorize(idTag: string, now = new Date()): Promise<IdTokenVerdict> {
    const decision = decideAuth(await this.tags.find(idTag), this.policy, now);
    // Not awaited: the tag is Accepted whether or not its record is on disk yet.
    if (decision.record) void this.tags.recordUnknown(idTag, now.toISOString());
    return decision.info;
  }
}
