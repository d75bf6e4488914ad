/**
 * A 2.0.1 charging station's RPC session, which knows whose it is (the shared handlers read the id from
 * it) and where its boot stands (boot_gate.ts: what it may send before it is Accepted).
 */
import type { RequestOf, ResponseOf } from "../../shared/ocpp/actions16.ts";
import type { ChargingStationActions201, CsmsActions201 } from "../../shared/ocpp/actions201.ts";
import {
  type CallOptions,
  type HandlerContext,
  RpcSession,
  type RpcSessionOptions,
} from "../../shared/ocpp/rpc.ts";
import type { BootStatus } from "../../shared/queries.ts";
import { BootGate } from "./boot_gate.ts";

export class CsmsSession201 extends RpcSession<ChargingStationActions201, CsmsActions201> {
  readonly boot = new BootGate();
  /**
   * The requestId of the last full inventory asked for: its report replaces the stored model, cleared when
   * its first page arrives (the NotifyReport handler), so that the clear and the pages are written in order
   * whatever the engine (a clear after the GetBaseReport answer could race the first page on a pool).
   */
  fullInventoryRequest?: number;

  get bootStatus(): BootStatus | undefined {
    return this.boot.status;
  }

  constructor(options: RpcSessionOptions, readonly chargerId: string) {
    super(options);
  }

  /** Noted by the boot gate: a station held Pending may send what the CSMS asked it for. */
  override call<A extends keyof CsmsActions201 & string>(
    action: A,
    payload: RequestOf<CsmsActions201, A>,
    options?: CallOptions,
  ): Promise<ResponseOf<CsmsActions201, A>> {
    this.boot.sent(action, payload);
    if (action === "GetBaseReport") {
      const req = payload as RequestOf<CsmsActions201, "GetBaseReport">;
      if (req.reportBase === "FullInventory") this.fullInventoryRequest = req.requestId;
    }
    return super.call(action, payload, options);
  }
}

/** The session a CALL arrived on. */
export function sessionOf(ctx: HandlerContext): CsmsSession201 {
  return ctx.session as unknown as CsmsSession201;
}

/** The charger whose session a CALL arrived on. */
export function chargerOf(ctx: HandlerContext): string {
  return sessionOf(ctx).chargerId;
}
