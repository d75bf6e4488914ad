/**
 * The one path by which the portal sends a command to a charger, shared by the
 * Socket.IO bridge and the REST API: check the request's shape, then ask the
 * Bus and return the charger's real answer (or why there is none), and record
 * who sent it in the audit log. Only the request's shape is checked here: the
 * CSMS knows the charger's protocol, checks the action is one of its operator
 * commands and validates the payload against its schema ("invalid" otherwise).
 */
import type { Bus, CommandResult } from "../shared/events.ts";
import { CHARGER_ID_RULE, isChargerId } from "../shared/identifiers.ts";
import type { AuditActor } from "./audit/actor.ts";
import type { AuditLog } from "./audit/log.ts";
import { summarizePayload } from "./audit/payload_summary.ts";

export const MIN_COMMAND_TIMEOUT_MS = 1_000;
export const MAX_COMMAND_TIMEOUT_MS = 120_000;

/** Longer than any OCPP action name; a bound so that what is echoed back and audited stays small. */
export const MAX_ACTION_LENGTH = 64;

function invalid(message: string): CommandResult {
  return { ok: false, error: "invalid", message };
}

/** Returns a reason when the request cannot be sent as it is, undefined when it can. */
export function checkCommand(
  chargerId: unknown,
  action: unknown,
  payload: unknown,
  timeoutMs?: unknown,
): string | undefined {
  if (!isChargerId(chargerId)) return `chargerId must be a string of ${CHARGER_ID_RULE}`;
  if (typeof action !== "string" || action.length === 0 || action.length > MAX_ACTION_LENGTH) {
    return `action must be a command name of 1 to ${MAX_ACTION_LENGTH} characters`;
  }
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) {
    return "payload must be a JSON object";
  }
  if (
    timeoutMs !== undefined &&
    (typeof timeoutMs !== "number" || !Number.isFinite(timeoutMs) || timeoutMs < MIN_COMMAND_TIMEOUT_MS ||
      timeoutMs > MAX_COMMAND_TIMEOUT_MS)
  ) {
    return `timeoutMs must be a number from ${MIN_COMMAND_TIMEOUT_MS} to ${MAX_COMMAND_TIMEOUT_MS}`;
  }
  return undefined;
}

export async function runCommand(
  bus: Bus,
  chargerId: unknown,
  action: unknown,
  payload: unknown,
  timeoutMs?: unknown,
): Promise<CommandResult> {
  const problem = checkCommand(chargerId, action, payload, timeoutMs);
  if (problem) return invalid(problem);
  try {
    return await bus.sendCommand(
      chargerId as string,
      action as string,
      payload as Record<string, unknown>,
      timeoutMs === undefined ? undefined : { timeoutMs: timeoutMs as number },
    );
  } catch (err) {
    // The Bus promises an answer, but a broken transport must not take the caller down with it.
    return { ok: false, error: "unavailable", message: `the command could not be sent: ${String(err)}` };
  }
}

/**
 * What the audit log keeps of a command: the action, the payload's summary (no secret values) and
 * how it ended: the charger's status ("Accepted", "Rejected", ...), "answered" when its answer has none,
 * or why there is no answer ("timeout", "offline", ...).
 */
export function commandAuditDetail(
  action: string,
  payload: unknown,
  result: CommandResult,
): Record<string, unknown> {
  let outcome: string;
  if (!result.ok) outcome = result.error;
  else {
    const status = (result.response as { status?: unknown } | undefined)?.status;
    outcome = typeof status === "string" ? status : "answered";
  }
  return { command: action, payload: summarizePayload(payload), result: outcome };
}

/**
 * Sends a command as `actor` and records it in the audit log once it has ended (answered, failed or timed
 * out). A request refused before it reaches the Bus sent nothing, and is not recorded.
 */
export async function runAuditedCommand(
  bus: Bus,
  audit: AuditLog,
  actor: AuditActor,
  request: { chargerId?: unknown; action?: unknown; payload?: unknown; timeoutMs?: unknown },
): Promise<CommandResult> {
  const { chargerId, action, payload, timeoutMs } = request;
  const problem = checkCommand(chargerId, action, payload, timeoutMs);
  if (problem) return invalid(problem);
  const result = await runCommand(bus, chargerId, action, payload, timeoutMs);
  await audit.record({
    ...actor,
    action: "command.send",
    target: chargerId as string,
    detail: commandAuditDetail(action as string, payload, result),
  });
  return result;
}
