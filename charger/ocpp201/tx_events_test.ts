import assert from "node:assert/strict";
import { authorized, newTransaction, transactionEvent } from "./tx_events.ts";

const ts = "2025-01-01T00:00:00.000Z";

Deno.test("tx events: seqNo counts from 0; evse in the first event; idToken and remoteStartId once", () => {
  let tx = newTransaction("tx-1", 2, 0, { idToken: { idToken: "T", type: "Central" }, remoteStartId: 7 });
  const events = [];
  let next = transactionEvent(tx, "Started", "RemoteStart", { timestamp: ts, chargingState: "Charging" });
  events.push(next.event);
  tx = next.tx;
  next = transactionEvent(tx, "Updated", "MeterValuePeriodic", { timestamp: ts, chargingState: "Charging" });
  events.push(next.event);
  tx = authorized(next.tx, { idToken: "U", type: "ISO14443" });
  next = transactionEvent(tx, "Ended", "StopAuthorized", {
    timestamp: ts,
    chargingState: "EVConnected",
    stoppedReason: "Local",
    offline: true,
  });
  events.push(next.event);
  assert.deepEqual(events, [
    {
      eventType: "Started",
      timestamp: ts,
      triggerReason: "RemoteStart",
      seqNo: 0,
      transactionInfo: { transactionId: "tx-1", chargingState: "Charging", remoteStartId: 7 },
      idToken: { idToken: "T", type: "Central" },
      evse: { id: 2, connectorId: 1 },
    },
    {
      eventType: "Updated",
      timestamp: ts,
      triggerReason: "MeterValuePeriodic",
      seqNo: 1,
      transactionInfo: { transactionId: "tx-1" },
    },
    {
      eventType: "Ended",
      timestamp: ts,
      triggerReason: "StopAuthorized",
      seqNo: 2,
      offline: true,
      transactionInfo: { transactionId: "tx-1", chargingState: "EVConnected", stoppedReason: "Local" },
      idToken: { idToken: "U", type: "ISO14443" },
    },
  ]);
  assert.equal(next.tx.seqNo, 3);
});

Deno.test("tx events: stoppedReason only in Ended; meter values only when there are some", () => {
  const tx = newTransaction("tx-2", 1, 0);
  const e =
    transactionEvent(tx, "Updated", "Trigger", { timestamp: ts, stoppedReason: "Local", meterValue: [] })
      .event;
  assert.deepEqual(e.transactionInfo, { transactionId: "tx-2" });
  assert.equal(e.meterValue, undefined);
  assert.equal(e.idToken, undefined);
});
