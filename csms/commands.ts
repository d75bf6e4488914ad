/**
 * Operator commands arriving on the bus: each is checked by the charger's
 * protocol adapter, sent to the charger's live session and resolves with the
 * charger's real answer, or says plainly why there is none (offline, timeout,
 * CALLERROR, invalid request). A command's secrets (a new AuthorizationKey) go
 * to the charger only: the events and the answer carry a redacted copy.
 */
import type { CommandHandler, CommandRequest, CommandResult } from "../shared/events.ts";
import { OcppError, RpcClosedError, RpcTimeoutError, spellErrorCode } from "../shared/ocpp/errors.ts";
import { redactValue } from "../shared/ocpp/redact.ts";
import type { Connections } from "./connections.ts";
import type { EventSink } from "./event_sink.ts";
import type { ProtocolAdapter } from "./protocol.ts";
import { logger } from "../shared/log.ts";

const log = logger("csms");

export interface CommandServices {
  connections: Pick<Connections, "get">;
  sink: EventSink;
  /** Every protocol this CSMS speaks. */
  adapters: readonly ProtocolAdapter[];
  /** Default wait for the charger's answer, ms. */
  callTimeoutMs: number;
}

function invalidAction(action: string, commands: readonly string[]): CommandResult {
  return {
    ok: false,
    error: "invalid",
    message: `${String(action)} is not an operator command (one of ${commands.join(", ")})`,
  };
}

async function execute(req: CommandRequest, svc: CommandServices): Promise<CommandResult> {
  const conn = svc.connections.get(req.chargerId);
  if (!conn || !conn.open) {
    // Which protocol an absent charger speaks is not known here: an action none of them has is invalid.
    const all = [...new Set(svc.adapters.flatMap((a) => a.operatorCommands))];
    if (!all.includes(req.action)) return invalidAction(req.action, all);
    return { ok: false, error: "offline", message: `charger ${req.chargerId} is not connected` };
  }
  const adapter = conn.adapter;
  if (!adapter.operatorCommands.includes(req.action)) {
    return invalidAction(req.action, adapter.operatorCommands);
  }
  const boot = conn.session.bootStatus;
  if (boot !== undefined && boot !== "Accepted" && adapter.onlyWhenAccepted.includes(req.action)) {
    return {
      ok: false,
      error: "invalid",
      message:
        `charger ${req.chargerId}'s boot was answered ${boot}: ${req.action} may be sent once it is Accepted`,
    };
  }
  const check = await adapter.prepareCommand(req.chargerId, req.action, req.payload);
  if (!check.ok) return check.result;
  const timeoutMs = req.timeoutMs !== undefined && req.timeoutMs > 0 ? req.timeoutMs : svc.callTimeoutMs;
  try {
    const response = await conn.session.call(req.action, check.command.payload ?? req.payload, { timeoutMs });
    await check.command.afterAnswer?.(response);
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
      log.error(`command ${req.action} to ${req.chargerId} failed:`, {
        chargerId: req.chargerId,
        action: req.action,
        error: err,
      });
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
