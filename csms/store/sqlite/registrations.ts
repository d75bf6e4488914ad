/**
 * Charger registrations: which charge point ids may connect, with which OCPP
 * security profile, and the hash of each one's AuthorizationKey. Operator
 * changes are committed before they are answered (they are rare and must hold
 * before the next handshake); registration on first contact (CHARGER_POLICY=open) goes through
 * the batch writer, since a whole fleet may do it at once.
 */
import { registrationFromRow, type RegistrationRow } from "../registration_row.ts";
import { bootStatusOnly, DEFAULT_BOOT_STATUS, prepareRegistration } from "../registration_request.ts";
import type { DatabaseSync, StatementSync } from "node:sqlite";
import type { BootStatus, ChargerRegistration, RegisterChargerOptions } from "../../../shared/queries.ts";
import type { RegistrationStore, StoredRegistration } from "../../../shared/storage.ts";
import type { BatchWriter, WriteStatement } from "./writer.ts";

export type { StoredRegistration } from "../../../shared/storage.ts";

export { registrationFromRow, type RegistrationRow };

/** What may be shown outside the CSMS: whether a key is set, never the hash. */
export function publicRegistration(r: ChargerRegistration): ChargerRegistration {
  return {
    id: r.id,
    securityProfile: r.securityProfile,
    hasKey: r.hasKey,
    bootStatus: r.bootStatus,
    createdAt: r.createdAt,
  };
}

export class Registrations implements RegistrationStore {
  #writer: BatchWriter;
  #r: Record<"find" | "all", StatementSync>;
  #s: Record<"upsert" | "auto" | "remove" | "rekey" | "boot", WriteStatement>;

  constructor(db: DatabaseSync, writer: BatchWriter) {
    this.#writer = writer;
    this.#r = {
      find: db.prepare("SELECT * FROM charger_registrations WHERE id = ?"),
      all: db.prepare("SELECT * FROM charger_registrations ORDER BY id"),
    };
    this.#s = {
      upsert: writer.prepare(
        // boot_status: the given one, else the stored one (a new row: Accepted).
        `INSERT INTO charger_registrations (id, security_profile, key_hash, boot_status, created_at, updated_at)
         VALUES (?1, ?2, ?3, coalesce(?4, '${DEFAULT_BOOT_STATUS}'), ?5, ?5)
         ON CONFLICT (id) DO UPDATE SET security_profile = excluded.security_profile,
           key_hash = excluded.key_hash, boot_status = coalesce(?4, boot_status),
           updated_at = excluded.updated_at`,
      ),
      auto: writer.prepare(
        `INSERT INTO charger_registrations (id, security_profile, boot_status, created_at, updated_at)
         VALUES (?, 0, ?, ?, ?)
         ON CONFLICT (id) DO NOTHING`,
      ),
      boot: writer.prepare(`UPDATE charger_registrations SET boot_status = ?, updated_at = ? WHERE id = ?`),
      remove: writer.prepare("DELETE FROM charger_registrations WHERE id = ?"),
      rekey: writer.prepare(
        `UPDATE charger_registrations SET key_hash = ?, updated_at = ? WHERE id = ? AND security_profile > 0`,
      ),
    };
  }

  /** The registration as committed; a first-contact registration still in the batch is not seen yet. */
  find(id: string): Promise<StoredRegistration | undefined> {
    return Promise.resolve(this.#find(id));
  }

  #find(id: string): StoredRegistration | undefined {
    const row = this.#r.find.get(id) as RegistrationRow | undefined;
    return row ? registrationFromRow(row) : undefined;
  }

  /** Every registration as committed (callers wait for `writer.sync()` first to see their own writes). */
  list(): StoredRegistration[] {
    return (this.#r.all.all() as unknown as RegistrationRow[]).map(registrationFromRow);
  }

  /** CHARGER_POLICY open or approve: an unknown charger is registered, profile 0, when it first connects. */
  registerOnFirstContact(
    id: string,
    at: string,
    bootStatus: BootStatus = DEFAULT_BOOT_STATUS,
  ): Promise<void> {
    this.#writer.write(this.#s.auto, [id, bootStatus, at, at]);
    return Promise.resolve();
  }

  /**
   * Registers `id` or changes its registration. The profile defaults to 1 (a key, over ws:// or wss://).
   * With profile 1 or 2 and no key given, a random key is generated and handed back, once; with profile
   * 0 there is no key, and giving one is an error. A boot status alone changes only that of a charger
   * already registered. Rejects with a RangeError naming the bad field.
   */
  async register(
    id: string,
    options: RegisterChargerOptions = {},
  ): Promise<{ registration: ChargerRegistration; created: boolean; authorizationKey?: string }> {
    const onlyBoot = bootStatusOnly(id, options);
    // Committed first: a first-contact registration still in the batch counts as there before this one.
    await this.#writer.sync();
    if (onlyBoot !== undefined && this.#find(id) !== undefined) {
      await this.#writer.run(this.#s.boot, [onlyBoot, new Date().toISOString(), id]);
      return { registration: publicRegistration(this.#find(id)!), created: false };
    }
    const { securityProfile: profile, keyHash, generatedKey: generated, bootStatus } =
      await prepareRegistration(id, options);
    const now = new Date().toISOString();
    // Again after the key derivation: a first contact may have been queued meanwhile.
    await this.#writer.sync();
    const created = this.#find(id) === undefined;
    await this.#writer.run(this.#s.upsert, [id, profile, keyHash, bootStatus, now]);
    const registration = publicRegistration(this.#find(id)!);
    return generated === undefined
      ? { registration, created }
      : { registration, created, authorizationKey: generated };
  }

  /**
   * A charger accepted a new AuthorizationKey (ChangeConfiguration): its hash (from hashKey) replaces the
   * old one, committed before this resolves, so the charger's next handshake is checked against it. False
   * when there is no registration with a key to replace (none, or profile 0): nothing is stored then.
   */
  async replaceKeyHash(id: string, keyHash: string): Promise<boolean> {
    return await this.#writer.run(this.#s.rekey, [keyHash, new Date().toISOString(), id]) > 0;
  }

  async unregister(id: string): Promise<boolean> {
    return await this.#writer.run(this.#s.remove, [id]) > 0;
  }
}
