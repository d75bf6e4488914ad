import assert from "node:assert/strict";
import { validatePayload } from "../shared/ocpp/mod.ts";
import { bootNotification, bootRetryMs } from "./link.ts";

Deno.test("link: the BootNotification is schema-valid, its serial number cut to 25 characters", () => {
  const long = bootNotification("X".repeat(48), "Chargewire", "Simulator");
  assert.equal(validatePayload("ocpp1.6", "BootNotification", "request", long), undefined);
  assert.equal(long.chargePointSerialNumber, `SIM-${"X".repeat(21)}`);
  assert.equal(bootNotification("CP-1", "V", "M").chargePointSerialNumber, "SIM-CP-1");
});

Deno.test("link: Pending or Rejected boots are retried after the central system's interval, else ours", () => {
  assert.equal(bootRetryMs(30, 10_000), 30_000);
  assert.equal(bootRetryMs(0, 10_000), 10_000);
});
