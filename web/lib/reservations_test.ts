import assert from "node:assert/strict";
import type { BusEvent } from "../../shared/events.ts";
import {
  reservationHolder,
  reservationPlace,
  reservationsMayHaveChanged,
  reservationTone,
} from "./reservations.ts";

Deno.test("reservations re-read after their commands' answers, a start and a status change, not otherwise", () => {
  const answered = (action: string) =>
    ({
      type: "command.answered",
      chargerId: "CP",
      at: "",
      commandId: "1",
      action,
      result: { ok: true, response: {} },
    }) as BusEvent;
  assert.equal(reservationsMayHaveChanged(answered("ReserveNow")), true);
  assert.equal(reservationsMayHaveChanged(answered("CancelReservation")), true);
  assert.equal(reservationsMayHaveChanged(answered("SendLocalList")), true);
  assert.equal(reservationsMayHaveChanged(answered("Reset")), false);
  assert.equal(
    reservationsMayHaveChanged({ type: "charger.heartbeat", chargerId: "CP", at: "" } as BusEvent),
    false,
  );
  assert.equal(reservationsMayHaveChanged({ type: "connector.status" } as BusEvent), true);
});

Deno.test("a reservation reads as where, who and how it stands", () => {
  assert.equal(reservationPlace({ connectorId: 0 }), "any connector");
  assert.equal(reservationPlace({ connectorId: 2 }), "connector 2");
  assert.equal(reservationHolder({ idTag: "A" }), "A");
  assert.equal(reservationHolder({ idTag: "A", parentIdTag: "P" }), "A (or parent P)");
  assert.equal(reservationTone({ state: "Active" }), "tone-ok");
  assert.equal(reservationTone({ state: "Expired" }), "tone-warn");
  assert.equal(reservationTone({ state: "Used" }), "muted");
});
