import assert from "node:assert/strict";
import {
  type ConnectorReservation,
  initialConnector,
  plugIn,
  setFault,
  setReservation,
} from "./connector.ts";
import {
  holdsReservation,
  mayStart,
  reserveChargerStatus,
  reserveConnectorStatus,
} from "./reservation_rules.ts";

const r = (reservationId: number, idTag: string, parentIdTag?: string): ConnectorReservation => ({
  reservationId,
  idTag,
  ...(parentIdTag && { parentIdTag }),
  expiresAt: 1_000,
});

Deno.test("ReserveNow on a connector: Faulted, Unavailable, Occupied per its state; the same id replaces", () => {
  const free = initialConnector(1);
  assert.equal(reserveConnectorStatus(free, true, 7), "Accepted");
  assert.equal(reserveConnectorStatus(setFault(free, "GroundFailure"), true, 7), "Faulted");
  assert.equal(reserveConnectorStatus(initialConnector(1, false), true, 7), "Unavailable");
  assert.equal(reserveConnectorStatus(free, false, 7), "Unavailable");
  const plugged = plugIn(free);
  assert.ok(plugged.ok);
  assert.equal(reserveConnectorStatus(plugged.state, true, 7), "Occupied");
  const held = setReservation(free, r(7, "A"));
  assert.equal(reserveConnectorStatus(held, true, 8), "Occupied");
  assert.equal(reserveConnectorStatus(held, true, 7), "Accepted");
});

Deno.test("ReserveNow on connector 0 follows ReserveConnectorZeroSupported and needs a free connector", () => {
  const two = [initialConnector(1), initialConnector(2)];
  assert.equal(reserveChargerStatus(two, true, false, undefined, 1), "Rejected");
  assert.equal(reserveChargerStatus(two, true, true, undefined, 1), "Accepted");
  assert.equal(reserveChargerStatus(two, false, true, undefined, 1), "Unavailable");
  assert.equal(reserveChargerStatus(two, true, true, r(2, "B"), 1), "Occupied");
  const faulted = two.map((c) => setFault(c, "GroundFailure"));
  assert.equal(reserveChargerStatus(faulted, true, true, undefined, 1), "Faulted");
  const taken = two.map((c) => setReservation(c, r(c.id + 10, "X")));
  assert.equal(reserveChargerStatus(taken, true, true, undefined, 1), "Occupied");
});

Deno.test("only the reserved idTag, or one with its parentIdTag, starts on a reserved connector", () => {
  const res = r(3, "Tag-A", "Fleet");
  assert.equal(holdsReservation(res, "tag-a", undefined), true, "idTags are case-insensitive");
  assert.equal(holdsReservation(res, "Tag-B", "Fleet"), true);
  assert.equal(holdsReservation(res, "Tag-B", "Other"), false);
  assert.equal(holdsReservation(r(3, "Tag-A"), "Tag-B", undefined), false);
  const c = setReservation(initialConnector(1), res);
  assert.deepEqual(mayStart(c, [c], true, undefined, "Tag-A", undefined), { ok: true, reservationId: 3 });
  assert.equal(mayStart(c, [c], true, undefined, "Tag-B", undefined).ok, false);
});

Deno.test("a reservation of connector 0 keeps the last free connector for its idTag", () => {
  const cs = [initialConnector(1), initialConnector(2)];
  const zero = r(9, "Holder");
  assert.deepEqual(mayStart(cs[0], cs, true, zero, "Other", undefined), { ok: true });
  const plugged = plugIn(cs[1]);
  assert.ok(plugged.ok);
  const busy = [cs[0], plugged.state];
  assert.equal(mayStart(busy[0], busy, true, zero, "Other", undefined).ok, false);
  assert.deepEqual(mayStart(busy[0], busy, true, zero, "Holder", undefined), { ok: true, reservationId: 9 });
});
