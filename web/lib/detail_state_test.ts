import assert from "node:assert/strict";
import type { BusEvent, OcppFrameEvent } from "../../shared/events.ts";
import type { EventLogEntry } from "../../shared/queries.ts";
import { applyDetailEvent, DETAIL_LIMITS, fromSnapshot, statusLogFromEvents } from "./detail_state.ts";
import type { ChargerSnapshot } from "./protocol.ts";

const at = "2024-05-01T10:00:00.000Z";

function frame(i: number, extra: Partial<OcppFrameEvent> = {}): OcppFrameEvent {
  return {
    type: "ocpp.frame",
    chargerId: "A",
    at,
    direction: "in",
    messageType: 2,
    messageId: `m${i}`,
    action: "Heartbeat",
    text: `[2,"m${i}","Heartbeat",{}]`,
    ...extra,
  };
}

function snapshot(partial: Partial<ChargerSnapshot> = {}): ChargerSnapshot {
  return {
    at,
    chargerId: "A",
    charger: null,
    frames: [],
    statusLog: [],
    meter: [],
    transactions: [],
    ...partial,
  };
}

Deno.test("detail: status history is read from the event log's connector.status entries", () => {
  const earlier = "2024-05-01T09:00:00.000Z";
  // Newest first, as the event log is read; other types and unreadable entries add nothing.
  const log: EventLogEntry[] = [
    {
      id: 4,
      at,
      chargerId: "A",
      type: "connector.status",
      data: {
        evseId: 1,
        connectorId: 1,
        status: "Occupied",
        chargingState: "Charging",
        original: "Charging",
      },
    },
    { id: 3, at: earlier, chargerId: "A", type: "charger.boot", data: { vendor: "Acme", model: "X" } },
    { id: 2, at: earlier, chargerId: "A", type: "connector.status", data: { connectorId: 1 } },
    {
      id: 1,
      at: earlier,
      chargerId: "A",
      type: "connector.status",
      data: { evseId: 0, connectorId: 0, status: "Faulted", errorCode: "GroundFailure", original: "Faulted" },
    },
  ];
  const statusLog = statusLogFromEvents(log);
  assert.deepEqual(statusLog, [
    {
      at: earlier,
      evseId: 0,
      connectorId: 0,
      status: "Faulted",
      original: "Faulted",
      errorCode: "GroundFailure",
    },
    { at, evseId: 1, connectorId: 1, status: "Charging", original: "Charging" },
  ]);
  assert.deepEqual(fromSnapshot(snapshot({ statusLog })).statusLog, statusLog);
  // Frames are the log's, not the status history's source.
  const { type: _, ...f } = frame(1, {
    action: "StatusNotification",
    text: '[2,"m1","StatusNotification",{"connectorId":1,"status":"Charging","errorCode":"NoError"}]',
  });
  assert.deepEqual(fromSnapshot(snapshot({ frames: [f] })).statusLog, []);
});

Deno.test("detail: a live status event joins the log with the charger's own word", () => {
  const state = applyDetailEvent(fromSnapshot(snapshot()), {
    type: "connector.status",
    chargerId: "A",
    at,
    evseId: 2,
    connectorId: 1,
    status: "Occupied",
    chargingState: "EVConnected",
    original: "Finishing",
  });
  assert.deepEqual(state.statusLog, [{
    at,
    evseId: 2,
    connectorId: 1,
    status: "Occupied",
    original: "Finishing",
  }]);
  assert.equal(state.charger?.connectors[0].original, "Finishing");
});

Deno.test("detail: the log is bounded, and a frame the snapshot has is not added twice", () => {
  let state = fromSnapshot(snapshot());
  for (let i = 0; i < DETAIL_LIMITS.frames + 20; i++) state = applyDetailEvent(state, frame(i));
  assert.equal(state.frames.length, DETAIL_LIMITS.frames);
  assert.equal(state.frames.at(-1)!.messageId, `m${DETAIL_LIMITS.frames + 19}`);
  const again = applyDetailEvent(state, frame(DETAIL_LIMITS.frames + 19));
  assert.equal(again.frames.length, DETAIL_LIMITS.frames);
  assert.equal(again.frames, state.frames);
});

