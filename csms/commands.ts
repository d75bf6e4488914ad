/**
 * Operator commands arriving on the bus: each is sent to the charger's live
 * session and resolves with the charger's real answer, or says plainly why
 * there is none (offline, timeout, CALLERROR, invalid request).
 */
import type { CommandHandler, CommandRequest, CommandResult } from "../shared/events.ts";
import { OPERATOR_COMMANDS_16 } from "../shared/ocpp/actions16.ts";
import { OcppError, RpcClosedError, RpcTimeoutError, spellErrorCode } from "../shared/ocpp/errors.ts";
import { validatePayload } from "../shared/ocpp/validate.ts";
import type { EventSink } from "./event_sink.ts";
import type { Fleet } from "./fleet.ts";

const OPERATOR_COMMANDS: ReadonlySet<string> = new Set(OPERATOR_COMMANDS_16);

export interface CommandServices {
  fleet: Fleet;
  sink: EventSink;
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
  const timeoutMs = req.timeoutMs !== undefined && req.timeoutMs > 0 ? req.timeoutMs : svc.callTimeoutMs;
  try {
    // The action and payload are checked above; the session's typed call cannot see that through the union.
    const response = await conn.session.call(req.action, req.payload as never, { timeoutMs });
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

/** The handler the CSMS registers with `bus.serveCommands`. */
export function createCommandHandler(svc: CommandServices): CommandHandler {
  return async (req) => {
    svc.sink.emit({
      type: "command.requested",
      chargerId: req.chargerId,
      at: new Date().toISOString(),
      commandId: req.commandId,
      action: req.action,
      payload: req.payload,
    });
    let result: CommandResult;
    try {
      result = await execute(req, svc);
    } catch (err) {
      console.error(`csms: command ${req.action} to ${req.chargerId} failed:`, err);
      result = { ok: false, error: "offline", message: `${req.action} could not be sent: ${String(err)}` };
    }
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
