import assert from "node:assert/strict";
import { plugIn, startTransaction } from "./connector.ts";
import { Station } from "./station.ts";

const tx = { localId: 1, idTag: "TAG", meterStartWh: 0, startedAt: "2025-01-01T00:00:00Z" };

Deno.test("station: get names connectors 1..n only", () => {
  const s = new Station(2, () => {});
  assert.equal(s.get(1)?.id, 1);
  assert.equal(s.get(2)?.id, 2);
  for (const bad of [0, 3, -1, 1.5, NaN]) assert.equal(s.get(bad), undefined, String(bad));
});

Deno.test("station: set tells the listener, put does not", () => {
  let changes = 0;
  const s = new Station(1, () => changes++);
  const t = plugIn(s.get(1)!);
  assert.ok(t.ok);
  s.put(t.state);
  assert.equal(changes, 0);
  assert.equal(s.statusOf(1), "Preparing");
  s.set(t.state);
  assert.equal(changes, 1);
});

Deno.test("station: ChangeAvailability on connector 0 covers the charge point and every idle connector", () => {
  let changes = 0;
  const s = new Station(2, () => changes++);
  assert.equal(s.changeAvailability(0, false), "Accepted");
  assert.equal(changes, 1);
  assert.deepEqual([0, 1, 2].map((id) => s.statusOf(id)), ["Unavailable", "Unavailable", "Unavailable"]);
  assert.equal(s.canStart(s.get(1)!), false);
  assert.equal(s.changeAvailability(0, true), "Accepted");
  assert.deepEqual([0, 1, 2].map((id) => s.statusOf(id)), ["Available", "Available", "Available"]);
});

Deno.test("station: a charging connector's change is Scheduled and applies after the reboot", () => {
  const s = new Station(2, () => {});
  const t = startTransaction(s.get(2)!, tx);
  assert.ok(t.ok);
  s.set(t.state);
  assert.equal(s.changeAvailability(2, false), "Scheduled");
  assert.equal(s.statusOf(2), "Charging");
  assert.equal(s.changeAvailability(3, false), "Rejected");
  assert.equal(s.changeAvailability(-1, false), "Rejected");
  s.reboot();
  assert.equal(s.statusOf(1), "Available");
  assert.equal(s.statusOf(2), "Unavailable");
  assert.equal(s.get(2)!.tx, undefined);
});
