import assert from "node:assert/strict";
import type { TransactionRecord } from "../../shared/domain.ts";
import { validatePayload } from "../../shared/ocpp/validate.ts";
import { startCommand, stopCommand } from "./session_commands.ts";

const tx: TransactionRecord = {
  id: 12,
  chargerTransactionId: "c0ffee-7",
  chargerId: "CP-1",
  evseId: 2,
  connectorId: 1,
  idTag: "TAG",
  meterStartWh: 0,
  startedAt: "2024-01-01T00:00:00.000Z",
  energyWh: 0,
};

Deno.test("session commands: OCPP 1.6 remote start and stop, as before", () => {
  const start = startCommand("ocpp1.6", 2, "TAG-1");
  assert.deepEqual(start, { action: "RemoteStartTransaction", payload: { connectorId: 2, idTag: "TAG-1" } });
  const stop = stopCommand("ocpp1.6", { ...tx, chargerTransactionId: "12" });
  assert.deepEqual(stop, { action: "RemoteStopTransaction", payload: { transactionId: 12 } });
  for (const c of [start, stop]) {
    assert.equal(validatePayload("ocpp1.6", c.action, "request", c.payload), undefined);
  }
  // A charger that never said its protocol is taken for 1.6.
  assert.deepEqual(startCommand(undefined, 1, "T"), startCommand("ocpp1.6", 1, "T"));
});

Deno.test("session commands: OCPP 2.0.1 request start (Central token) and stop by the charger's id", () => {
  const start = startCommand("ocpp2.0.1", 2, "OPERATOR");
  assert.deepEqual(start, {
    action: "RequestStartTransaction",
    payload: { evseId: 2, idToken: { idToken: "OPERATOR", type: "Central" } },
  });
  const stop = stopCommand("ocpp2.0.1", tx);
  assert.deepEqual(stop, { action: "RequestStopTransaction", payload: { transactionId: "c0ffee-7" } });
  // Valid once the CSMS has added the remoteStartId it assigns.
  assert.equal(
    validatePayload("ocpp2.0.1", start.action, "request", { ...start.payload, remoteStartId: 1 }),
    undefined,
  );
  assert.equal(validatePayload("ocpp2.0.1", stop.action, "request", stop.payload), undefined);
});
