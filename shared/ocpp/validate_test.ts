import assert from "node:assert/strict";
import {
  type ActionMap,
  CENTRAL_SYSTEM_ACTIONS_16,
  type CentralSystemActions16,
  CHARGE_POINT_ACTIONS_16,
  type ChargePointActions16,
} from "./actions16.ts";
import { type Direction, isKnownAction, validatePayload } from "./validate.ts";

const NOW = "2025-03-01T12:00:00.000Z";

/** One minimal valid request and response per action: required fields only, typed by the action map. */
type Samples<M extends ActionMap> = { [A in keyof M]: { request: M[A][0]; response: M[A][1] } };

const idTagInfo = { status: "Accepted" } as const;
const chargingProfile: CentralSystemActions16["SetChargingProfile"][0]["csChargingProfiles"] = {
  chargingProfileId: 1,
  stackLevel: 0,
  chargingProfilePurpose: "TxDefaultProfile",
  chargingProfileKind: "Absolute",
  chargingSchedule: { chargingRateUnit: "A", chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }] },
};

const CHARGE_POINT_SAMPLES: Samples<ChargePointActions16> = {
  Authorize: { request: { idTag: "TAG-1" }, response: { idTagInfo } },
  BootNotification: {
    request: { chargePointVendor: "Chargewire", chargePointModel: "Sim-1" },
    response: { status: "Accepted", currentTime: NOW, interval: 300 },
  },
  DataTransfer: { request: { vendorId: "org.chargewire" }, response: { status: "Accepted" } },
  DiagnosticsStatusNotification: { request: { status: "Idle" }, response: {} },
  FirmwareStatusNotification: { request: { status: "Installed" }, response: {} },
  Heartbeat: { request: {}, response: { currentTime: NOW } },
  MeterValues: {
    request: { connectorId: 1, meterValue: [{ timestamp: NOW, sampledValue: [{ value: "1200" }] }] },
    response: {},
  },
  StartTransaction: {
    request: { connectorId: 1, idTag: "TAG-1", meterStart: 0, timestamp: NOW },
    response: { idTagInfo, transactionId: 7 },
  },
  StatusNotification: {
    request: { connectorId: 1, errorCode: "NoError", status: "Available" },
    response: {},
  },
  StopTransaction: { request: { meterStop: 1200, timestamp: NOW, transactionId: 7 }, response: {} },
  LogStatusNotification: { request: { status: "Idle" }, response: {} },
  SecurityEventNotification: { request: { type: "StartupOfTheDevice", timestamp: NOW }, response: {} },
  SignCertificate: {
    request: { csr: "-----BEGIN CERTIFICATE REQUEST-----" },
    response: { status: "Accepted" },
  },
  SignedFirmwareStatusNotification: { request: { status: "Downloading" }, response: {} },
};

