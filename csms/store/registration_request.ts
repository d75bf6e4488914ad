/**
 * What a registration request asks an engine to store, checked the same way whatever the engine: the
 * charger id rule, the security profile (default 1: a key, over ws:// or wss://), and the key — given and
 * valid, or generated for profiles 1 and 2 and handed back once; profile 0 takes none.
 */
import { chargerIdProblem } from "../../shared/identifiers.ts";
import type { RegisterChargerOptions, SecurityProfile } from "../../shared/queries.ts";
import { generateKey, hashKey, keyProblem } from "../charger_keys.ts";

export interface PreparedRegistration {
  securityProfile: SecurityProfile;
  /** The hash to store; null for profile 0. */
  keyHash: string | null;
  /** The key in clear, only when it was generated here. */
  generatedKey?: string;
}

/** Rejects with a RangeError naming what is wrong. */
export async function prepareRegistration(
  id: string,
  options: RegisterChargerOptions = {},
): Promise<PreparedRegistration> {
  const idError = chargerIdProblem(id);
  if (idError) throw new RangeError(idError);
  const profile = options.securityProfile ?? 1;
  if (profile !== 0 && profile !== 1 && profile !== 2) {
    throw new RangeError("securityProfile must be 0, 1 or 2");
  }
  if (profile === 0) {
    if (options.authorizationKey !== undefined) {
      throw new RangeError("securityProfile 0 takes no authorizationKey (use 1 or 2)");
    }
    return { securityProfile: 0, keyHash: null };
  }
  const generatedKey = options.authorizationKey === undefined ? generateKey() : undefined;
  const key = options.authorizationKey ?? generatedKey!;
  const problem = keyProblem(key);
  if (problem) throw new RangeError(problem);
  const prepared: PreparedRegistration = { securityProfile: profile, keyHash: await hashKey(key) };
  if (generatedKey !== undefined) prepared.generatedKey = generatedKey;
  return prepared;
}
