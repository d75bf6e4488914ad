/** The OCPP 2.0.1 adapter: 2.0.1 sessions with their handlers, and the 2.0.1 operator commands. */
import type { ChargingStationActions201 } from "../../shared/ocpp/actions201.ts";
import type { ActionMap } from "../../shared/ocpp/actions16.ts";
import type { HandlerTable } from "../../shared/ocpp/rpc.ts";
import { SessionWiring } from "../session_wiring.ts";
import type { ProtocolAdapter } from "../protocol.ts";
import { type CommandStorage, OPERATOR_COMMANDS_201, prepareCommand201 } from "./commands.ts";
import { CsmsSession201 } from "./session.ts";

export function createOcpp201Adapter(deps: {
  handlers: HandlerTable<ChargingStationActions201>;
  storage: CommandStorage;
}): ProtocolAdapter {
  return {
    protocol: "ocpp2.0.1",
    openSession: (chargerId, host) =>
      new CsmsSession201(
        new SessionWiring(host, "ocpp2.0.1", deps.handlers as HandlerTable<ActionMap>),
        chargerId,
      ),
    operatorCommands: OPERATOR_COMMANDS_201,
    // OCPP 2.0.1 B02 (Pending) and B03 (Rejected): no transaction is started or stopped remotely before the
    // station is Accepted; reading and configuring it (B02) stay allowed.
    onlyWhenAccepted: ["RequestStartTransaction", "RequestStopTransaction"],
    prepareCommand: (chargerId, action, payload) =>
      prepareCommand201(deps.storage, chargerId, action, payload),
  };
}
