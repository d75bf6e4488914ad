import assert from "node:assert/strict";
import type { ReservationRecord } from "../shared/reservation.ts";
import { startOnReservations } from "./reservation_check.ts";

const r = (
  reservationId: number,
  connectorId: number,
  idTag: string,
  parentIdTag?: string,
): ReservationRecord => ({
  chargerId: "CP",
  reservationId,
  connectorId,
  idTag,
  ...(parentIdTag && { parentIdTag }),
  expiresAt: "2030-01-01T00:00:00.000Z",
  createdAt: "2026-01-01T00:00:00.000Z",
  state: "Active",
});

Deno.test("the reservation a start names is used up, wherever it was", () => {
  const zero = r(5, 0, "H");
  assert.deepEqual(startOnReservations([zero], { connectorId: 2, idTag: "H", reservationId: 5 }), {
    uses: zero,
  });
});

Deno.test("a start on a connector reserved for another tag breaks it; the holder or its parent uses it", () => {
  const one = r(1, 1, "Holder", "Fleet");
  assert.deepEqual(startOnReservations([one], { connectorId: 1, idTag: "Stranger" }), { breaks: one });
  assert.deepEqual(startOnReservations([one], { connectorId: 1, idTag: "holder" }), { uses: one });
  assert.deepEqual(startOnReservations([one], { connectorId: 1, idTag: "Other", parentIdTag: "Fleet" }), {
    uses: one,
  });
  assert.deepEqual(startOnReservations([one], { connectorId: 2, idTag: "Stranger" }), {});
  assert.deepEqual(startOnReservations([], { connectorId: 1, idTag: "Stranger", reservationId: 9 }), {});
});