const CENTRAL_SYSTEM_SAMPLES: Samples<CentralSystemActions16> = {
  CancelReservation: { request: { reservationId: 3 }, response: { status: "Accepted" } },
  ChangeAvailability: { request: { connectorId: 0, type: "Inoperative" }, response: { status: "Scheduled" } },
  ChangeConfiguration: {
    request: { key: "HeartbeatInterval", value: "60" },
    response: { status: "RebootRequired" },
  },
  ClearCache: { request: {}, response: { status: "Accepted" } },
  ClearChargingProfile: { request: {}, response: { status: "Unknown" } },
  DataTransfer: { request: { vendorId: "org.chargewire" }, response: { status: "UnknownMessageId" } },
  GetCompositeSchedule: { request: { connectorId: 1, duration: 3600 }, response: { status: "Rejected" } },
  GetConfiguration: { request: {}, response: {} },
  GetDiagnostics: { request: { location: "ftp://diag.example.com/upload" }, response: {} },
  GetLocalListVersion: { request: {}, response: { listVersion: 0 } },
  RemoteStartTransaction: { request: { idTag: "TAG-1" }, response: { status: "Accepted" } },
  RemoteStopTransaction: { request: { transactionId: 7 }, response: { status: "Rejected" } },
  ReserveNow: {
    request: { connectorId: 1, expiryDate: NOW, idTag: "TAG-1", reservationId: 3 },
    response: { status: "Occupied" },
  },
  Reset: { request: { type: "Soft" }, response: { status: "Accepted" } },
  SendLocalList: { request: { listVersion: 2, updateType: "Full" }, response: { status: "Accepted" } },
  SetChargingProfile: {
    request: { connectorId: 1, csChargingProfiles: chargingProfile },
    response: { status: "Accepted" },
  },
  TriggerMessage: { request: { requestedMessage: "Heartbeat" }, response: { status: "Accepted" } },
  UnlockConnector: { request: { connectorId: 1 }, response: { status: "Unlocked" } },
  UpdateFirmware: {
    request: { location: "https://fw.example.com/1.2.bin", retrieveDate: NOW },
    response: {},
  },
  CertificateSigned: {
    request: { certificateChain: "-----BEGIN CERTIFICATE-----" },
    response: { status: "Accepted" },
  },
  DeleteCertificate: {
    request: {
      certificateHashData: {
        hashAlgorithm: "SHA256",
        issuerNameHash: "ab",
        issuerKeyHash: "cd",
        serialNumber: "01",
      },
    },
    response: { status: "NotFound" },
  },
  ExtendedTriggerMessage: {
    request: { requestedMessage: "StatusNotification" },
    response: { status: "Accepted" },
  },
  GetInstalledCertificateIds: {
    request: { certificateType: "CentralSystemRootCertificate" },
    response: { status: "NotFound" },
  },
  GetLog: {
    request: { log: { remoteLocation: "https://logs.example.com/" }, logType: "SecurityLog", requestId: 4 },
    response: { status: "Accepted" },
  },
  InstallCertificate: {
    request: { certificateType: "ManufacturerRootCertificate", certificate: "-----BEGIN CERTIFICATE-----" },
    response: { status: "Accepted" },
  },
  SignedUpdateFirmware: {
    request: {
      requestId: 5,
      firmware: {
        location: "https://fw.example.com/1.3.bin",
        retrieveDateTime: NOW,
        signingCertificate: "-----BEGIN CERTIFICATE-----",
        signature: "c2ln",
      },
    },
    response: { status: "Accepted" },
  },
};

function check(action: string, dir: Direction, payload: unknown) {
  return validatePayload("ocpp1.6", action, dir, payload);
}

function expectCode(action: string, dir: Direction, payload: unknown, code: string, why: string): void {
  const bad = check(action, dir, payload);
  assert.ok(bad, `${action} ${dir} ${why}: expected ${code}, got acceptance`);
  assert.equal(bad.code, code, `${action} ${dir} ${why}: ${bad.description}`);
  assert.ok(bad.description.length > 0);
}

function testEveryAction(
  side: string,
  actions: readonly string[],
  samples: Record<string, Record<Direction, object>>,
) {
  Deno.test(`validate: the ${side} samples cover exactly its actions`, () => {
    assert.deepEqual(Object.keys(samples).sort(), [...actions].sort());
  });
  for (const action of actions) {
    Deno.test(`validate: ${side} ${action} accepts a valid payload and rejects broken ones both ways`, () => {
      assert.equal(isKnownAction("ocpp1.6", action), true);
      for (const dir of ["request", "response"] as const) {
        const valid = samples[action][dir] as Record<string, unknown>;
        assert.equal(check(action, dir, valid), undefined, `${action} ${dir} should be valid`);
        for (const notObject of [[], "x", 1, null, true]) {
          expectCode(action, dir, notObject, "TypeConstraintViolation", `as ${JSON.stringify(notObject)}`);
        }
        expectCode(
          action,
          dir,
          { ...valid, chargewireExtra: 1 },
          "FormatViolation",
          "with an unknown property",
        );
        // The samples hold required fields only, so each one is missed when it goes.
        for (const key of Object.keys(valid)) {
          const { [key]: _gone, ...rest } = valid;
          expectCode(action, dir, rest, "OccurrenceConstraintViolation", `without ${key}`);
        }
      }
      // Requests and responses are checked against their own schema, not the other direction's.
      const { request, response } = samples[action];
      if (JSON.stringify(request) !== JSON.stringify(response)) {
        assert.ok(
          check(action, "request", response) || check(action, "response", request),
          `${action}: request and response schemas look swapped`,
        );
      }
    });
  }
}

