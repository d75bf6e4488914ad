import assert from "node:assert/strict";
import { holdsReservation, reservationState } from "./reservation.ts";

Deno.test("an Active reservation past its expiry reads Expired; ended ones keep their state", () => {
  const at = "2026-01-01T00:00:00.000Z";
  const t = Date.parse(at);
  assert.equal(reservationState("Active", at, t - 1), "Active");
  assert.equal(reservationState("Active", at, t), "Expired");
  assert.equal(reservationState("Used", at, t + 1), "Used");
  assert.equal(reservationState("Cancelled", at, t + 1), "Cancelled");
});

Deno.test("the holder is the reserved idTag or one of its parent, case-insensitively", () => {
  const r = { idTag: "Card-1", parentIdTag: "Fleet" };
  assert.equal(holdsReservation(r, "CARD-1", undefined), true);
  assert.equal(holdsReservation(r, "Card-2", "fleet"), true);
  assert.equal(holdsReservation(r, "Card-2", "Other"), false);
  assert.equal(holdsReservation({ idTag: "Card-1" }, "Card-2", undefined), false);
});
