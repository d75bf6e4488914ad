/**
 * The Reservation and LocalAuthListManagement commands of 1.6, as the CSMS completes and follows them up:
 * - ReserveNow without a reservationId gets a fresh one, without an expiryDate one DEFAULT_RESERVATION_MINUTES
 *   away; an Accepted reservation is stored with its expiry.
 * - CancelReservation Accepted ends the stored one (Cancelled).
 * - SendLocalList without a localAuthorizationList is built from the CSMS's id tags, Full or Differential
 *   against what the charger last accepted, one version above it; once Accepted, that list and version are
 *   remembered for the charger.
 */
import { listAfter, type LocalListEntry, localListUpdate } from "../../shared/local_list.ts";
import type { IdTokenRecord } from "../../shared/domain.ts";
import type { CsmsStorage, LocalListWrites, ReservationWrites } from "../../shared/storage.ts";
import { isoNow } from "../clock.ts";
import type { PreparedCommand } from "../protocol.ts";

export interface ReserveListServices {
  reservations: ReservationWrites;
  localLists: LocalListWrites;
  /** Every id tag the CSMS knows. */
  idTags(): Promise<IdTokenRecord[]>;
  now(): string;
}

export function reserveListServices(
  storage: Pick<CsmsStorage, "reservations" | "localLists" | "reads">,
): ReserveListServices {
  return {
    reservations: storage.reservations,
    localLists: storage.localLists,
    idTags: () => storage.reads.listIdTags(),
    now: isoNow,
  };
}

export const DEFAULT_RESERVATION_MINUTES = 15;

export const RESERVE_LIST_ACTIONS = ["ReserveNow", "CancelReservation", "SendLocalList"] as const;

const accepted = (response: unknown) => (response as { status?: string } | undefined)?.status === "Accepted";

function entryOf(t: IdTokenRecord): LocalListEntry {
  return {
    idTag: t.idTag,
    status: t.status,
    ...(t.expiryDate !== undefined && { expiryDate: t.expiryDate }),
    ...(t.parentIdTag !== undefined && { parentIdTag: t.parentIdTag }),
  };
}

/**
 * The payload to send and what follows the answer, for one of RESERVE_LIST_ACTIONS (undefined for the
 * others). Runs before the payload is checked against the schema: what it fills in is checked too.
 */
export async function prepareReserveList(
  svc: ReserveListServices,
  chargerId: string,
  action: string,
  payload: Record<string, unknown>,
): Promise<Required<Pick<PreparedCommand, "payload" | "afterAnswer">> | undefined> {
  switch (action) {
    case "ReserveNow": {
      const p = { ...payload };
      if (p.reservationId === undefined) p.reservationId = await svc.reservations.nextId();
      if (p.expiryDate === undefined) {
        p.expiryDate = new Date(Date.parse(svc.now()) + DEFAULT_RESERVATION_MINUTES * 60_000).toISOString();
      }
      return {
        payload: p,
        afterAnswer: async (response) => {
          if (!accepted(response)) return;
          await svc.reservations.put({
            chargerId,
            reservationId: p.reservationId as number,
            connectorId: p.connectorId as number,
            idTag: p.idTag as string,
            ...(typeof p.parentIdTag === "string" && { parentIdTag: p.parentIdTag }),
            expiresAt: isoOr(p.expiryDate as string),
            createdAt: svc.now(),
          });
        },
      };
    }
    case "CancelReservation":
      return {
        payload,
        afterAnswer: async (response) => {
          if (!accepted(response)) return;
          await svc.reservations.end(chargerId, payload.reservationId as number, {
            state: "Cancelled",
            at: svc.now(),
          });
        },
      };
    case "SendLocalList": {
      const updateType = payload.updateType as "Full" | "Differential";
      const last = await svc.localLists.lastSent(chargerId);
      let p = payload;
      let holds: LocalListEntry[];
      if (payload.localAuthorizationList === undefined) {
        const u = localListUpdate((await svc.idTags()).map(entryOf), last, updateType);
        const listVersion = typeof payload.listVersion === "number" ? payload.listVersion : u.listVersion;
        p = { ...payload, listVersion, localAuthorizationList: u.localAuthorizationList };
        holds = u.holds;
      } else {
        if (typeof payload.listVersion !== "number") {
          p = { ...payload, listVersion: (last?.version ?? 0) + 1 };
        }
        holds = listAfter(
          last?.entries ?? [],
          updateType,
          payload.localAuthorizationList as Parameters<typeof listAfter>[2],
        );
      }
      return {
        payload: p,
        afterAnswer: async (response) => {
          if (!accepted(response)) return;
          await svc.localLists.sent(chargerId, {
            version: p.listVersion as number,
            updateType,
            entries: holds,
            sentAt: svc.now(),
          });
        },
      };
    }
  }
  return undefined;
}

/** A date-time in UTC as stored; kept as given when it does not parse (the schema checked its format). */
function isoOr(text: string): string {
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? text : new Date(ms).toISOString();
}
