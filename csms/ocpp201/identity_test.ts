import assert from "node:assert/strict";
import { chargerIdentity201 } from "./identity.ts";

Deno.test("2.0.1 identity: the charging station's fields, the modem's iccid and imsi", () => {
  assert.deepEqual(
    chargerIdentity201({
      reason: "PowerUp",
      chargingStation: {
        vendorName: "ACME",
        model: "X2",
        serialNumber: "SN-1",
        firmwareVersion: "2.0",
        modem: { iccid: "8931", imsi: "2620" },
      },
    }),
    {
      vendor: "ACME",
      model: "X2",
      serialNumber: "SN-1",
      firmwareVersion: "2.0",
      iccid: "8931",
      imsi: "2620",
    },
  );
  assert.deepEqual(
    chargerIdentity201({
      reason: "Unknown",
      chargingStation: { vendorName: "ACME", model: "X2", modem: {} },
    }),
    { vendor: "ACME", model: "X2" },
  );
});
