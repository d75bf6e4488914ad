import assert from "node:assert/strict";
import {
  initialConnector,
  plugIn,
  setEvFull,
  setFault,
  startTransaction,
  stopTransaction,
} from "../connector.ts";
import { chargingStateOf, connectorStatus201 } from "./evse_status.ts";

Deno.test("evse status: Occupied whenever a cable is in, with the charging state following the car", () => {
  const idle = initialConnector(1);
  assert.equal(connectorStatus201(idle), "Available");
  assert.equal(connectorStatus201(idle, false), "Unavailable");
  assert.equal(chargingStateOf(idle), "Idle");
  const plugged = plugIn(idle);
  assert.ok(plugged.ok);
  assert.equal(connectorStatus201(plugged.state), "Occupied");
  assert.equal(chargingStateOf(plugged.state), "EVConnected");
  const charging = startTransaction(plugged.state, {
    localId: 1,
    idTag: "T",
    meterStartWh: 0,
    startedAt: new Date(0).toISOString(),
  });
  assert.ok(charging.ok);
  assert.equal(chargingStateOf(charging.state), "Charging");
  assert.equal(chargingStateOf(setEvFull(charging.state, true)), "SuspendedEV");
  const stopped = stopTransaction(charging.state, { unplugged: false });
  assert.ok(stopped.ok);
  assert.equal(connectorStatus201(stopped.state), "Occupied");
  assert.equal(chargingStateOf(stopped.state), "EVConnected");
  assert.equal(connectorStatus201(setFault(idle, "GroundFailure")), "Faulted");
});
