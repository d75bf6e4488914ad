/**
 * The local authorization list the CSMS sends a 1.6 charger (LocalAuthListManagement): built from its id
 * tags, Full or Differential against what that charger last accepted. Pure.
 */

/** One entry as the list holds it: an idTag and what a charger should answer for it offline. */
export interface LocalListEntry {
  idTag: string;
  status: "Accepted" | "Blocked" | "Expired" | "Invalid";
  expiryDate?: string;
  parentIdTag?: string;
}

/** The list a charger accepted last, with its version. */
export interface SentLocalList {
  version: number;
  updateType: "Full" | "Differential";
  /** Every entry the charger holds after that update. */
  entries: LocalListEntry[];
  sentAt: string;
}

/** What a portal shows of it. */
export type LocalListSummary = Omit<SentLocalList, "entries"> & { size: number };

export interface LocalListUpdate {
  updateType: "Full" | "Differential";
  listVersion: number;
  /** As SendLocalList carries it: an entry without idTagInfo removes that idTag (Differential). */
  localAuthorizationList: {
    idTag: string;
    idTagInfo?: { status: LocalListEntry["status"]; expiryDate?: string; parentIdTag?: string };
  }[];
  /** The whole list the charger holds once it accepts: what to remember as sent. */
  holds: LocalListEntry[];
}

function info(e: LocalListEntry) {
  return {
    status: e.status,
    ...(e.expiryDate !== undefined && { expiryDate: e.expiryDate }),
    ...(e.parentIdTag !== undefined && { parentIdTag: e.parentIdTag }),
  };
}

const same = (a: LocalListEntry, b: LocalListEntry) =>
  a.status === b.status && a.expiryDate === b.expiryDate && a.parentIdTag === b.parentIdTag;

/**
 * The next update: version one above the last sent (1 for the first). Full lists every tag; Differential
 * only what changed since the last accepted list (new or changed tags with their info, removed tags
 * without), and is a Full one when nothing was sent before (a charger's list starts empty, version 0).
 */
export function localListUpdate(
  tags: readonly LocalListEntry[],
  last: Pick<SentLocalList, "version" | "entries"> | undefined,
  updateType: "Full" | "Differential",
): LocalListUpdate {
  const listVersion = (last?.version ?? 0) + 1;
  const holds = [...tags];
  if (updateType === "Full" || !last) {
    return {
      updateType,
      listVersion,
      localAuthorizationList: holds.map((e) => ({ idTag: e.idTag, idTagInfo: info(e) })),
      holds,
    };
  }
  const before = new Map(last.entries.map((e) => [e.idTag.toLowerCase(), e]));
  const now = new Set(holds.map((e) => e.idTag.toLowerCase()));
  const changed = holds.filter((e) => {
    const b = before.get(e.idTag.toLowerCase());
    return !b || !same(b, e);
  }).map((e) => ({ idTag: e.idTag, idTagInfo: info(e) }));
  const removed = last.entries.filter((e) => !now.has(e.idTag.toLowerCase())).map((e) => ({
    idTag: e.idTag,
  }));
  return { updateType, listVersion, localAuthorizationList: [...changed, ...removed], holds };
}

/** What a charger holds after it accepts an update (an operator's own list as much as a built one). */
export function listAfter(
  before: readonly LocalListEntry[],
  updateType: "Full" | "Differential",
  list: LocalListUpdate["localAuthorizationList"],
): LocalListEntry[] {
  const next = new Map(updateType === "Full" ? [] : before.map((e) => [e.idTag.toLowerCase(), e]));
  for (const e of list) {
    if (e.idTagInfo) next.set(e.idTag.toLowerCase(), { idTag: e.idTag, ...e.idTagInfo });
    else next.delete(e.idTag.toLowerCase());
  }
  return [...next.values()];
}
