/** Sends a command over the portal's socket and turns the answer into something an operator can read. */
import type { CommandAck } from "../lib/protocol.ts";
import { getSocket } from "./socket.ts";

/** Longer than any command timeout the server allows, so the server's own answer always wins. */
const ACK_TIMEOUT_MS = 150_000;

export async function sendCommand(
  chargerId: string,
  action: string,
  payload: Record<string, unknown>,
): Promise<CommandAck> {
  const socket = getSocket();
  if (!socket.connected) {
    return {
      ok: false,
      error: "unavailable",
      message: "Not connected to the portal server; try again when it is Live.",
    };
  }
  try {
    return await socket.timeout(ACK_TIMEOUT_MS).emitWithAck("command", { chargerId, action, payload });
  } catch {
    return { ok: false, error: "timeout", message: "The portal server did not answer." };
  }
}

export type Tone = "ok" | "warn" | "err" | "pending";

export interface Outcome {
  action: string;
  tone: Tone;
  /** The headline: the charger's status answer, or the failure kind. */
  label: string;
  detail?: string;
  result?: CommandAck;
  at: number;
}

const GOOD = new Set(["Accepted", "Unlocked", "Scheduled"]);

export function describe(action: string, result: CommandAck): Outcome {
  const at = Date.now();
  if (result.ok) {
    const status = (result.response as { status?: unknown } | undefined)?.status;
    if (typeof status === "string") {
      return { action, tone: GOOD.has(status) ? "ok" : "warn", label: status, result, at };
    }
    return { action, tone: "ok", label: "Answered", result, at };
  }
  const labels: Record<string, string> = {
    offline: "Offline",
    timeout: "Timeout",
    callerror: `Error${"code" in result && result.code ? ` ${result.code}` : ""}`,
    invalid: "Invalid request",
    unavailable: "Unavailable",
    forbidden: "Not allowed",
  };
  return {
    action,
    tone: "err",
    label: labels[result.error] ?? result.error,
    detail: result.message,
    result,
    at,
  };
}

export function pending(action: string): Outcome {
  return { action, tone: "pending", label: "Waiting for the charger…", at: Date.now() };
}
