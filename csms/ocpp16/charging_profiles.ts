/**
 * Smart charging's state on the CSMS, for 1.6 chargers: the profiles a charger accepted are stored (per
 * charger and connector), a ClearChargingProfile it accepted removes the matching ones, a transaction's end
 * removes its TxProfiles, and an Accepted boot sends the charger's ChargePointMax and TxDefault profiles
 * again. Which profiles each of these touches is csms/charging_profiles.ts's; this module maps the 1.6
 * shapes and does the storage and the calls.
 *
 * Durability: a Set or Clear the charger accepted is answered to the operator only once its change is on
 * disk, so that an operator told "Accepted" can count on the CSMS still knowing the profile after a crash
 * (and sending it again after the charger's next reboot). A transaction's TxProfiles go before its stop is
 * published, so that a portal re-reading the profiles on that event sees them gone.
 */
import type { ChargingProfileRecord } from "../../shared/domain.ts";
import type { Ocpp16 } from "../../shared/ocpp/actions16.ts";
import { RpcClosedError } from "../../shared/ocpp/errors.ts";
import { logger } from "../../shared/log.ts";
import type { CsmsStorage } from "../../shared/storage.ts";
import { bootPlan, type ClearCriteria, clearedBy, endedWithTransaction } from "../charging_profiles.ts";
import { isoNow } from "../clock.ts";
import type { EventSink } from "../event_sink.ts";
import type { PreparedCommand } from "../protocol.ts";

const log = logger("csms");

export type ProfileStorage = Pick<CsmsStorage, "chargingProfiles" | "reads">;

export function profileRecord16(req: Ocpp16.SetChargingProfileRequest, at: string): ChargingProfileRecord {
  const p = req.csChargingProfiles;
  return {
    connectorId: req.connectorId,
    profileId: p.chargingProfileId,
    purpose: p.chargingProfilePurpose,
    stackLevel: p.stackLevel,
    ...(p.transactionId !== undefined && { transactionId: p.transactionId }),
    profile: p,
    storedAt: at,
  };
}

export function clearCriteria16(req: Ocpp16.ClearChargingProfileRequest): ClearCriteria {
  return {
    ...(req.id !== undefined && { id: req.id }),
    ...(req.connectorId !== undefined && { connectorId: req.connectorId }),
    ...(req.chargingProfilePurpose !== undefined && { purpose: req.chargingProfilePurpose }),
    ...(req.stackLevel !== undefined && { stackLevel: req.stackLevel }),
  };
}

const accepted = (response: unknown) => (response as { status?: string } | undefined)?.status === "Accepted";

/**
 * What follows a SetChargingProfile, a ClearChargingProfile or a RemoteStartTransaction with a profile;
 * undefined for other actions.
 */
export function profileFollowUp16(
  storage: ProfileStorage,
  chargerId: string,
  action: string,
  payload: Record<string, unknown>,
): PreparedCommand["afterAnswer"] | undefined {
  if (action === "SetChargingProfile") {
    const record = profileRecord16(payload as unknown as Ocpp16.SetChargingProfileRequest, isoNow());
    return async (response) => {
      if (!accepted(response)) return;
      await (await storage.chargingProfiles.put(chargerId, record)).durable;
    };
  }
  if (action === "RemoteStartTransaction") {
    // Its chargingProfile becomes the TxProfile of the transaction the charger starts (OCPP 1.6 §5.11). Kept
    // on the named connector, it goes with that connector's next StopTransaction, or the next boot, like
    // any TxProfile; without a connector the CSMS cannot tell where it applies, and keeps nothing.
    const req = payload as unknown as Ocpp16.RemoteStartTransactionRequest;
    if (!req.chargingProfile || req.connectorId === undefined) return undefined;
    const record = profileRecord16(
      { connectorId: req.connectorId, csChargingProfiles: req.chargingProfile },
      isoNow(),
    );
    return async (response) => {
      if (!accepted(response)) return;
      await (await storage.chargingProfiles.put(chargerId, record)).durable;
    };
  }
  if (action === "ClearChargingProfile") {
    const criteria = clearCriteria16(payload as Ocpp16.ClearChargingProfileRequest);
    return async (response) => {
      // Unknown: the charger had none matching; what the CSMS holds is left as it is.
      if (!accepted(response)) return;
      const ids = clearedBy(await storage.reads.chargingProfiles(chargerId), criteria);
      if (ids.length > 0) await (await storage.chargingProfiles.remove(chargerId, ids)).durable;
    };
  }
  return undefined;
}

/** A transaction on `connectorId` ended: its TxProfiles went with it, on the charger and here. */
export async function dropEndedTxProfiles(
  storage: ProfileStorage,
  chargerId: string,
  connectorId: number,
  transactionId: number,
): Promise<void> {
  const ids = endedWithTransaction(
    await storage.reads.chargingProfiles(chargerId),
    connectorId,
    transactionId,
  );
  if (ids.length > 0) await (await storage.chargingProfiles.remove(chargerId, ids)).durable;
}

/** The calls the re-send needs of the charger's session. */
export interface ProfileCaller {
  call(action: "SetChargingProfile", payload: Ocpp16.SetChargingProfileRequest): Promise<unknown>;
}

/**
 * After an Accepted boot (its answer already sent, see the BootNotification handler): TxProfiles are
 * forgotten and the others sent again, one at a time in bootPlan's order (the session sends one CALL at a
 * time anyway). A profile the charger refuses now is removed: the stored set mirrors what it holds. One
 * that goes unanswered (timeout, CALLERROR) stays, for the next boot; a closed connection ends the round.
 */
export async function resendAfterBoot16(
  storage: ProfileStorage,
  sink: Pick<EventSink, "log">,
  session: ProfileCaller,
  chargerId: string,
): Promise<void> {
  try {
    const plan = bootPlan(await storage.reads.chargingProfiles(chargerId));
    if (plan.drop.length > 0) await (await storage.chargingProfiles.remove(chargerId, plan.drop)).durable;
    for (const p of plan.resend) {
      const payload = {
        connectorId: p.connectorId,
        csChargingProfiles: p.profile as Ocpp16.SetChargingProfileRequest["csChargingProfiles"],
      };
      let status: string;
      try {
        status = String((await session.call("SetChargingProfile", payload) as { status: string }).status);
      } catch (err) {
        if (err instanceof RpcClosedError) return;
        sink.log(chargerId, "charging-profile.resend-failed", isoNow(), {
          profileId: p.profileId,
          error: String(err),
        });
        continue;
      }
      sink.log(chargerId, "charging-profile.resent", isoNow(), { profileId: p.profileId, status });
      if (status !== "Accepted") {
        await (await storage.chargingProfiles.remove(chargerId, [p.profileId])).durable;
      }
    }
  } catch (err) {
    log.error("charging profiles could not be sent again after a boot", { chargerId, error: err });
  }
}