Deno.test("detail: a session starts a fresh curve, meter values extend it, the stop lands in history", () => {
  let state = fromSnapshot(snapshot({
    meter: [{ timestamp: "2024-05-01T09:00:00.000Z", socPercent: 90, evseId: 1 }],
  }));
  const events: BusEvent[] = [
    {
      type: "transaction.started",
      chargerId: "A",
      at,
      transactionId: 5,
      chargerTransactionId: "5",
      evseId: 1,
      connectorId: 1,
      idTag: "T",
      meterStartWh: 100,
      startedAt: at,
    },
    {
      type: "meter.values",
      chargerId: "A",
      at,
      evseId: 1,
      transactionId: 5,
      samples: [{ timestamp: "2024-05-01T10:00:01.000Z", socPercent: 20, energyWh: 150, powerW: 11000 }],
    },
    {
      type: "meter.values",
      chargerId: "A",
      at,
      evseId: 1,
      transactionId: 5,
      samples: [{ timestamp: "2024-05-01T10:00:02.000Z", socPercent: 20.1, energyWh: 160, powerW: 11000 }],
    },
  ];
  for (const e of events) state = applyDetailEvent(state, e);
  assert.deepEqual(state.meter.map((p) => p.socPercent), [20, 20.1]);
  assert.equal(state.charger!.activeTransactions[0].energyWh, 60);
  assert.equal(state.transactions[0].energyWh, 60);
  // The same sample again (replayed after a snapshot) is not doubled.
  state = applyDetailEvent(state, events[2]);
  assert.equal(state.meter.length, 2);
  state = applyDetailEvent(state, {
    type: "transaction.stopped",
    chargerId: "A",
    at,
    transactionId: 5,
    chargerTransactionId: "5",
    evseId: 1,
    connectorId: 1,
    meterStopWh: 300,
    energyWh: 200,
    reason: "Remote",
    stoppedAt: at,
  });
  assert.deepEqual(state.charger!.activeTransactions, []);
  assert.equal(state.transactions[0].stoppedAt, at);
  assert.equal(state.transactions[0].energyWh, 200);
  assert.equal(state.transactions[0].stopReason, "Remote");
});

Deno.test("detail: a refused connection is in the status log, and a charger never seen stays unseen", () => {
  const state = fromSnapshot(snapshot());
  const refused: BusEvent = {
    type: "charger.refused",
    chargerId: "A",
    at,
    remoteAddress: "192.0.2.1",
    reason: "bad-credentials",
    status: 401,
  };
  const next = applyDetailEvent(state, refused);
  assert.equal(next.charger, null);
  assert.deepEqual(next.statusLog, [
    { at, status: "Refused", info: "wrong AuthorizationKey or user name (401)" },
  ]);
  assert.equal(applyDetailEvent(state, { ...refused, chargerId: "B" }), state);
});

Deno.test("detail: another charger's events are ignored", () => {
  const state = fromSnapshot(snapshot());
  assert.equal(applyDetailEvent(state, { ...frame(1), chargerId: "B" }), state);
});

Deno.test("detail: a stale mark lasts until a sign of life; a close by hand is folded with who and why", () => {
  const tx = {
    id: 9,
    chargerTransactionId: "9",
    chargerId: "A",
    evseId: 1,
    connectorId: 1,
    idTag: "T",
    meterStartWh: 0,
    startedAt: at,
    energyWh: 0,
    stale: { cause: "ChargerOffline" as const, since: at },
  };
  const other = { ...tx, id: 10, chargerTransactionId: "10", evseId: 2 };
  let state = fromSnapshot(snapshot({
    charger: { id: "A", online: false, connectors: [], activeTransactions: [tx, other] },
    transactions: [other, tx],
  }));
  state = applyDetailEvent(state, {
    type: "connector.status",
    chargerId: "A",
    at,
    evseId: 2,
    connectorId: 1,
    status: "Occupied",
    chargingState: "Charging",
    original: "Charging",
  });
  assert.deepEqual(state.charger!.activeTransactions.map((t) => t.stale?.cause), [
    "ChargerOffline",
    undefined,
  ]);
  assert.deepEqual(state.transactions.map((t) => t.stale?.cause), [undefined, "ChargerOffline"]);

  state = applyDetailEvent(state, {
    type: "transaction.stopped",
    chargerId: "A",
    at,
    transactionId: 9,
    chargerTransactionId: "9",
    evseId: 1,
    connectorId: 1,
    meterStopWh: 0,
    energyWh: 0,
    reason: "ClosedByOperator",
    stoppedAt: at,
    closedBy: "olga",
    closeReason: "dead",
  });
  const closed = state.transactions.find((t) => t.id === 9)!;
  assert.deepEqual(
    [closed.stopReason, closed.closedBy, closed.closeReason, closed.stale],
    ["ClosedByOperator", "olga", "dead", undefined],
  );

  const back = { ...other, stale: { cause: "ChargerOffline" as const, since: at } };
  state = fromSnapshot(snapshot({
    charger: { id: "A", online: false, connectors: [], activeTransactions: [back] },
    transactions: [back],
  }));
  state = applyDetailEvent(state, {
    type: "charger.connected",
    chargerId: "A",
    at,
    protocol: "ocpp1.6",
    node: "n1",
  });
  assert.deepEqual(state.charger!.activeTransactions.map((t) => t.stale), [undefined]);
  assert.deepEqual(state.transactions.map((t) => t.stale), [undefined]);
});
