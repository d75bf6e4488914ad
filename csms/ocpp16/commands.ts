/**
 * The operator commands a 1.6 charger takes, and what the CSMS checks before sending one: the payload
 * against the 1.6 schema, and a new AuthorizationKey (ChangeConfiguration) against the key rules. When
 * the charger takes a new key, its registration gets the key's hash before the command is answered, so
 * that its next handshake is checked against the new key. A charging profile set or cleared is stored or
 * removed once the charger accepts (./charging_profiles.ts); reservations and local lists are completed
 * and followed up by ./reserve_list_commands.ts.
 */
import { OPERATOR_COMMANDS_16 } from "../../shared/ocpp/actions16.ts";
import { spellErrorCode } from "../../shared/ocpp/errors.ts";
import { validatePayload } from "../../shared/ocpp/validate.ts";
import type { ConfigurationWrites, RegistrationStore } from "../../shared/storage.ts";
import { hashKey, keyProblem, storeKeyHash } from "../charger_keys.ts";
import type { CommandCheck } from "../protocol.ts";
import { profileFollowUp16, type ProfileStorage } from "./charging_profiles.ts";
import { keyTaken, newAuthorizationKey } from "./key_rotation.ts";
import { isoNow } from "../clock.ts";
import { recordConfiguration } from "./configuration.ts";
import { prepareReserveList, type ReserveListServices } from "./reserve_list_commands.ts";

export { OPERATOR_COMMANDS_16 };

export interface CommandStorage16 {
  registrations: Pick<RegistrationStore, "replaceKeyHash">;
  profiles: ProfileStorage;
  /** GetConfiguration answers and accepted changes (./configuration.ts). */
  configuration: ConfigurationWrites;
  reserveList: ReserveListServices;
}

export async function prepareCommand16(
  storage: CommandStorage16,
  chargerId: string,
  action: string,
  operatorPayload: Record<string, unknown>,
): Promise<CommandCheck> {
  // Reservations and local lists: what the CSMS fills in is checked with the rest.
  const completed = await prepareReserveList(storage.reserveList, chargerId, action, operatorPayload);
  const payload = completed?.payload ?? operatorPayload;
  const bad = validatePayload("ocpp1.6", action, "request", payload);
  if (bad) {
    return {
      ok: false,
      result: {
        ok: false,
        error: "invalid",
        message: `${action} request is invalid: ${bad.description}`,
        code: spellErrorCode(bad.code, "ocpp1.6"),
      },
    };
  }
  if (completed) return { ok: true, command: completed };
  const profileFollowUp = profileFollowUp16(storage.profiles, chargerId, action, payload);
  if (profileFollowUp) return { ok: true, command: { afterAnswer: profileFollowUp } };
  const remember = (response: unknown) =>
    recordConfiguration(storage.configuration, chargerId, action, payload, response, isoNow());
  const rotation = newAuthorizationKey(action, payload);
  if (!rotation) {
    const configures = action === "GetConfiguration" || action === "ChangeConfiguration";
    return { ok: true, command: configures ? { afterAnswer: remember } : {} };
  }
  // A key outside the rules would be refused by a conforming charger, or taken by a lax one and then
  // never accepted by the registration: either way, it is not sent.
  const problem = keyProblem(rotation.key);
  if (problem) {
    return {
      ok: false,
      result: { ok: false, error: "invalid", message: `${action} AuthorizationKey: ${problem}` },
    };
  }
  // Before the call, so that the charger's answer and the stored hash are not 20 ms of PBKDF2 apart.
  const keyHash = await hashKey(rotation.key as string);
  return {
    ok: true,
    command: {
      afterAnswer: async (response) => {
        if (keyTaken(response)) {
          await storeKeyHash(storage.registrations, chargerId, keyHash, "AuthorizationKey");
        }
        await remember(response);
      },
    },
  };
}
