/**
 * The local authorization list (OCPP 1.6 LocalAuthListManagement, §3.5 and §5.15 SendLocalList): idTags the
 * central system installs, with a version. Pure; authorization.ts consults it before the cache.
 *
 * - Full replaces the list; Differential adds or updates entries with an idTagInfo and removes those
 *   without one.
 * - VersionMismatch: a Differential update whose listVersion is not above the installed one.
 * - Failed: an update longer than SendLocalListMaxLength, or a list that would outgrow
 *   LocalAuthListMaxLength; the list is left as it was.
 * - GetLocalListVersion says 0 for an empty list (the spec reserves 0 for it).
 */
import type { IdTagInfo16, Ocpp16 } from "../shared/ocpp/mod.ts";

export type SendLocalListStatus = Ocpp16.SendLocalListResponse["status"];

export interface LocalListLimits {
  /** LocalAuthListMaxLength: entries the list may hold. */
  maxEntries: number;
  /** SendLocalListMaxLength: entries one SendLocalList may carry. */
  maxPerMessage: number;
}

export class LocalList {
  #version = 0;
  /** By idTag in lower case (IdToken is case-insensitive). */
  #entries = new Map<string, { idTag: string; info: IdTagInfo16 }>();

  get version(): number {
    return this.#entries.size === 0 ? 0 : this.#version;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The list's entry for an idTag, if it has one. */
  get(idTag: string): IdTagInfo16 | undefined {
    return this.#entries.get(idTag.toLowerCase())?.info;
  }

  /** Every entry, in the order installed. */
  entries(): { idTag: string; idTagInfo: IdTagInfo16 }[] {
    return [...this.#entries.values()].map((e) => ({ idTag: e.idTag, idTagInfo: e.info }));
  }

  apply(req: Ocpp16.SendLocalListRequest, limits: LocalListLimits): SendLocalListStatus {
    const list = req.localAuthorizationList ?? [];
    if (list.length > limits.maxPerMessage) return "Failed";
    const next = req.updateType === "Full"
      ? new Map<string, { idTag: string; info: IdTagInfo16 }>()
      : new Map(
        this.#entries,
      );
    if (req.updateType === "Differential" && req.listVersion <= this.#version) return "VersionMismatch";
    for (const e of list) {
      const key = e.idTag.toLowerCase();
      // A Full update lists what the list holds: an entry without idTagInfo there is left out.
      if (e.idTagInfo) next.set(key, { idTag: e.idTag, info: e.idTagInfo });
      else next.delete(key);
    }
    if (next.size > limits.maxEntries) return "Failed";
    this.#entries = next;
    this.#version = req.listVersion;
    return "Accepted";
  }
}