testEveryAction("charge point", CHARGE_POINT_ACTIONS_16, CHARGE_POINT_SAMPLES);
testEveryAction("central system", CENTRAL_SYSTEM_ACTIONS_16, CENTRAL_SYSTEM_SAMPLES);

Deno.test("validate: a missing required field is OccurrenceConstraintViolation, nested ones too", () => {
  expectCode(
    "BootNotification",
    "request",
    { chargePointVendor: "V" },
    "OccurrenceConstraintViolation",
    "no model",
  );
  expectCode(
    "MeterValues",
    "request",
    { connectorId: 1, meterValue: [{ timestamp: NOW, sampledValue: [{ unit: "Wh" }] }] },
    "OccurrenceConstraintViolation",
    "sampledValue without value",
  );
  expectCode(
    "Authorize",
    "response",
    { idTagInfo: {} },
    "OccurrenceConstraintViolation",
    "idTagInfo without status",
  );
  const bad = check("StartTransaction", "request", { connectorId: 1, meterStart: 0, timestamp: NOW });
  assert.match(bad!.description, /idTag/);
});

Deno.test("validate: too few items is OccurrenceConstraintViolation", () => {
  expectCode(
    "GetInstalledCertificateIds",
    "response",
    { status: "Accepted", certificateHashData: [] },
    "OccurrenceConstraintViolation",
    "empty certificateHashData",
  );
});

Deno.test("validate: a wrong JSON type is TypeConstraintViolation", () => {
  expectCode(
    "StatusNotification",
    "request",
    {
      connectorId: "1",
      errorCode: "NoError",
      status: "Available",
    },
    "TypeConstraintViolation",
    "connectorId as string",
  );
  expectCode(
    "StartTransaction",
    "request",
    { connectorId: 1, idTag: "T", meterStart: 1.5, timestamp: NOW },
    "TypeConstraintViolation",
    "meterStart not an integer",
  );
  expectCode("Authorize", "request", { idTag: 42 }, "TypeConstraintViolation", "idTag as number");
  expectCode(
    "MeterValues",
    "request",
    { connectorId: 1, meterValue: {} },
    "TypeConstraintViolation",
    "object as array",
  );
  const bad = check("Authorize", "request", { idTag: 42 });
  assert.match(bad!.description, /\/idTag/);
});

Deno.test("validate: a bad enum value, format or length is PropertyConstraintViolation", () => {
  expectCode("Reset", "request", { type: "Medium" }, "PropertyConstraintViolation", "unknown reset type");
  const enumBad = check("Reset", "request", { type: "Medium" });
  assert.match(enumBad!.description, /Hard, Soft/);
  expectCode(
    "Heartbeat",
    "response",
    { currentTime: "yesterday" },
    "PropertyConstraintViolation",
    "bad date-time",
  );
  expectCode(
    "StopTransaction",
    "request",
    { meterStop: 1, timestamp: "2025-13-45T99:00:00Z", transactionId: 1 },
    "PropertyConstraintViolation",
    "impossible date-time",
  );
  expectCode(
    "GetDiagnostics",
    "request",
    { location: "not a uri" },
    "PropertyConstraintViolation",
    "bad uri",
  );
  expectCode("Authorize", "request", { idTag: "x".repeat(21) }, "PropertyConstraintViolation", "idTag of 21");
  assert.equal(check("Authorize", "request", { idTag: "x".repeat(20) }), undefined);
  expectCode(
    "BootNotification",
    "request",
    { chargePointVendor: "V".repeat(51), chargePointModel: "M" },
    "PropertyConstraintViolation",
    "vendor of 51",
  );
});

