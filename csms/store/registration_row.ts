/** A registration as both engines store it (the same columns): the record the CSMS checks handshakes with. */
import type { BootStatus, SecurityProfile } from "../../shared/queries.ts";
import type { StoredRegistration } from "../../shared/storage.ts";

export interface RegistrationRow {
  id: string;
  security_profile: number;
  key_hash: string | null;
  boot_status: string;
  created_at: string;
}

export function registrationFromRow(r: RegistrationRow): StoredRegistration {
  const reg: StoredRegistration = {
    id: r.id,
    securityProfile: r.security_profile as SecurityProfile,
    hasKey: r.key_hash !== null,
    bootStatus: r.boot_status as BootStatus,
    createdAt: r.created_at,
  };
  if (r.key_hash !== null) reg.keyHash = r.key_hash;
  return reg;
}
