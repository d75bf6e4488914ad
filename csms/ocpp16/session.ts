/** A 1.6 charger's RPC session, which knows whose it is: the shared handlers read the id from it. */
import type { CentralSystemActions16, ChargePointActions16 } from "../../shared/ocpp/actions16.ts";
import type { BootStatus } from "../../shared/queries.ts";
import { type HandlerContext, RpcSession, type RpcSessionOptions } from "../../shared/ocpp/rpc.ts";

export class CsmsSession16 extends RpcSession<ChargePointActions16, CentralSystemActions16> {
  /** How this connection's last BootNotification was answered (set by the boot handler). */
  bootStatus?: BootStatus;

  constructor(options: RpcSessionOptions, readonly chargerId: string) {
    super(options);
  }
}

/** The charger whose session a CALL arrived on. */
export function chargerOf(ctx: HandlerContext): string {
  return (ctx.session as unknown as CsmsSession16).chargerId;
}
