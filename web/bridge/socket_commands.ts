/**
 * Commands a client sends over its socket: refused for a viewer, else sent down the same audited path as
 * REST's (web/commands.ts) and acknowledged with the charger's answer.
 */
import type { Bus } from "../../shared/events.ts";
import { actorOf } from "../audit/actor.ts";
import type { AuditLog } from "../audit/log.ts";
import { allows } from "../auth/roles.ts";
import { runAuditedCommand } from "../commands.ts";
import type { CommandAck, CommandRequestMessage } from "../lib/protocol.ts";
import type { BridgeSocket } from "./types.ts";

export async function onSocketCommand(
  bus: Bus,
  audit: AuditLog,
  socket: BridgeSocket,
  request: CommandRequestMessage,
  ack: unknown,
): Promise<void> {
  if (typeof ack !== "function") return; // a command nobody waits for is a mistake; do not send it blind
  const { name, role } = socket.data.principal;
  if (!allows(role, "operator")) {
    const refusal: CommandAck = {
      ok: false,
      error: "forbidden",
      message: `sending commands needs the operator role; ${name} is a ${role}`,
    };
    ack(refusal);
    return;
  }
  const r = (typeof request === "object" && request !== null ? request : {}) as Partial<
    CommandRequestMessage
  >;
  const actor = actorOf(socket.data.principal, socket.handshake.address);
  ack(await runAuditedCommand(bus, audit, actor, r));
}
