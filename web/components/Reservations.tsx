/**
 * An OCPP 1.6 charger's reservations and local list on its page (GET /api/v1/chargers/{id}/reservations):
 * each reservation with its connector, holder, expiry and state, and the local list the charger last
 * accepted. The page's island counts the events after which they may have changed (`changes`); each new
 * count re-reads them. Reserving, cancelling and sending the list are the command panel's forms.
 */
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import type { LocalListSummary } from "../../shared/local_list.ts";
import type { ReservationRecord } from "../../shared/reservation.ts";
import { api, apiError } from "../client/api.ts";
import { formatDateTime } from "../lib/format.ts";
import { reservationHolder, reservationPlace, reservationTone } from "../lib/reservations.ts";

/** A burst of changes (statuses after a reservation) is read once. */
const REREAD_DELAY_MS = 300;

export function Reservations({ chargerId, changes }: { chargerId: string; changes: number }) {
  const items = useSignal<ReservationRecord[] | null>(null);
  const localList = useSignal<LocalListSummary | undefined>(undefined);
  const loadError = useSignal<string | null>(null);

  useEffect(() => {
    let stale = false;
    const timer = setTimeout(async () => {
      const res = await api(`/api/v1/chargers/${encodeURIComponent(chargerId)}/reservations`);
      if (stale) return;
      if (res.ok) {
        const body = await res.json();
        items.value = body.items;
        localList.value = body.localList;
        loadError.value = null;
      } else loadError.value = await apiError(res);
    }, changes === 0 ? 0 : REREAD_DELAY_MS);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [changes]);

  const list = localList.value;
  return (
    <div data-testid="reservations">
      {loadError.value && <p class="tone-err small">{loadError.value}</p>}
      {items.value !== null && items.value.length === 0 && <p class="muted small">No reservations.</p>}
      {items.value !== null && items.value.length > 0 && (
        <table class="table">
          <thead>
            <tr>
              <th>Id</th>
              <th>Where</th>
              <th>For</th>
              <th>Expires</th>
              <th>State</th>
            </tr>
          </thead>
          <tbody>
            {items.value.map((r) => (
              <tr key={r.reservationId} data-testid="reservation" data-state={r.state}>
                <td class="mono">{r.reservationId}</td>
                <td class="small">{reservationPlace(r)}</td>
                <td class="mono small">{reservationHolder(r)}</td>
                <td class="small">{formatDateTime(r.expiresAt)}</td>
                <td class={`small ${reservationTone(r)}`}>
                  {r.state}
                  {r.transactionId !== undefined && ` (transaction ${r.transactionId})`}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p class="muted small" data-testid="local-list">
        {list
          ? `Local list: version ${list.version} (${list.updateType}, ${list.size} id tags), accepted ${
            formatDateTime(list.sentAt)
          }.`
          : "No local list sent yet."}
      </p>
    </div>
  );
}
