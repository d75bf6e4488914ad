/**
 * Operator commands arriving on the bus: each is sent to the charger's live
 * session and resolves with the charger's real answer, or says plainly why
 * there is none (offline, timeout, CALLERROR, invalid request). A command's
 * secrets (a new AuthorizationKey) go to the charger only: the events and the
 * answer carry a redacted copy. When a charger takes a new AuthorizationKey,
 * its registration gets the key's hash.
 */
import type { CommandHandler, CommandRequest, CommandResult } from "../shared/events.ts";
import { OPERATOR_COMMANDS_16 } from "../shared/ocpp/actions16.ts";
import { OcppError, RpcClosedError, RpcTimeoutError, spellErrorCode } from "../shared/ocpp/errors.ts";
import { redactValue } from "../shared/ocpp/redact.ts";
import { validatePayload } from "../shared/ocpp/validate.ts";
import { hashKey, keyProblem } from "./charger_keys.ts";
import type { EventSink } from "./event_sink.ts";
import type { Fleet } from "./fleet.ts";
import { keyTaken, newAuthorizationKey } from "./key_rotation.ts";
import type { Registrations } from "./store/registrations.ts";

const OPERATOR_COMMANDS: ReadonlySet<string> = new Set(OPERATOR_COMMANDS_16);

export interface CommandServices {
  fleet: Fleet;
  sink: EventSink;
  registrations: Registrations;
  /** Default wait for the charger's answer, ms. */
  callTimeoutMs: number;
}

async function execute(req: CommandRequest, svc: CommandServices): Promise<CommandResult> {
  if (!OPERATOR_COMMANDS.has(req.action)) {
    return {
      ok: false,
      error: "invalid",
      message: `${String(req.action)} is not an operator command (one of ${OPERATOR_COMMANDS_16.join(", ")})`,
    };
  }
  const conn = svc.fleet.get(req.chargerId);
  if (!conn || !conn.open) {
    return { ok: false, error: "offline", message: `charger ${req.chargerId} is not connected` };
  }
  const bad = validatePayload(conn.protocol, req.action, "request", req.payload);
  if (bad) {
    return {
      ok: false,
      error: "invalid",
      message: `${req.action} request is invalid: ${bad.description}`,
      code: spellErrorCode(bad.code, conn.protocol),
    };
  }
  const rotation = newAuthorizationKey(req.action, req.payload);
  let keyHash: string | undefined;
  if (rotation) {
    // A key outside the rules would be refused by a conforming charger, or taken by a lax one and then
    // never accepted by the registration: either way, it is not sent.
    const problem = keyProblem(rotation.key);
    if (problem) {
      return { ok: false, error: "invalid", message: `${req.action} AuthorizationKey: ${problem}` };
    }
    // Before the call, so that the charger's answer and the stored hash are not 20 ms of PBKDF2 apart.
    keyHash = await hashKey(rotation.key as string);
  }
  const timeoutMs = req.timeoutMs !== undefined && req.timeoutMs > 0 ? req.timeoutMs : svc.callTimeoutMs;
  try {
    // The action and payload are checked above; the session's typed call cannot see that through the union.
    const response = await conn.session.call(req.action, req.payload as never, { timeoutMs });
    if (keyHash !== undefined && keyTaken(response)) await storeKeyHash(req.chargerId, keyHash, svc);
    return { ok: true, response };
  } catch (err) {
    if (err instanceof RpcTimeoutError) {
      return {
        ok: false,
        error: "timeout",
        message: `charger ${req.chargerId} did not answer ${req.action} within ${timeoutMs} ms`,
      };
    }
    if (err instanceof RpcClosedError) {
      return {
        ok: false,
        error: "offline",
        message: `charger ${req.chargerId} disconnected before answering ${req.action}`,
      };
    }
    if (err instanceof OcppError) {
      const code = spellErrorCode(err.code, conn.protocol);
      return {
        ok: false,
        error: "callerror",
        code,
        message: `charger ${req.chargerId} answered ${req.action} with ${code}${
          err.description ? `: ${err.description}` : ""
        }`,
      };
    }
    throw err;
  }
}

/** Committed before the command is answered: the charger may reconnect with the new key at once. */
async function storeKeyHash(chargerId: string, keyHash: string, svc: CommandServices): Promise<void> {
  let replaced: boolean;
  try {
    replaced = await svc.registrations.replaceKeyHash(chargerId, keyHash);
  } catch (err) {
    // The charger did take the key: its answer stands, and the operator learns how to catch up.
    console.error(
      `csms: ${chargerId} took a new AuthorizationKey but its hash could not be stored (${String(err)}); ` +
        `register the key again (PUT /api/v1/registrations/${chargerId}) before the charger reconnects`,
    );
    return;
  }
  if (replaced) return;
  // Profile 0 (or no registration): its handshake checks no key, so there is none to replace.
  console.warn(
    `csms: ${chargerId} took a new AuthorizationKey, but its registration has no key (security profile 0 ` +
      `or none); register it with profile 1 or 2 for the key to be checked`,
  );
}

/** The handler the CSMS registers with `bus.serveCommands`. */
export function createCommandHandler(svc: CommandServices): CommandHandler {
  return async (req) => {
    // Redacted before anything is kept or published, even when the charger is offline.
    const shown = redactValue(req.payload);
    svc.sink.emit({
      type: "command.requested",
      chargerId: req.chargerId,
      at: new Date().toISOString(),
      commandId: req.commandId,
      action: req.action,
      payload: shown.value,
    });
    let result: CommandResult;
    try {
      result = await execute(req, svc);
    } catch (err) {
      console.error(`csms: command ${req.action} to ${req.chargerId} failed:`, err);
      result = { ok: false, error: "offline", message: `${req.action} could not be sent: ${String(err)}` };
    }
    // The answer too: a charger may echo a secret (a GetConfiguration listing its key, an error quoting it).
    result = redactValue(result, shown.secrets).value;
    svc.sink.emit({
      type: "command.answered",
      chargerId: req.chargerId,
      at: new Date().toISOString(),
      commandId: req.commandId,
      action: req.action,
      result,
    });
    return result;
  };
}
