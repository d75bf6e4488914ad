/**
 * What a registration request asks an engine to store, checked the same way whatever the engine: the
 * charger id rule, the security profile (default 1: a key, over ws:// or wss://), the key — given and
 * valid, or generated for profiles 1 and 2 and handed back once; profile 0 takes none — and the boot
 * status (given, or kept: Accepted for a new registration).
 */
import { chargerIdProblem } from "../../shared/identifiers.ts";
import {
  BOOT_STATUSES,
  type BootStatus,
  type RegisterChargerOptions,
  type SecurityProfile,
} from "../../shared/queries.ts";
import { generateKey, hashKey, keyProblem } from "../charger_keys.ts";

export interface PreparedRegistration {
  securityProfile: SecurityProfile;
  /** The hash to store; null for profile 0. */
  keyHash: string | null;
  /** The key in clear, only when it was generated here. */
  generatedKey?: string;
  /** The boot status to set; null: the stored one stays (Accepted for a new registration). */
  bootStatus: BootStatus | null;
}

export const DEFAULT_BOOT_STATUS: BootStatus = "Accepted";

function checkBootStatus(status: unknown): void {
  if (status !== undefined && !(BOOT_STATUSES as readonly unknown[]).includes(status)) {
    throw new RangeError(`bootStatus must be one of ${BOOT_STATUSES.join(", ")}`);
  }
}

/**
 * The boot status alone, when the options name nothing else: for a charger already registered, only it
 * changes (an operator approving a charger must not change its key). Rejects with a RangeError as
 * prepareRegistration does.
 */
export function bootStatusOnly(id: string, options: RegisterChargerOptions = {}): BootStatus | undefined {
  if (options.bootStatus === undefined) return undefined;
  if (options.securityProfile !== undefined || options.authorizationKey !== undefined) return undefined;
  const idError = chargerIdProblem(id);
  if (idError) throw new RangeError(idError);
  checkBootStatus(options.bootStatus);
  return options.bootStatus;
}

/** Rejects with a RangeError naming what is wrong. */
export async function prepareRegistration(
  id: string,
  options: RegisterChargerOptions = {},
): Promise<PreparedRegistration> {
  const idError = chargerIdProblem(id);
  if (idError) throw new RangeError(idError);
  checkBootStatus(options.bootStatus);
  const bootStatus = options.bootStatus ?? null;
  const profile = options.securityProfile ?? 1;
  if (profile !== 0 && profile !== 1 && profile !== 2) {
    throw new RangeError("securityProfile must be 0, 1 or 2");
  }
  if (profile === 0) {
    if (options.authorizationKey !== undefined) {
      throw new RangeError("securityProfile 0 takes no authorizationKey (use 1 or 2)");
    }
    return { securityProfile: 0, keyHash: null, bootStatus };
  }
  const generatedKey = options.authorizationKey === undefined ? generateKey() : undefined;
  const key = options.authorizationKey ?? generatedKey!;
  const problem = keyProblem(key);
  if (problem) throw new RangeError(problem);
  const prepared: PreparedRegistration = {
    securityProfile: profile,
    keyHash: await hashKey(key),
    bootStatus,
  };
  if (generatedKey !== undefined) prepared.generatedKey = generatedKey;
  return prepared;
}
