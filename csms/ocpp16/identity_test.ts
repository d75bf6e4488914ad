import assert from "node:assert/strict";
import { chargerIdentity16 } from "./identity.ts";

Deno.test("ocpp16 identity: a BootNotification's fields, the charge point serial number first", () => {
  assert.deepEqual(
    chargerIdentity16({
      chargePointVendor: "ACME",
      chargePointModel: "X1",
      chargePointSerialNumber: "CP-SN",
      chargeBoxSerialNumber: "BOX-SN",
      firmwareVersion: "1.2",
      iccid: "8931",
      imsi: "2620",
      meterType: "M",
      meterSerialNumber: "M-SN",
    }),
    {
      vendor: "ACME",
      model: "X1",
      serialNumber: "CP-SN",
      firmwareVersion: "1.2",
      iccid: "8931",
      imsi: "2620",
      meterType: "M",
      meterSerialNumber: "M-SN",
    },
  );
  assert.deepEqual(
    chargerIdentity16({ chargePointVendor: "ACME", chargePointModel: "X1", chargeBoxSerialNumber: "BOX-SN" }),
    { vendor: "ACME", model: "X1", serialNumber: "BOX-SN" },
  );
});
