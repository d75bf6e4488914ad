/** A 2.0.1 charging station's RPC session, which knows whose it is: the shared handlers read the id from it. */
import type { ChargingStationActions201, CsmsActions201 } from "../../shared/ocpp/actions201.ts";
import { type HandlerContext, RpcSession, type RpcSessionOptions } from "../../shared/ocpp/rpc.ts";

export class CsmsSession201 extends RpcSession<ChargingStationActions201, CsmsActions201> {
  constructor(options: RpcSessionOptions, readonly chargerId: string) {
    super(options);
  }
}

/** The charger whose session a CALL arrived on. */
export function chargerOf(ctx: HandlerContext): string {
  return (ctx.session as unknown as CsmsSession201).chargerId;
}