Deno.test("validate: an unknown property is FormatViolation, naming the property", () => {
  expectCode("Heartbeat", "request", { beat: 1 }, "FormatViolation", "unknown property");
  const bad = check("Authorize", "request", { idTag: "T", pin: "1234" });
  assert.equal(bad!.code, "FormatViolation");
  assert.match(bad!.description, /pin/);
  // The security extension's schemas close their nested objects as well.
  const del = CENTRAL_SYSTEM_SAMPLES.DeleteCertificate.request;
  expectCode(
    "DeleteCertificate",
    "request",
    { certificateHashData: { ...del.certificateHashData, colour: "green" } },
    "FormatViolation",
    "nested unknown property",
  );
});

Deno.test("validate: an action the version does not define is NotImplemented", () => {
  for (
    const action of [
      "FooBar",
      "",
      "heartbeat",
      "constructor",
      "toString",
      "__proto__",
      "SignFirmwareStatusNotification",
    ]
  ) {
    assert.equal(isKnownAction("ocpp1.6", action), false, action);
    assert.equal(check(action, "request", {})?.code, "NotImplemented", action);
    assert.equal(check(action, "response", {})?.code, "NotImplemented", action);
  }
  // 2.0.1-only actions are unknown to 1.6 and the other way round.
  assert.equal(isKnownAction("ocpp1.6", "TransactionEvent"), false);
  assert.equal(isKnownAction("ocpp2.0.1", "TransactionEvent"), true);
  assert.equal(isKnownAction("ocpp2.0.1", "StartTransaction"), false);
});

Deno.test("validate: 2.0.1 payloads are checked against the 2.0.1 schemas", () => {
  const boot = { reason: "PowerUp", chargingStation: { model: "Sim-1", vendorName: "Chargewire" } };
  assert.equal(validatePayload("ocpp2.0.1", "BootNotification", "request", boot), undefined);
  assert.equal(
    validatePayload("ocpp2.0.1", "BootNotification", "request", { reason: "PowerUp" })?.code,
    "OccurrenceConstraintViolation",
  );
  assert.equal(
    validatePayload("ocpp2.0.1", "BootNotification", "request", { ...boot, reason: "Bored" })?.code,
    "PropertyConstraintViolation",
  );
  // The 1.6 shape is not a 2.0.1 BootNotification.
  assert.ok(
    validatePayload(
      "ocpp2.0.1",
      "BootNotification",
      "request",
      CHARGE_POINT_SAMPLES.BootNotification.request,
    ),
  );
});

Deno.test("validate: the same payload gets the same verdict every time (validators are reused)", () => {
  for (let i = 0; i < 3; i++) {
    assert.equal(check("Authorize", "request", { idTag: "T" }), undefined);
    assert.equal(check("Authorize", "request", {})?.code, "OccurrenceConstraintViolation");
  }
});

Deno.test("validate: decimal limits are multiples of 0.1 despite float division, others are not", () => {
  const schedule = (limit: number) => ({
    status: "Accepted",
    chargingSchedule: { chargingRateUnit: "A", chargingSchedulePeriod: [{ startPeriod: 0, limit }] },
  });
  for (const limit of [6.3, 0.3, 3.7, 16, 12.9]) {
    assert.equal(validatePayload("ocpp1.6", "GetCompositeSchedule", "response", schedule(limit)), undefined);
  }
  assert.equal(
    validatePayload("ocpp1.6", "GetCompositeSchedule", "response", schedule(6.35))?.code,
    "PropertyConstraintViolation",
  );
});
