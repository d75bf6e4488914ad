import assert from "node:assert/strict";
import type { ChargePointStatus16 } from "../../shared/ocpp/actions16.ts";
import { CONNECTOR_STATUSES } from "../../shared/domain.ts";
import { statusReport16 } from "./status.ts";

Deno.test("1.6 status: every status maps into the neutral set, the original kept", () => {
  const all: ChargePointStatus16[] = [
    "Available",
    "Preparing",
    "Charging",
    "SuspendedEVSE",
    "SuspendedEV",
    "Finishing",
    "Reserved",
    "Unavailable",
    "Faulted",
  ];
  for (const status of all) {
    const r = statusReport16({ connectorId: 2, status, errorCode: "NoError" });
    assert.ok(CONNECTOR_STATUSES.includes(r.status), status);
    assert.equal(r.original, status);
    assert.equal(r.evseId, 2);
    assert.equal(r.connectorId, 1);
    assert.equal(r.errorCode, undefined);
  }
  assert.deepEqual(statusReport16({ connectorId: 1, status: "Charging", errorCode: "NoError" }), {
    evseId: 1,
    connectorId: 1,
    status: "Occupied",
    chargingState: "Charging",
    original: "Charging",
  });
  assert.equal(
    statusReport16({ connectorId: 1, status: "Finishing", errorCode: "NoError" }).chargingState,
    "EVConnected",
  );
  assert.equal(
    statusReport16({ connectorId: 1, status: "Available", errorCode: "NoError" }).chargingState,
    undefined,
  );
});

Deno.test("1.6 status: connector 0 is the charger as a whole; faults and info are kept", () => {
  const r = statusReport16({
    connectorId: 0,
    status: "Faulted",
    errorCode: "GroundFailure",
    info: "RCD tripped",
    vendorErrorCode: "E42",
  });
  assert.deepEqual(r, {
    evseId: 0,
    connectorId: 0,
    status: "Faulted",
    errorCode: "GroundFailure",
    info: "RCD tripped · E42",
    original: "Faulted",
  });
});
