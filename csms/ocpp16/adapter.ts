/** The OCPP 1.6 adapter: 1.6 sessions with their handlers, and the 1.6 operator commands. */
import type { ActionMap } from "../../shared/ocpp/actions16.ts";
import type { HandlerTable } from "../../shared/ocpp/rpc.ts";
import { SessionWiring } from "../session_wiring.ts";
import type { ChargePointActions16 } from "../../shared/ocpp/actions16.ts";
import { completeFileCommand, type FileCommandDeps } from "../file_commands.ts";
import type { ProtocolAdapter } from "../protocol.ts";
import { type CommandStorage16, OPERATOR_COMMANDS_16, prepareCommand16 } from "./commands.ts";
import { CsmsSession16 } from "./session.ts";

export function createOcpp16Adapter(deps: {
  handlers: HandlerTable<ChargePointActions16>;
  storage: CommandStorage16;
  files: FileCommandDeps;
}): ProtocolAdapter {
  return {
    protocol: "ocpp1.6",
    openSession: (chargerId, host) =>
      new CsmsSession16(
        new SessionWiring(host, "ocpp1.6", deps.handlers as HandlerTable<ActionMap>),
        chargerId,
      ),
    operatorCommands: OPERATOR_COMMANDS_16,
    // OCPP 1.6 §4.2 (BootNotification): while Pending, the Central System does not send these.
    onlyWhenAccepted: ["RemoteStartTransaction", "RemoteStopTransaction"],
    prepareCommand: async (chargerId, action, payload) => {
      // A file transfer's URLs are the CSMS's to fill in (csms/file_commands.ts), before the checks.
      const completed = await completeFileCommand(deps.files, chargerId, action, payload);
      if (!completed.ok) {
        return { ok: false, result: { ok: false, error: "invalid", message: completed.message } };
      }
      const check = await prepareCommand16(
        deps.storage,
        chargerId,
        action,
        completed.payload ?? payload,
      );
      if (!check.ok || !completed.payload) return check;
      await completed.commit?.();
      return { ok: true, command: { ...check.command, payload: completed.payload } };
    },
  };
}
