/** The OCPP 1.6 adapter: 1.6 sessions with their handlers, and the 1.6 operator commands. */
import type { HandlerTable } from "../../shared/ocpp/rpc.ts";
import type { ChargePointActions16 } from "../../shared/ocpp/actions16.ts";
import type { ProtocolAdapter } from "../protocol.ts";
import { type CommandStorage16, OPERATOR_COMMANDS_16, prepareCommand16 } from "./commands.ts";
import { CsmsSession16 } from "./session.ts";

export function createOcpp16Adapter(deps: {
  handlers: HandlerTable<ChargePointActions16>;
  storage: CommandStorage16;
}): ProtocolAdapter {
  return {
    protocol: "ocpp1.6",
    openSession: (chargerId, options) =>
      new CsmsSession16({ ...options, version: "ocpp1.6", handlers: deps.handlers }, chargerId),
    operatorCommands: OPERATOR_COMMANDS_16,
    // OCPP 1.6 §4.2 (BootNotification): while Pending, the Central System does not send these.
    onlyWhenAccepted: ["RemoteStartTransaction", "RemoteStopTransaction"],
    prepareCommand: (chargerId, action, payload) =>
      prepareCommand16(deps.storage, chargerId, action, payload),
  };
}
