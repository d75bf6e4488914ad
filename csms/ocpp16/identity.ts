/** A 1.6 BootNotification as the charger's identity in the domain model. Pure. */
import type { ChargerIdentity } from "../../shared/domain.ts";
import type { Ocpp16 } from "../../shared/ocpp/actions16.ts";

export function chargerIdentity16(req: Ocpp16.BootNotificationRequest): ChargerIdentity {
  const identity: ChargerIdentity = { vendor: req.chargePointVendor, model: req.chargePointModel };
  // chargeBoxSerialNumber is deprecated in 1.6 in favour of chargePointSerialNumber; either names the unit.
  const serial = req.chargePointSerialNumber ?? req.chargeBoxSerialNumber;
  if (serial !== undefined) identity.serialNumber = serial;
  if (req.firmwareVersion !== undefined) identity.firmwareVersion = req.firmwareVersion;
  if (req.iccid !== undefined) identity.iccid = req.iccid;
  if (req.imsi !== undefined) identity.imsi = req.imsi;
  if (req.meterType !== undefined) identity.meterType = req.meterType;
  if (req.meterSerialNumber !== undefined) identity.meterSerialNumber = req.meterSerialNumber;
  return identity;
}
