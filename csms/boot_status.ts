/**
 * What a charger's BootNotification is answered (OCPP 1.6 §4.2, 2.0.1 B01-B03), the same for both
 * protocols: its registration's boot status, with the heartbeat interval when Accepted and the retry
 * delay when Pending or Rejected (the `interval` the charger must wait before it boots again).
 */
import type { BootStatus } from "../shared/queries.ts";
import type { CsmsConfig } from "./config.ts";

/** The boot status a charger registered on its first contact gets: `approve` holds it for an operator. */
export function firstContactBootStatus(policy: CsmsConfig["chargerPolicy"]): BootStatus {
  return policy === "approve" ? "Pending" : "Accepted";
}

export interface BootAnswer {
  status: BootStatus;
  /** Seconds: the heartbeat interval (Accepted), or how long to wait before booting again. */
  interval: number;
}

export type BootSettings = Pick<CsmsConfig, "chargerPolicy" | "heartbeatInterval" | "bootRetryInterval">;

/**
 * `registration` undefined: none is committed. Under open and approve that is a charger let in on its
 * first contact whose registration may still be in the write batch: it is answered what that registration
 * will say. Under registered and basic the charger was registered at its handshake and has been
 * unregistered since (which also closes its connection): it is no longer welcome.
 */
export function bootAnswer(
  registration: { bootStatus: BootStatus } | undefined,
  settings: BootSettings,
): BootAnswer {
  const status = registration?.bootStatus ??
    (settings.chargerPolicy === "open" || settings.chargerPolicy === "approve"
      ? firstContactBootStatus(settings.chargerPolicy)
      : "Rejected");
  return {
    status,
    interval: status === "Accepted" ? settings.heartbeatInterval : settings.bootRetryInterval,
  };
}
