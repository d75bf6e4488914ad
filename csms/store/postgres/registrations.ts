/**
 * Charger registrations in PostgreSQL: which charge point ids may connect, with which OCPP security
 * profile, and the PBKDF2 hash of each one's AuthorizationKey (csms/charger_keys.ts hashes and generates;
 * the clear key is never stored). Every change is committed before it is answered: the next handshake, on
 * any node, must see it.
 */
import { registrationFromRow, type RegistrationRow } from "../registration_row.ts";
import { bootStatusOnly, DEFAULT_BOOT_STATUS, prepareRegistration } from "../registration_request.ts";
import type { BootStatus, ChargerRegistration, RegisterChargerOptions } from "../../../shared/queries.ts";
import type { RegistrationStore, StoredRegistration } from "../../../shared/storage.ts";
import type { Sql } from "./pool.ts";
import { publicRegistrationFromRow } from "./rows.ts";

export class PostgresRegistrations implements RegistrationStore {
  constructor(private readonly sql: Sql) {}

  async find(id: string): Promise<StoredRegistration | undefined> {
    const [row] = await this.sql`SELECT * FROM charger_registrations WHERE id = ${id}`;
    return row ? registrationFromRow(row as unknown as RegistrationRow) : undefined;
  }

  /** CHARGER_POLICY open or approve: an unknown charger is registered, profile 0, when it first connects. */
  async registerOnFirstContact(
    id: string,
    at: string,
    bootStatus: BootStatus = DEFAULT_BOOT_STATUS,
  ): Promise<void> {
    await this.sql`
      INSERT INTO charger_registrations (id, security_profile, boot_status, created_at, updated_at)
      VALUES (${id}, 0, ${bootStatus}, ${at}, ${at})
      ON CONFLICT (id) DO NOTHING`;
  }

  /**
   * Registers `id` or changes its registration. The profile defaults to 1; with profile 1 or 2 and no key
   * given, a random key is generated and handed back, once; with profile 0 there is no key, and giving one
   * is an error. A boot status alone changes only that of a charger already registered. Rejects with a
   * RangeError naming the bad value.
   */
  async register(
    id: string,
    options: RegisterChargerOptions = {},
  ): Promise<{ registration: ChargerRegistration; created: boolean; authorizationKey?: string }> {
    const onlyBoot = bootStatusOnly(id, options);
    if (onlyBoot !== undefined) {
      const [row] = await this.sql`
        UPDATE charger_registrations SET boot_status = ${onlyBoot}, updated_at = ${new Date().toISOString()}
        WHERE id = ${id}
        RETURNING id, security_profile, key_hash IS NOT NULL AS has_key, boot_status, created_at`;
      if (row) return { registration: publicRegistrationFromRow(row), created: false };
    }
    const { securityProfile: profile, keyHash, generatedKey: generated, bootStatus } =
      await prepareRegistration(id, options);
    const now = new Date().toISOString();
    // xmax is 0 on a row this statement inserted, and set on one it updated: `created` in one round trip.
    // boot_status: the given one, else the stored one (a new row: Accepted).
    const [row] = await this.sql`
      INSERT INTO charger_registrations (id, security_profile, key_hash, boot_status, created_at, updated_at)
      VALUES (${id}, ${profile}, ${keyHash}, ${bootStatus ?? DEFAULT_BOOT_STATUS}, ${now}, ${now})
      ON CONFLICT (id) DO UPDATE SET security_profile = excluded.security_profile,
        key_hash = excluded.key_hash,
        boot_status = coalesce(${bootStatus}::text, charger_registrations.boot_status),
        updated_at = excluded.updated_at
      RETURNING id, security_profile, key_hash IS NOT NULL AS has_key, boot_status, created_at,
        (xmax = 0) AS created`;
    const registration = publicRegistrationFromRow(row);
    const created = row.created === true;
    return generated === undefined
      ? { registration, created }
      : { registration, created, authorizationKey: generated };
  }

  /** A charger accepted a new key: its hash replaces the old one. False when there is no key to replace. */
  async replaceKeyHash(id: string, keyHash: string): Promise<boolean> {
    const result = await this.sql`
      UPDATE charger_registrations SET key_hash = ${keyHash}, updated_at = ${new Date().toISOString()}
      WHERE id = ${id} AND security_profile > 0`;
    return result.count > 0;
  }

  async unregister(id: string): Promise<boolean> {
    const result = await this.sql`DELETE FROM charger_registrations WHERE id = ${id}`;
    return result.count > 0;
  }
}
