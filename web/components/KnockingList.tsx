/**
 * Chargers the CSMS refused at the handshake lately, one row per id: why, how often, from where, when;
 * and, for an id that is not registered, a button to register it.
 */
import type { ChargerRefusal } from "../../shared/queries.ts";
import { formatDateTime } from "../lib/format.ts";
import { describeRefusal } from "../lib/refusals.ts";
import { RowButton } from "./RowButton.tsx";

export interface KnockingListProps {
  refusals: ChargerRefusal[];
  /** Registers `id` with the profile (and key) chosen in the form above. */
  onRegister(id: string): void;
  onRefresh(): void;
}

export function KnockingList({ refusals, onRegister, onRefresh }: KnockingListProps) {
  return (
    <section class="card knocking" data-testid="refusals">
      <h2>
        Refused lately
        <RowButton onClick={onRefresh}>Refresh</RowButton>
      </h2>
      <p class="muted small">
        Chargers the CSMS turned away at the handshake, the latest first. Register one that is knocking with
        the security profile (and key, if typed) chosen above; it gets in at its next attempt.
      </p>
      <div class="table-wrap">
        <table class="table">
          <caption class="visually-hidden">Chargers refused lately</caption>
          <thead>
            <tr>
              <th scope="col">Charge point</th>
              <th scope="col">Why, the last time</th>
              <th scope="col">Attempts</th>
              <th scope="col">From</th>
              <th scope="col">Last</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {refusals.map((r) => (
              <tr key={r.chargerId} data-refusal={r.chargerId} data-registered={r.registered ? "yes" : "no"}>
                <td data-label="Charge point" class="mono">{r.chargerId}</td>
                <td data-label="Why" data-reason={r.reason}>{describeRefusal(r)}</td>
                <td data-label="Attempts" class="num">{r.attempts}</td>
                <td data-label="From" class="mono small">{r.remoteAddress}</td>
                <td data-label="Last" class="small muted" title={`first ${formatDateTime(r.firstAt)}`}>
                  {formatDateTime(r.lastAt)}
                </td>
                <td class="row-actions">
                  {r.registered
                    ? <span class="small muted">registered</span>
                    : (
                      <RowButton onClick={() => onRegister(r.chargerId)}>Register</RowButton>
                    )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {refusals.length === 0 && <div class="empty muted">No charger refused lately.</div>}
      </div>
    </section>
  );
}
