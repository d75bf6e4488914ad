/**
 * What the portal asks the CSMS to change, over the bus: the operator's writes (id tags, charger
 * registrations, closing a transaction by hand) and taking a charger off the line. They go to the CSMS,
 * not straight to storage, because the CSMS acts on them at once: a registration withdrawn or re-keyed
 * closes the charger's live connection, a closed transaction leaves the CSMS's open ones, and every change
 * is published as an event for every portal.
 */
import type { IdTokenRecord } from "./domain.ts";
import type { StoredFile } from "./files.ts";
import type { ChargerRegistration, CloseTransactionResult, RegisterChargerOptions } from "./queries.ts";

export type AdminRequest =
  | { kind: "idtag.put"; tag: Omit<IdTokenRecord, "createdAt"> }
  | { kind: "idtag.delete"; idTag: string }
  | { kind: "registration.put"; chargerId: string; options: RegisterChargerOptions }
  | { kind: "registration.delete"; chargerId: string }
  | { kind: "transaction.close"; transactionId: number; by: string; reason: string }
  /** Keeps a firmware image for chargers to download (at most MAX_FILE_BYTES, shared/files.ts). */
  | { kind: "firmware.put"; name: string; contentBase64: string }
  /** Closes the charger's live connection, wherever it is (a withdrawn access, an operator's kick). */
  | { kind: "charger.disconnect"; chargerId: string; reason: string };

export type AdminKind = AdminRequest["kind"];

/** What each request answers when it was carried out. */
export interface AdminResponses {
  "idtag.put": IdTokenRecord;
  /** Whether there was such a tag. */
  "idtag.delete": boolean;
  /** The key in clear only when it was generated (shown once). */
  "registration.put": { registration: ChargerRegistration; created: boolean; authorizationKey?: string };
  "registration.delete": boolean;
  "transaction.close": CloseTransactionResult;
  "firmware.put": StoredFile;
  /** Whether a live connection was closed. */
  "charger.disconnect": boolean;
}

export type AdminResult<K extends AdminKind = AdminKind> =
  | { ok: true; value: AdminResponses[K] }
  /** invalid: the request breaks a rule (message says which); unavailable: no CSMS serves the bus. */
  | { ok: false; error: "invalid" | "unavailable"; message: string };

export type AdminHandler = (request: AdminRequest) => Promise<AdminResult>;
