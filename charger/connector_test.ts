import assert from "node:assert/strict";
import {
  assignTransactionId,
  canStart,
  changeAvailability,
  type ConnectorState,
  type ConnectorTx,
  initialConnector,
  plugIn,
  rebooted,
  setEvFull,
  setEvseSuspended,
  setFault,
  startTransaction,
  statusOf,
  stopTransaction,
  unplug,
} from "./connector.ts";

const tx: ConnectorTx = { localId: 1, idTag: "TAG", meterStartWh: 100, startedAt: "2025-01-01T00:00:00Z" };

function must(t: { ok: true; state: ConnectorState } | { ok: false; reason: string }): ConnectorState {
  if (!t.ok) throw new Error(t.reason);
  return t.state;
}

Deno.test("connector: a full session walks Available, Preparing, Charging, SuspendedEV, Finishing, Available", () => {
  let c = initialConnector(1);
  const seen = [statusOf(c)];
  c = must(plugIn(c));
  seen.push(statusOf(c));
  c = must(startTransaction(c, tx));
  seen.push(statusOf(c));
  c = setEvFull(c, true);
  seen.push(statusOf(c));
  const stopped = stopTransaction(c, { unplugged: false });
  assert.ok(stopped.ok);
  assert.deepEqual(stopped.tx, tx);
  c = stopped.state;
  seen.push(statusOf(c));
  c = must(unplug(c));
  seen.push(statusOf(c));
  assert.deepEqual(seen, ["Available", "Preparing", "Charging", "SuspendedEV", "Finishing", "Available"]);
});

Deno.test("connector: EV disconnect frees the connector at once", () => {
  const c = must(startTransaction(initialConnector(1), tx));
  const stopped = stopTransaction(c, { unplugged: true });
  assert.ok(stopped.ok);
  assert.equal(statusOf(stopped.state), "Available");
});

Deno.test("connector: SuspendedEVSE when the charger offers nothing", () => {
  const c = setEvseSuspended(must(startTransaction(initialConnector(1), tx)), true);
  assert.equal(statusOf(c), "SuspendedEVSE");
});

Deno.test("connector: no second transaction, no unplug while charging, no stop without a transaction", () => {
  const c = must(startTransaction(initialConnector(1), tx));
  assert.equal(canStart(c), false);
  assert.equal(startTransaction(c, tx).ok, false);
  assert.equal(plugIn(c).ok, false);
  assert.equal(unplug(c).ok, false);
  assert.equal(stopTransaction(initialConnector(1), { unplugged: false }).ok, false);
});

Deno.test("connector: the transaction id arrives later and only for the same transaction", () => {
  const c = must(startTransaction(initialConnector(1), tx));
  assert.equal(assignTransactionId(c, 2, 99).tx!.transactionId, undefined);
  assert.equal(assignTransactionId(c, 1, 99).tx!.transactionId, 99);
});

Deno.test("connector: availability applies at once when idle, is scheduled while in use", () => {
  const idle = changeAvailability(initialConnector(1), false);
  assert.equal(idle.status, "Accepted");
  assert.equal(statusOf(idle.state), "Unavailable");
  assert.equal(canStart(idle.state), false);
  assert.equal(plugIn(idle.state).ok, false);

  const busy = changeAvailability(must(startTransaction(initialConnector(1), tx)), false);
  assert.equal(busy.status, "Scheduled");
  assert.equal(statusOf(busy.state), "Charging");
  const stopped = stopTransaction(busy.state, { unplugged: false });
  assert.ok(stopped.ok);
  assert.equal(statusOf(stopped.state), "Finishing");
  assert.equal(statusOf(must(unplug(stopped.state))), "Unavailable");
});

Deno.test("connector: the charge point's own availability (connector 0) makes idle connectors Unavailable", () => {
  const c = initialConnector(1);
  assert.equal(statusOf(c, false), "Unavailable");
  assert.equal(canStart(c, false), false);
});

Deno.test("connector: a fault shows Faulted and blocks starts until it clears", () => {
  let c = setFault(initialConnector(1), "GroundFailure");
  assert.equal(statusOf(c), "Faulted");
  assert.equal(canStart(c), false);
  c = setFault(c, "NoError");
  assert.equal(statusOf(c), "Available");
});

Deno.test("connector: a reboot clears the session but keeps availability", () => {
  const c = changeAvailability(must(startTransaction(initialConnector(1), tx)), false).state;
  const r = rebooted(c);
  assert.equal(r.tx, undefined);
  assert.equal(statusOf(r), "Unavailable");
});
